/**
 * Elementwise a / b with NumPy broadcasting, float32 only (IEEE: x/0 is ±Inf, 0/0 is NaN). ONNX: Div.
 * Gradient: d/da = g / b and d/db = −g·a/b² = −g·y/b (y the output), each summed over its broadcast dims.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Div = withGradient(checked(binaryOp('Div', (a, b) => a / b), 2, ['float32']), ({ ir, inputs: [a, b], outputs: [y], grads: [g] }) => [
  ir.sumTo(ir.div(g!, b!), a!.type.shape),
  ir.sumTo(ir.neg(ir.div(ir.mul(g!, y!), b!)), b!.type.shape),
]);
