/** Elementwise natural logarithm (float32; log 0 = −Inf, log of a negative number = NaN). ONNX: Log. Gradient: g / x. */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Log = withGradient(checked(unaryOp('Log', (x) => Math.log(x)), 1, ['float32']), ({ ir, inputs: [x], grads: [g] }) => [ir.div(g!, x!)]);
