/** Elementwise a · b with NumPy broadcasting (float32, or int64 for index arithmetic). ONNX: Mul. */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Mul = withGradient(checked(binaryOp('Mul', (a, b) => a * b), 2, ['float32', 'int64']), ({ ir, inputs: [a, b], grads: [g] }) => [
  ir.sumTo(ir.mul(g!, b!), a!.type.shape),
  ir.sumTo(ir.mul(g!, a!), b!.type.shape),
]);
