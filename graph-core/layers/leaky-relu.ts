/**
 * Leaky rectified linear unit: like ReLU, but negative inputs keep a small slope.
 *
 *   LeakyReLU(x) = x if x ≥ 0, else negative_slope · x
 *
 * FLOPs: 1 per element (one multiply on the negative side).
 *
 * PyTorch: torch.nn.LeakyReLU · ONNX: LeakyRelu · Lecture: "MLPs and activations"
 */
import { p } from '../params';
import { defineElementwise } from './common/elementwise';

export const LeakyReLU = defineElementwise({
  kind: 'LeakyReLU',
  doc: {
    summary: 'Like ReLU, but negative values are scaled by a small slope instead of set to zero, so their gradient never dies completely.',
    formula: 'LeakyReLU(x) = max(0, x) + negative_slope · min(0, x)',
    torch: 'torch.nn.LeakyReLU',
    onnx: 'LeakyRelu',
    lecture: 'MLPs and activations',
  },
  params: {
    negative_slope: p.float({ default: 0.01, doc: 'Slope used for negative inputs.' }),
  },
  flopsPerElement: 1,
  torch: ({ params: q }) => ({ module: { fn: 'nn.LeakyReLU', args: q.negative_slope === 0.01 ? [] : [q.negative_slope] } }),
  lower: (x, { ir, params: q }) => ir.leakyRelu(x, q.negative_slope),
});
