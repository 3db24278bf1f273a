/**
 * Elementwise a − b with NumPy broadcasting (float32, or int64 for index arithmetic). ONNX: Sub.
 * Gradient: g to a and −g to b, each summed over the dims it was broadcast along; int64 operands carry none.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Sub = withGradient(checked(binaryOp('Sub', (a, b) => a - b), 2, ['float32', 'int64']), ({ ir, inputs: [a, b], grads: [g] }) => {
  if (a!.type.dtype !== 'float32') return [undefined, undefined];
  return [ir.sumTo(g!, a!.type.shape), ir.sumTo(ir.neg(g!), b!.type.shape)];
});
