/**
 * The Transformer's "Add & Norm": a residual connection followed by layer normalisation over the last dimension.
 *
 *   y = LayerNorm(x + sublayer(x)),   LayerNorm(z) = (z − mean(z)) / √(var(z) + eps) · γ + β   (per position, over D)
 *
 * `in` is the skip path x and `sublayer` is the sub-layer's output; both must have the same shape. γ (`weight`)
 * and β (`bias`) have nn.LayerNorm's names and start at 1 and 0. FLOPs: 1 per element for the addition plus
 * 7 per element for the normalisation.
 *
 * PyTorch: x + sublayer followed by torch.nn.LayerNorm(D, eps) · ONNX: Add, LayerNormalization · Lecture:
 * "Transformers (Add & Norm, post-norm)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, numelPerSample, sameShape } from '../shape';
import { layerNorm } from './common/attention-lower';
import { LAYER_NORM_FLOPS_PER_ELEMENT, layerNormWeights } from './common/attention-weights';
import { changed } from './common/torch';

const RESIDUAL_LAYER_NORM = {
  name: 'ResidualLayerNorm',
  source: `class ResidualLayerNorm(nn.LayerNorm):
    """The Transformer's Add & Norm: LayerNorm(x + sublayer), with nn.LayerNorm's weight and bias."""

    def forward(self, x, sublayer):
        return super().forward(x + sublayer)
`,
};

export const ResidualLayerNorm = defineLayer({
  kind: 'ResidualLayerNorm',
  category: 'transformer',
  doc: {
    summary:
      'Adds a sub-layer’s output back to its input (the residual, or skip, connection) and normalises each position ' +
      'over its features. This is the “Add & Norm” box of the Transformer diagram.',
    formula: 'y = (z − μ)/√(σ² + eps) · γ + β,  z = x + sublayer,  μ, σ² over the last dim D;  params = 2D',
    torch: 'torch.nn.LayerNorm(D) applied to x + sublayer',
    onnx: 'Add, LayerNormalization',
    lecture: 'Transformers (Add & Norm)',
  },
  params: {
    eps: p.float({ default: 1e-5, min: 0, doc: 'Added to the variance to avoid dividing by zero.' }),
  },
  inputs: {
    in: { doc: 'The skip path x [N, …, D].', rank: [2, 8], layout: '[N, …, D]' },
    sublayer: { doc: 'The sub-layer’s output, same shape as `in`.', rank: [2, 8], layout: '[N, …, D]' },
  },
  outputs: { out: { doc: 'Same shape as the inputs.' } },
  inferShape: ({ in: { in: x, sublayer: s } }) => {
    if (!sameShape(x!, s!)) return fail('SHAPE_MISMATCH', { port: 'sublayer', expected: fmtShape(x!), got: s! }, { port: 'sublayer' });
    return ok({ out: x! });
  },
  weights: ({ in: { in: x } }) => layerNormWeights('', x![x!.length - 1] as number),
  flops: ({ out }) => (1 + LAYER_NORM_FLOPS_PER_ELEMENT) * numelPerSample(out.out!),
  torch: ({ params: q, in: { in: x } }) => ({
    module: { fn: RESIDUAL_LAYER_NORM.name, args: [x![x!.length - 1] as number], kwargs: changed({ eps: [q.eps, 1e-5] }) },
    inputs: ['in', 'sublayer'],
    helper: RESIDUAL_LAYER_NORM,
  }),
  lower: ({ ir, params: q, x: { in: x, sublayer: s }, w }) => ({ out: layerNorm(ir, ir.add(x!, s!), w, '', q.eps) }),
});
