/** Elementwise eˣ (float32; overflows to +Inf above about 88.7). ONNX: Exp. Gradient: g·y (y = eˣ, the output). */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Exp = withGradient(checked(unaryOp('Exp', (x) => Math.exp(x)), 1, ['float32']), ({ ir, outputs: [y], grads: [g] }) => [ir.mul(g!, y!)]);
