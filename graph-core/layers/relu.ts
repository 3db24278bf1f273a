/**
 * Rectified linear unit.
 *
 *   ReLU(x) = max(0, x)
 *
 * PyTorch: torch.nn.ReLU · ONNX: Relu · Lecture: "Why deep", activations
 */
import { defineElementwise } from './common/elementwise';

export const ReLU = defineElementwise({
  kind: 'ReLU',
  doc: {
    summary: 'Keeps positive values and sets negative ones to zero. The default activation of modern networks.',
    formula: 'ReLU(x) = max(0, x)',
    torch: 'torch.nn.ReLU',
    onnx: 'Relu',
    lecture: 'MLPs and activations',
  },
  params: {},
  flopsPerElement: 1,
  torch: () => ({ module: { fn: 'nn.ReLU' } }),
  lower: (x, { ir }) => ir.relu(x),
});
