/**
 * Gradient reversal (Ganin & Lempitsky, "Unsupervised Domain Adaptation by Backpropagation", 2015):
 * the identity going forward, the gradient multiplied by −λ going backward.
 *
 *   forward:  y = x
 *   backward: dL/dx = −λ · dL/dy,   λ a float32 scalar input (fed by the runtime, so it can follow a schedule)
 *
 * Inputs: x (float32, any shape) and λ (a float32 scalar). ONNX: Identity on x alone; λ only matters to the
 * backward pass, which is part of the train-step graph. Gradient: −λ·g for x; none for λ (PyTorch's
 * autograd.Function returns None for it too).
 */
import { defineOp, IrError } from '../define-op';
import { expectArity, expectFloat } from './common/1-checks';

export const GradientReversal = defineOp({
  name: 'GradientReversal',
  inferShape: (inputs) => {
    expectArity('GradientReversal', inputs, 2);
    expectFloat('GradientReversal', inputs);
    if (inputs[1]!.shape.length !== 0) throw new IrError(`GradientReversal: λ must be a scalar, got [${inputs[1]!.shape.join(', ')}]`);
    return [inputs[0]!];
  },
  evaluate: ([x]) => [{ shape: [...x!.shape], dtype: x!.dtype, data: x!.data.slice() }],
  // Only x reaches the ONNX node: the forward pass is a plain copy.
  toOnnx: () => ({ opType: 'Identity', inputs: [0] }),
  gradient: ({ ir, inputs: [, lambda], grads: [g] }) => [ir.neg(ir.mul(g!, lambda!)), undefined],
});
