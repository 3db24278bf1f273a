/**
 * Sigmoid linear unit (also called Swish): the input gated by its own sigmoid.
 *
 *   SiLU(x) = x · σ(x) = x / (1 + exp(−x))
 *
 * FLOPs: 4 per element (exp, add, divide for σ, then one multiply).
 *
 * PyTorch: torch.nn.SiLU · ONNX: Sigmoid + Mul · Lecture: "MLPs and activations"
 */
import { defineElementwise } from './common/elementwise';

export const SiLU = defineElementwise({
  kind: 'SiLU',
  doc: {
    summary: 'Multiplies each value by its own sigmoid: smooth like GELU, close to ReLU for large |x|. Used in EfficientNet and many modern CNNs.',
    formula: 'SiLU(x) = x·σ(x) = x / (1 + e⁻ˣ)',
    torch: 'torch.nn.SiLU',
    onnx: 'Sigmoid, Mul',
    lecture: 'MLPs and activations',
  },
  params: {},
  flopsPerElement: 4,
  torch: () => ({ module: { fn: 'nn.SiLU' } }),
  lower: (x, { ir }) => ir.mul(x, ir.sigmoid(x)),
});
