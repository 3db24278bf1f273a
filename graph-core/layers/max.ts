/**
 * Maximum over one dimension (values only, no indices), e.g. max-pooling over time [N, T, F] → [N, F].
 *
 *   out[…] = max_k x[…, k, …]   over dimension `dim`
 *
 * FLOPs: one comparison per input element.
 *
 * PyTorch: x.amax(dim, keepdim) · ONNX: ReduceMax · Lecture: "Tensors and shapes (reductions)"
 */
import { defineLayer } from '../define-layer';
import { normDim } from '../shape';
import { defineReduction } from './common/reduce';
import { changed } from './common/torch';

export const Max = defineLayer({
  ...defineReduction({
    kind: 'Max',
    verb: 'take the maximum',
    doc: {
      summary: 'Keeps the largest value along one dimension and removes it (or keeps it with size 1). Max over time turns [N, T, F] into [N, F].',
      formula: 'out = max_k x_k along dim',
      torch: 'torch.amax (x.amax(dim, keepdim))',
      onnx: 'ReduceMax',
      lecture: 'Tensors and shapes (reductions)',
    },
  }),
  torch: ({ params: q }) => ({ method: 'amax', args: [q.dim], kwargs: changed({ keepdim: [q.keepdim, false] }) }),
  lower: ({ ir, params: q, x: { in: x } }) => ({ out: ir.reduceMax(x!, [normDim(q.dim, x!.type.shape.length)], q.keepdim) }),
});
