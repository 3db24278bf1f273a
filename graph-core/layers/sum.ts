/**
 * Sum over one dimension.
 *
 *   out[…] = Σ_k x[…, k, …]   over dimension `dim`
 *
 * FLOPs: one per input element.
 *
 * PyTorch: x.sum(dim, keepdim) · ONNX: ReduceSum · Lecture: "Tensors and shapes (reductions)"
 */
import { defineLayer } from '../define-layer';
import { normDim } from '../shape';
import { defineReduction } from './common/reduce';
import { changed } from './common/torch';

export const Sum = defineLayer({
  ...defineReduction({
    kind: 'Sum',
    verb: 'sum',
    doc: {
      summary: 'Adds up the values along one dimension and removes it (or keeps it with size 1).',
      formula: 'out = Σ_k x_k along dim',
      torch: 'torch.sum (x.sum(dim, keepdim))',
      onnx: 'ReduceSum',
      lecture: 'Tensors and shapes (reductions)',
    },
  }),
  torch: ({ params: q }) => ({ method: 'sum', args: [q.dim], kwargs: changed({ keepdim: [q.keepdim, false] }) }),
  lower: ({ ir, params: q, x: { in: x } }) => ({ out: ir.reduceSum(x!, [normDim(q.dim, x!.type.shape.length)], q.keepdim) }),
});
