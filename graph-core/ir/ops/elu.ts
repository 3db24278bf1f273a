/**
 * Elementwise x for x > 0, alpha·(eˣ − 1) otherwise (float32; expm1 keeps small negative x accurate).
 * ONNX: Elu with an explicit `alpha` attribute.
 * Gradient: g for x > 0, g·alpha·eˣ = g·(y + alpha) otherwise (y the output); at x = 0 (no derivative unless
 * alpha = 1) it is alpha·g, as in PyTorch's elu_backward.
 */
import { attr, withGradient } from '../define-op';
import { checked, expectFinite } from './common/1-checks';
import { unaryOp } from './common/elementwise';

const base = unaryOp<{ alpha: number }>(
  'Elu',
  (x, { alpha }) => (x > 0 ? x : alpha * Math.expm1(x)),
  ({ alpha }) => ({ opType: 'Elu', attributes: { alpha: attr.float(alpha) } }),
);

export const Elu = withGradient(
  checked(
    {
      ...base,
      inferShape: (inputs, attrs) => {
        expectFinite('Elu', 'alpha', attrs.alpha);
        return base.inferShape(inputs, attrs);
      },
    },
    1,
    ['float32'],
  ),
  ({ ir, inputs: [x], outputs: [y], attrs: { alpha }, grads: [g] }) => [
    ir.where(ir.greater(x!, ir.scalar(0)), g!, ir.mul(g!, ir.add(y!, ir.scalar(alpha)))),
  ],
);
