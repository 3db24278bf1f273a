/** Elementwise a + b with NumPy broadcasting. ONNX: Add. Gradient: g to both, summed over broadcast dims. */
import { withGradient } from '../define-op';
import { binaryOp } from './common/elementwise';

export const Add = withGradient(binaryOp('Add', (a, b) => a + b), ({ ir, inputs: [a, b], grads: [g] }) => [
  ir.sumTo(g!, a!.type.shape),
  ir.sumTo(g!, b!.type.shape),
]);
