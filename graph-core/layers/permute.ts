/**
 * Reorders the dimensions, e.g. [N, T, F] → [N, F, T] to feed a sequence to Conv1d.
 *
 *   out.shape[i] = in.shape[dims[i]]
 *
 * `dims` lists every dimension including the batch, exactly as torch's x.permute(0, 2, 1); the batch must
 * stay first. Negative entries count from the end. No FLOPs (a view; a copy at most).
 *
 * PyTorch: x.permute(*dims) · ONNX: Transpose · Lecture: "Tensors and shapes (sequences and Conv1d)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, normDim } from '../shape';

export const Permute = defineLayer({
  kind: 'Permute',
  category: 'shaping',
  doc: {
    summary:
      'Reorders the dimensions of each sample, e.g. [N, T, F] → [N, F, T] with dims [0, 2, 1]. ' +
      'List every dimension, starting with 0 for the batch, which must stay first.',
    formula: 'out.shape[i] = in.shape[dims[i]]',
    torch: 'x.permute(*dims)',
    onnx: 'Transpose',
    lecture: 'Tensors and shapes',
  },
  params: {
    dims: p.ints({
      default: [0, 2, 1],
      minLength: 1,
      maxLength: 8,
      doc: 'The new order of the dimensions, including the batch 0 first, e.g. [0, 2, 1]. Negative entries count from the end.',
    }),
  },
  inputs: { in: { doc: 'Any tensor [N, …].', rank: [1, 8], layout: '[N, …]' } },
  outputs: { out: { doc: 'The input with its dimensions reordered.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const rank = x!.length;
    if (q.dims.length !== rank)
      return fail('BAD_PARAM', {
        param: 'dims',
        problem: `has ${q.dims.length} entries but the input ${fmtShape(x!)} has ${rank} dimensions; list each of 0…${rank - 1} once`,
      });
    const dims = q.dims.map((d) => normDim(d, rank));
    const bad = dims.findIndex((d) => d < 0);
    if (bad >= 0) return fail('BAD_DIM', { param: 'dims', dim: q.dims[bad]!, shape: x!, why: 'out of range' });
    const repeated = dims.find((d, i) => dims.indexOf(d) !== i);
    if (repeated !== undefined)
      return fail('BAD_PARAM', { param: 'dims', problem: `repeats dimension ${repeated}; list each of 0…${rank - 1} once` });
    if (dims[0] !== 0) return fail('BAD_PARAM', { param: 'dims', problem: 'must start with 0: the batch must stay first' });
    return ok({ out: dims.map((d) => x![d]!) });
  },
  torch: ({ params: q }) => ({ method: 'permute', args: [...q.dims] }),
  lower: ({ ir, params: q, x: { in: x } }) => ({ out: ir.transpose(x!, q.dims.map((d) => normDim(d, x!.type.shape.length))) }),
});
