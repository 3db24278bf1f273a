/**
 * Gives each sample a new shape with the same number of elements. The shape is written without the batch,
 * which always stays first.
 *
 *   [N, …] → [N, …shape],   Π shape = elements per sample  (one entry may be −1: inferred)
 *
 * No FLOPs (a view).
 *
 * PyTorch: x.reshape(x.shape[0], *shape) · ONNX: Reshape · Lecture: "Tensors and shapes"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { BATCH, numel, numelPerSample } from '../shape';

export const Reshape = defineLayer({
  kind: 'Reshape',
  category: 'shaping',
  doc: {
    summary:
      'Rearranges each sample into a new shape with the same number of elements, e.g. [N, 784] → [N, 28, 28]. ' +
      'Give the shape without the batch; one entry may be −1 to infer it.',
    formula: '[N, …] → [N, …shape],  product of shape = elements per sample',
    torch: 'x.reshape(x.shape[0], *shape)',
    onnx: 'Reshape',
    lecture: 'Tensors and shapes',
  },
  params: {
    shape: p.ints({
      default: [-1],
      min: 1,
      minLength: 0,
      maxLength: 7,
      allowInfer: true,
      doc: 'Shape of one sample after reshaping, without the batch, e.g. [1, 28, 28]. One entry may be −1 (inferred).',
    }),
  },
  inputs: { in: { doc: 'Any tensor [N, …].', rank: [1, 8], layout: '[N, …]' } },
  outputs: { out: { doc: '[N, …shape]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const n = numelPerSample(x!);
    const known = numel(q.shape.filter((s) => s !== -1));
    const infer = q.shape.includes(-1);
    if (infer ? n % known !== 0 : n !== known) return fail('BAD_RESHAPE', { from: x!, to: q.shape }, { port: 'in' });
    return ok({ out: [BATCH, ...q.shape.map((s) => (s === -1 ? n / known : s))] });
  },
  torch: ({ out }) => ({ method: 'reshape', args: [-1, ...(out.out!.slice(1) as number[])] }),
  lower: ({ ir, x: { in: x }, out }) => ({ out: ir.reshape(x!, out.out!) }),
});
