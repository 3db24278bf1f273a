/** Shared rules of the element-wise operations on two tensors with NumPy/torch broadcasting (Add, Multiply). */
import { defineLayer, fail, ok, type LayerDoc } from '../../define-layer';
import { BATCH, broadcastShapes, fmtShape, numelPerSample } from '../../shape';

/**
 * `out = a ∘ b` with broadcasting: shapes are aligned on the right, and a dimension of size 1 (or a missing
 * leading one) is stretched. The batch N must line up with the other batch (or with a 1): a result in which
 * N lands anywhere but dimension 0 is refused, since torch would then mix samples. Two scalars (e.g. two
 * losses) give a scalar. Cost: one FLOP per output element.
 */
export function defineBroadcastBinary<const K extends string>(o: { kind: K; doc: LayerDoc }) {
  return defineLayer({
    kind: o.kind,
    category: 'shaping',
    doc: o.doc,
    params: {},
    inputs: {
      a: { doc: 'Any tensor [N, …], or a scalar such as a loss.', rank: [0, 8] },
      b: { doc: 'A tensor that broadcasts with a.', rank: [0, 8] },
    },
    outputs: { out: { doc: 'The broadcast shape of a and b.' } },
    inferShape: ({ in: { a, b } }) => {
      const out = broadcastShapes(a!, b!);
      if (!out || out.some((d, i) => d === BATCH && i !== 0))
        return fail('SHAPE_MISMATCH', { port: 'b', expected: `${fmtShape(a!)} or a shape that broadcasts with it`, got: b! }, { port: 'b' });
      return ok({ out });
    },
    flops: ({ out }) => numelPerSample(out.out!),
  });
}
