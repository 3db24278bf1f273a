/**
 * Converts the element type: float32, int64 and bool in any direction. float → int64 truncates toward zero
 * (C's static_cast); anything → bool is x ≠ 0 (NaN is true); bool → number is 0/1.
 * ONNX: Cast, whose `to` attribute is the TensorProto.DataType enum (FLOAT = 1, INT64 = 7, BOOL = 9), not a name.
 * Gradient: float32 → float32 passes g through; a cast from or to int64 or bool carries none (piecewise constant).
 */
import type { DType } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { zeros } from '../tensor';
import { expectArity } from './common/1-checks';

const ONNX_TYPE: Record<DType, number> = { float32: 1, int64: 7, bool: 9 };

export const Cast = defineOp<{ to: DType }>({
  name: 'Cast',
  inferShape: (inputs, { to }) => {
    expectArity('Cast', inputs, 1);
    if (!Object.prototype.hasOwnProperty.call(ONNX_TYPE, to)) throw new IrError(`Cast: unknown target dtype ${String(to)}`);
    return [{ shape: inputs[0]!.shape, dtype: to }];
  },
  evaluate: ([x], { to }) => {
    const out = zeros(x!.shape, to);
    const f = to === 'bool' ? (v: number) => (v !== 0 ? 1 : 0) : to === 'int64' ? (v: number) => Math.trunc(v) : (v: number) => v;
    for (let k = 0; k < out.data.length; k++) out.data[k] = f(x!.data[k]!);
    return [out];
  },
  toOnnx: ({ to }) => ({ opType: 'Cast', attributes: { to: attr.int(ONNX_TYPE[to]) } }),
  gradient: ({ inputs: [x], attrs: { to }, grads: [g] }) => [x!.type.dtype === 'float32' && to === 'float32' ? g : undefined],
});
