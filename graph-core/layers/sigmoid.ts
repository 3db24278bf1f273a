/**
 * Logistic sigmoid: squashes every value into (0, 1).
 *
 *   σ(x) = 1 / (1 + exp(−x))
 *
 * FLOPs: 3 per element (exp, add, divide).
 *
 * PyTorch: torch.nn.Sigmoid · ONNX: Sigmoid · Lecture: "MLPs and activations"
 */
import { defineElementwise } from './common/elementwise';

export const Sigmoid = defineElementwise({
  kind: 'Sigmoid',
  doc: {
    summary: 'Squashes every value into the range (0, 1), e.g. to turn a score into a probability for binary classification or a gate.',
    formula: 'σ(x) = 1 / (1 + e⁻ˣ)',
    torch: 'torch.nn.Sigmoid',
    onnx: 'Sigmoid',
    lecture: 'MLPs and activations',
  },
  params: {},
  flopsPerElement: 3,
  torch: () => ({ module: { fn: 'nn.Sigmoid' } }),
  lower: (x, { ir }) => ir.sigmoid(x),
});
