/**
 * Picks one position along a dimension and removes that dimension, e.g. the class token x[:, 0] of a
 * vision transformer ([N, T, D] → [N, D]) or the last time step x[:, -1] of an RNN.
 *
 *   out = x.select(dim, index)   (a negative index counts from the end, as in Python)
 *
 * No FLOPs (a view).
 *
 * PyTorch: x.select(dim, index) · ONNX: Gather (scalar index) · Lecture: "Sequences and transformers (class token, last step)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, normDim } from '../shape';

export const SelectIndex = defineLayer({
  kind: 'SelectIndex',
  category: 'shaping',
  doc: {
    summary:
      'Takes one position along a dimension and drops that dimension, e.g. the class token (index 0) or the last time step (index −1) of [N, T, D], giving [N, D].',
    formula: 'out = x[:, …, index, …]  (dimension dim removed)',
    torch: 'x.select(dim, index)',
    onnx: 'Gather (scalar index)',
    lecture: 'Sequences and transformers (class token, last step)',
  },
  params: {
    dim: p.int({ default: 1, doc: 'Dimension to pick from (negative counts from the end; 0 is the batch and cannot be picked from).' }),
    index: p.int({ default: 0, doc: 'Position to keep; negative counts from the end (−1 is the last).' }),
  },
  inputs: { in: { doc: '[N, …] with at least one dimension after the batch.', rank: [2, 8], layout: '[N, …]' } },
  outputs: { out: { doc: 'The input without dimension dim.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const d = normDim(q.dim, x!.length);
    if (d < 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'out of range' });
    if (d === 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'selecting from the batch is not allowed' });
    const size = x![d] as number;
    if (q.index < -size || q.index >= size)
      return fail('BAD_PARAM', {
        param: 'index',
        problem: `is out of range for dimension ${d} (size ${size}) of ${fmtShape(x!)}; use ${-size}…${size - 1}`,
      });
    return ok({ out: x!.filter((_, i) => i !== d) });
  },
  torch: ({ params: q }) => ({ method: 'select', args: [q.dim, q.index] }),
  lower: ({ ir, params: q, in: { in: shape }, x: { in: x } }) => {
    const d = normDim(q.dim, shape!.length);
    const size = shape![d] as number;
    const index = ir.tensor([], [q.index < 0 ? q.index + size : q.index], 'int64');
    return { out: ir.gather(x!, index, d) };
  },
});
