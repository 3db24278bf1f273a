/**
 * Elementwise x for x ≥ 0, alpha·x otherwise (float32). ONNX: LeakyRelu with an explicit `alpha` attribute
 * (ONNX's default is 0.01, PyTorch's negative_slope default is also 0.01, but the IR always writes it).
 * Gradient: g for x > 0, alpha·g otherwise; at x = 0 (no derivative unless alpha = 1) it is alpha·g, as in
 * PyTorch's leaky_relu_backward.
 */
import { attr, withGradient } from '../define-op';
import { checked, expectFinite } from './common/1-checks';
import { unaryOp } from './common/elementwise';

const base = unaryOp<{ alpha: number }>(
  'LeakyRelu',
  (x, { alpha }) => (x >= 0 ? x : alpha * x),
  ({ alpha }) => ({ opType: 'LeakyRelu', attributes: { alpha: attr.float(alpha) } }),
);

export const LeakyRelu = withGradient(
  checked(
    {
      ...base,
      inferShape: (inputs, attrs) => {
        expectFinite('LeakyRelu', 'alpha', attrs.alpha);
        return base.inferShape(inputs, attrs);
      },
    },
    1,
    ['float32'],
  ),
  ({ ir, inputs: [x], attrs: { alpha }, grads: [g] }) => [ir.where(ir.greater(x!, ir.scalar(0)), g!, ir.mul(g!, ir.scalar(alpha)))],
);
