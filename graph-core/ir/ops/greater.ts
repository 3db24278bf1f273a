/** Elementwise a > b with NumPy broadcasting → bool (held as 0/1); float32 or int64 operands. ONNX: Greater.
 * No gradient: the output is bool. */
import { noGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Greater = noGradient(checked(binaryOp('Greater', (a, b) => (a > b ? 1 : 0), 'bool'), 2, ['float32', 'int64']));
