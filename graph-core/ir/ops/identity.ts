/** Returns its input unchanged (any dtype); the kernel copies the buffer. ONNX: Identity. Gradient: g (none for int64/bool). */
import { defineOp } from '../define-op';
import { expectArity } from './common/1-checks';

export const Identity = defineOp({
  name: 'Identity',
  inferShape: (inputs) => {
    expectArity('Identity', inputs, 1);
    return [inputs[0]!];
  },
  evaluate: ([x]) => [{ shape: [...x!.shape], dtype: x!.dtype, data: x!.data.slice() }],
  toOnnx: () => ({ opType: 'Identity' }),
  gradient: ({ inputs: [x], grads: [g] }) => [x!.type.dtype === 'float32' ? g : undefined],
});
