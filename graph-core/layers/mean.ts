/**
 * Average over one dimension, e.g. global average pooling of a sequence [N, T, F] → [N, F].
 *
 *   out[…] = (1/n) Σ_k x[…, k, …]   over dimension `dim` of size n
 *
 * FLOPs: one per input element.
 *
 * PyTorch: x.mean(dim, keepdim) · ONNX: ReduceMean · Lecture: "Tensors and shapes (reductions)"
 */
import { defineLayer } from '../define-layer';
import { normDim } from '../shape';
import { defineReduction } from './common/reduce';
import { changed } from './common/torch';

export const Mean = defineLayer({
  ...defineReduction({
    kind: 'Mean',
    verb: 'average',
    doc: {
      summary: 'Averages over one dimension and removes it (or keeps it with size 1). Mean over time turns [N, T, F] into [N, F].',
      formula: 'out = (1/n)·Σ_k x_k along dim',
      torch: 'torch.mean (x.mean(dim, keepdim))',
      onnx: 'ReduceMean',
      lecture: 'Tensors and shapes (reductions)',
    },
  }),
  torch: ({ params: q }) => ({ method: 'mean', args: [q.dim], kwargs: changed({ keepdim: [q.keepdim, false] }) }),
  lower: ({ ir, params: q, x: { in: x } }) => ({ out: ir.reduceMean(x!, [normDim(q.dim, x!.type.shape.length)], q.keepdim) }),
});
