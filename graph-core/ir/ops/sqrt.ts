/** Elementwise √x (float32; NaN for negative x). ONNX: Sqrt. Gradient: g / (2y), y = √x the output (as PyTorch). */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Sqrt = withGradient(checked(unaryOp('Sqrt', (x) => Math.sqrt(x)), 1, ['float32']), ({ ir, outputs: [y], grads: [g] }) => [
  ir.div(g!, ir.mul(y!, ir.scalar(2))),
]);
