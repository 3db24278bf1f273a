/**
 * Splits one dimension into several, the inverse of Flatten, e.g. [N, 784] → [N, 1, 28, 28].
 *
 *   [N, …, S, …] → [N, …, s₁, …, s_k, …],   s₁·…·s_k = S  (one s_i may be −1: inferred as S / the others)
 *
 * `dim` counts the batch as 0, as torch does; the batch cannot be split. No FLOPs (a view).
 *
 * PyTorch: torch.nn.Unflatten · ONNX: Reshape · Lecture: "Autoencoders and GANs (dense → image)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { normDim, numel } from '../shape';

export const Unflatten = defineLayer({
  kind: 'Unflatten',
  category: 'shaping',
  doc: {
    summary: 'Splits one dimension into several, e.g. [N, 784] → [N, 1, 28, 28] to turn a dense output back into an image.',
    formula: '[N, …, S, …] → [N, …, s₁, …, s_k, …] with s₁·…·s_k = S (one sᵢ may be −1)',
    torch: 'torch.nn.Unflatten',
    onnx: 'Reshape',
    lecture: 'Autoencoders and GANs (dense → image)',
  },
  params: {
    dim: p.int({ default: 1, doc: 'Dimension to split (negative counts from the end; 0 is the batch and cannot be split).' }),
    unflattened_size: p.ints({
      default: [1, -1],
      min: 1,
      minLength: 1,
      maxLength: 7,
      allowInfer: true,
      doc: 'The sizes that replace it; their product must equal its size. One entry may be −1 (inferred).',
    }),
  },
  inputs: { in: { doc: '[N, …] with at least one dimension after the batch.', rank: [2, 8], layout: '[N, …]' } },
  outputs: { out: { doc: 'The input with dimension dim replaced by unflattened_size.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const d = normDim(q.dim, x!.length);
    if (d < 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'out of range' });
    if (d === 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'the batch dimension cannot be split' });
    const size = x![d] as number;
    const known = numel(q.unflattened_size.filter((s) => s !== -1));
    if (q.unflattened_size.includes(-1)) {
      if (size % known !== 0)
        return fail(
          'NOT_DIVISIBLE',
          { what: `The size of dimension ${d}`, value: size, by: 'the product of the other unflattened_size entries', divisor: known },
          { port: 'in' },
        );
    } else if (known !== size) {
      const to = [...x!.slice(1, d), ...q.unflattened_size, ...x!.slice(d + 1)] as number[];
      return fail('BAD_RESHAPE', { from: x!, to }, { port: 'in' });
    }
    const sizes = q.unflattened_size.map((s) => (s === -1 ? size / known : s));
    return ok({ out: [...x!.slice(0, d), ...sizes, ...x!.slice(d + 1)] });
  },
  // The inferred sizes (no −1), so the generated code states the shape.
  torch: ({ params: q, in: { in: x }, out }) => {
    const d = normDim(q.dim, x!.length);
    const sizes = out.out!.slice(d, d + q.unflattened_size.length) as number[];
    return { module: { fn: 'nn.Unflatten', args: [q.dim, { tuple: sizes }] } };
  },
  lower: ({ ir, x: { in: x }, out }) => ({ out: ir.reshape(x!, out.out!) }),
});
