/** Elementwise −x (float32 or int64). ONNX: Neg. Gradient: −g (none for int64). */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Neg = withGradient(checked(unaryOp('Neg', (x) => -x), 1, ['float32', 'int64']), ({ ir, inputs: [x], grads: [g] }) => [
  x!.type.dtype === 'float32' ? ir.neg(g!) : undefined,
]);
