/** Shared rules of the reductions over one dimension (Mean, Sum, Max). */
import { defineLayer, fail, ok, type LayerDoc } from '../../define-layer';
import { p } from '../../params';
import { normDim, numelPerSample } from '../../shape';

/**
 * Reduces dimension `dim` (negative counts from the end; the batch 0 cannot be reduced), removing it or,
 * with `keepdim`, leaving it with size 1. Cost: one FLOP per input element.
 */
export function defineReduction<const K extends string>(o: { kind: K; doc: LayerDoc; verb: string }) {
  return defineLayer({
    kind: o.kind,
    category: 'shaping',
    doc: o.doc,
    params: {
      dim: p.int({ default: 1, doc: `Dimension to ${o.verb} over (negative counts from the end; 0 is the batch and cannot be reduced).` }),
      keepdim: p.bool({ default: false, doc: 'Keep the reduced dimension with size 1 instead of removing it.' }),
    },
    inputs: { in: { doc: '[N, …] with at least one dimension after the batch.', rank: [2, 8], layout: '[N, …]' } },
    outputs: { out: { doc: 'The input without dimension dim (or with size 1 there, with keepdim).' } },
    inferShape: ({ params: q, in: { in: x } }) => {
      const d = normDim(q.dim, x!.length);
      if (d < 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'out of range' });
      if (d === 0) return fail('BAD_DIM', { param: 'dim', dim: q.dim, shape: x!, why: 'the batch dimension cannot be reduced' });
      return ok({ out: q.keepdim ? x!.map((s, i) => (i === d ? 1 : s)) : x!.filter((_, i) => i !== d) });
    },
    flops: ({ in: { in: x } }) => numelPerSample(x!),
  });
}
