/**
 * Reshape to a static shape; the batch stays symbolic (N). ONNX: Reshape with an int64 shape input where the
 * batch is written as -1 (every other dim is concrete, so -1 can only be the batch).
 */
import { numelPerSample, type Shape } from '../../shape';
import { defineOp, int64, IrError } from '../define-op';

export const Reshape = defineOp<{ shape: Shape }>({
  name: 'Reshape',
  inferShape: ([x], { shape }) => {
    const hasN = (s: Shape) => s.includes('N');
    if (hasN(x!.shape) !== hasN(shape) || numelPerSample(x!.shape) !== numelPerSample(shape))
      throw new IrError(`Reshape: cannot reshape [${x!.shape.join(', ')}] to [${shape.join(', ')}]`);
    return [{ shape, dtype: x!.dtype }];
  },
  evaluate: ([x], { shape }) => {
    const known = shape.reduce<number>((a, d) => (d === 'N' ? a : a * d), 1);
    const concrete = shape.map((d) => (d === 'N' ? x!.data.length / known : d));
    return [{ ...x!, shape: concrete }];
  },
  toOnnx: ({ shape }) => ({ opType: 'Reshape', constInputs: [int64(shape.map((d) => (d === 'N' ? -1 : d)))] }),
  gradient: ({ ir, inputs: [x], grads: [g] }) => [ir.reshape(g!, x!.type.shape)],
});
