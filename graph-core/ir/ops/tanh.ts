/** Elementwise hyperbolic tangent (float32). ONNX: Tanh. Gradient: g·(1 − y²), y the output. */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Tanh = withGradient(checked(unaryOp('Tanh', (x) => Math.tanh(x)), 1, ['float32']), ({ ir, outputs: [y], grads: [g] }) => [
  ir.mul(g!, ir.sub(ir.scalar(1), ir.mul(y!, y!))),
]);
