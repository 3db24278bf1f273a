/**
 * Hyperbolic tangent: squashes every value into (−1, 1), centred at zero.
 *
 *   tanh(x) = (exp(x) − exp(−x)) / (exp(x) + exp(−x)) = 2σ(2x) − 1
 *
 * FLOPs: 1 per element (one transcendental).
 *
 * PyTorch: torch.nn.Tanh · ONNX: Tanh · Lecture: "MLPs and activations"
 */
import { defineElementwise } from './common/elementwise';

export const Tanh = defineElementwise({
  kind: 'Tanh',
  doc: {
    summary: 'Squashes every value into the range (−1, 1), centred at zero. The classic activation of RNNs.',
    formula: 'tanh(x) = (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ) = 2σ(2x) − 1',
    torch: 'torch.nn.Tanh',
    onnx: 'Tanh',
    lecture: 'MLPs and activations',
  },
  params: {},
  flopsPerElement: 1,
  torch: () => ({ module: { fn: 'nn.Tanh' } }),
  lower: (x, { ir }) => ir.tanh(x),
});
