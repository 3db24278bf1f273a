/**
 * Elementwise a == b with NumPy broadcasting → bool (held as 0/1). Operands share a dtype: float32, int64
 * (e.g. labels against an iota, for one-hot) or bool. ONNX: Equal.
 * No gradient: the output is bool (piecewise constant).
 */
import { noGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Equal = noGradient(checked(binaryOp('Equal', (a, b) => (a === b ? 1 : 0), 'bool'), 2, ['float32', 'int64', 'bool']));
