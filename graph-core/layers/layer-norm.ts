/**
 * Layer normalisation: each sample is normalised over its trailing `normalized_dims` dimensions
 * (torch's normalized_shape = x.shape[-normalized_dims:], inferred from the input), then scaled and shifted
 * elementwise by learned γ, β of that shape.
 *
 *   y = (x − E[x]) / √(Var[x] + eps) · γ + β   (statistics per sample over the normalised dims)
 *
 * FLOPs per element: 3 for the statistics (a sum for the mean, a square-and-sum for the variance),
 * 2 to normalise (subtract, multiply by 1/σ), +1 for γ and +1 for β when present.
 *
 * PyTorch: torch.nn.LayerNorm(normalized_shape = x.shape[-k:]) · ONNX: LayerNormalization (opset 17) · Lecture: "Transformers (layer norm)"
 */
import { defineLayer, fail, ok, type WeightSpec } from '../define-layer';
import { p } from '../params';
import { fmtShape, numel, numelPerSample } from '../shape';
import { changed } from './common/torch';

export const LayerNorm = defineLayer({
  kind: 'LayerNorm',
  category: 'normalization',
  doc: {
    summary:
      'Normalises each sample (each token, for sequences) over its last dimensions to zero mean and unit variance, then applies a learned scale and shift. ' +
      'Unlike BatchNorm it does not depend on the batch; it is the normalisation of transformers.',
    formula: 'y = (x − μ) / √(σ² + eps) · γ + β,  μ, σ² over the last k dims;  params = 2·∏ normalized_shape',
    torch: 'torch.nn.LayerNorm',
    onnx: 'LayerNormalization',
    lecture: 'Transformers (layer norm)',
  },
  params: {
    normalized_dims: p.int({ default: 1, min: 1, doc: 'How many trailing dimensions to normalise over (torch’s normalized_shape is the input’s last k sizes).' }),
    eps: p.float({ default: 1e-5, min: 0, exclusiveMin: true, doc: 'Added to the variance before the square root, for numerical stability.' }),
    elementwise_affine: p.bool({ default: true, doc: 'Learn a scale γ (weight) and, with bias, a shift β of shape normalized_shape.' }),
    bias: p.bool({ default: true, doc: 'Learn the shift β (only with elementwise_affine).' }),
  },
  inputs: { in: { doc: '[N, …, features]', rank: [2, 8], layout: '[N, …, features]' } },
  outputs: { out: { doc: 'Same shape as the input.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const available = x!.length - 1;
    if (q.normalized_dims > available)
      return fail('BAD_PARAM', {
        param: 'normalized_dims',
        problem: `is ${q.normalized_dims}, but the input ${fmtShape(x!)} has only ${available} dimension${available === 1 ? '' : 's'} after the batch`,
      });
    return ok({ out: x! });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const shape = x!.slice(x!.length - q.normalized_dims) as number[];
    const w: Record<string, WeightSpec> = {};
    if (q.elementwise_affine) {
      w.weight = { shape, init: { constant: 1 } };
      if (q.bias) w.bias = { shape, init: { constant: 0 } };
    }
    return w;
  },
  flops: ({ params: q, out }) =>
    (5 + (q.elementwise_affine ? 1 + (q.bias ? 1 : 0) : 0)) * numelPerSample(out.out!),
  // bias=False needs torch ≥ 2.1.
  torch: ({ params: q, in: { in: x } }) => {
    const shape = x!.slice(x!.length - q.normalized_dims) as number[];
    return {
      module: {
        fn: 'nn.LayerNorm',
        args: [shape.length === 1 ? shape[0]! : { tuple: shape }],
        kwargs: changed({ eps: [q.eps, 1e-5], elementwise_affine: [q.elementwise_affine, true], bias: [q.bias || !q.elementwise_affine, true] }),
      },
    };
  },
  lower: ({ ir, params: q, x: { in: x }, w: { weight, bias } }) => {
    const axis = x!.type.shape.length - q.normalized_dims;
    const normShape = x!.type.shape.slice(axis) as number[];
    const scale = weight ?? ir.tensor(normShape, new Float32Array(numel(normShape)).fill(1));
    return { out: ir.layerNorm(x!, scale, bias, axis, q.eps) };
  },
});
