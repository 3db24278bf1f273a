/**
 * Elementwise maximum of two tensors with NumPy broadcasting (float32 or int64). ONNX: Max, which is variadic;
 * the IR always gives it exactly two inputs.
 *
 * Gradient: g goes to the larger operand; at ties (where the derivative is undefined) it is split half-half,
 * as PyTorch's torch.maximum does. Each share is summed over its broadcast dims; int64 operands carry none.
 */
import { withGradient } from '../define-op';
import { checked } from './common/1-checks';
import { binaryOp } from './common/elementwise';

export const Max = withGradient(checked(binaryOp('Max', (a, b) => Math.max(a, b)), 2, ['float32', 'int64']), ({ ir, inputs: [a, b], grads: [g] }) => {
  if (a!.type.dtype !== 'float32') return [undefined, undefined];
  const share = ir.add(ir.cast(ir.greater(a!, b!), 'float32'), ir.mul(ir.cast(ir.equal(a!, b!), 'float32'), ir.scalar(0.5)));
  const ga = ir.mul(g!, share);
  return [ir.sumTo(ga, a!.type.shape), ir.sumTo(ir.sub(g!, ga), b!.type.shape)];
});
