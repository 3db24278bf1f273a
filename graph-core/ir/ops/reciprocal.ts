/** Elementwise 1/x (float32; 1/0 = +Inf). ONNX: Reciprocal. Gradient: −g/x² = −g·y² (y = 1/x, the output). */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Reciprocal = withGradient(checked(unaryOp('Reciprocal', (x) => 1 / x), 1, ['float32']), ({ ir, outputs: [y], grads: [g] }) => [
  ir.neg(ir.mul(g!, ir.mul(y!, y!))),
]);
