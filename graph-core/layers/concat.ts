/**
 * Joins any number of tensors along one dimension, e.g. the skip connections of a U-Net or DenseNet.
 *
 *   [N, …, a₁, …] ⧺ [N, …, a₂, …] ⧺ … → [N, …, a₁ + a₂ + …, …]
 *
 * The inputs arrive on one variadic port, in document order. All must have the same rank and the same
 * sizes except on `dim` (the batch 0 cannot be concatenated). No FLOPs (a copy).
 *
 * PyTorch: torch.cat(xs, dim) · ONNX: Concat · Lecture: "U-Net and DenseNet (skip connections)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { normDim } from '../shape';

export const Concat = defineLayer({
  kind: 'Concat',
  category: 'shaping',
  doc: {
    summary:
      'Glues several tensors together along one dimension (channels by default), in connection order. ' +
      'All other dimensions must match.',
    formula: 'out.shape[dim] = Σ inputs’ shape[dim]; all other dimensions equal',
    torch: 'torch.cat',
    onnx: 'Concat',
    lecture: 'U-Net and DenseNet (skip connections)',
  },
  params: {
    dim: p.int({ default: 1, doc: 'Dimension to join along (negative counts from the end; 0 is the batch and cannot be joined).' }),
  },
  inputs: { in: { doc: 'Any number of tensors [N, …], joined in connection order.', rank: [2, 8], layout: '[N, …]', variadic: true } },
  outputs: { out: { doc: 'The inputs joined along dim.' } },
  inferShape: ({ params: q, variadic: { in: xs } }) => {
    const first = xs![0]!;
    const d = normDim(q.dim, first.length);
    if (d < 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: first, why: 'out of range' });
    if (d === 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: first, why: 'the batch dimension cannot be concatenated' });
    const expected = `[${first.map((s, i) => (i === d ? '*' : s)).join(', ')}] (any size on dimension ${d})`;
    let total = 0;
    for (const x of xs!) {
      if (x.length !== first.length || x.some((s, i) => i !== d && s !== first[i]))
        return fail('SHAPE_MISMATCH', { port: 'in', expected, got: x }, { port: 'in' });
      total += x[d] as number;
    }
    return ok({ out: first.map((s, i) => (i === d ? total : s)) });
  },
  torch: ({ params: q }) => ({ call: { fn: 'torch.cat', args: [{ ports: 'in' }], kwargs: { dim: q.dim } } }),
  lower: ({ ir, params: q, xs: { in: xs } }) => ({ out: ir.concat(xs!, normDim(q.dim, xs![0]!.type.shape.length)) }),
});
