/**
 * Elementwise |x| (float32 or int64). ONNX: Abs.
 * Gradient: g·sign(x), with sign(0) = 0 as in PyTorch (|x| has no derivative at 0); sign is written as
 * (x > 0) − (x < 0) since the IR avoids Sign. int64 inputs carry none.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { unaryOp } from './common/elementwise';

export const Abs = withGradient(checked(unaryOp('Abs', (x) => Math.abs(x)), 1, ['float32', 'int64']), ({ ir, inputs: [x], grads: [g] }) => {
  if (x!.type.dtype !== 'float32') return [undefined];
  const zero = ir.scalar(0);
  const sign = ir.sub(ir.cast(ir.greater(x!, zero), 'float32'), ir.cast(ir.less(x!, zero), 'float32'));
  return [ir.mul(g!, sign)];
});
