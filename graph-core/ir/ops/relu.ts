/** max(0, x). ONNX: Relu. Gradient: g where x > 0, else 0. */
import { withGradient } from '../define-op';
import { unaryOp } from './common/elementwise';

export const Relu = withGradient(unaryOp('Relu', (x) => (x > 0 ? x : 0)), ({ ir, inputs: [x], grads: [g] }) => [
  ir.mul(g!, ir.cast(ir.greater(x!, ir.scalar(0)), 'float32')),
]);
