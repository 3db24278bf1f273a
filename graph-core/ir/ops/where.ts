/**
 * Elementwise select: cond ? x : y, with all three inputs broadcast together (NumPy rules). cond is bool;
 * x and y share a dtype, which the output takes. ONNX: Where.
 * Gradient: none for the condition; x gets Where(cond, g, 0) and y gets Where(cond, 0, g), each summed over
 * the dims it was broadcast along (none when x and y are not float32).
 */
import type { TensorType } from '../../shape';
import { defineOp, IrError } from '../define-op';
import { broadcastConcrete, broadcastIndex, zeros } from '../tensor';
import { expectArity } from './common/1-checks';
import { broadcastType } from './common/elementwise';

export const Where = defineOp({
  name: 'Where',
  inferShape: (inputs) => {
    expectArity('Where', inputs, 3);
    const [c, x, y] = inputs as [TensorType, TensorType, TensorType];
    if (c.dtype !== 'bool') throw new IrError(`Where: condition has dtype ${c.dtype}; expected bool`);
    const xy = broadcastType('Where', x, y);
    const all = broadcastType('Where', { shape: c.shape, dtype: xy.dtype }, xy);
    return [all];
  },
  evaluate: ([c, x, y]) => {
    const shape = broadcastConcrete(broadcastConcrete(c!.shape, x!.shape), y!.shape);
    const out = zeros(shape, x!.dtype);
    const ic = broadcastIndex(c!.shape, shape);
    const ix = broadcastIndex(x!.shape, shape);
    const iy = broadcastIndex(y!.shape, shape);
    for (let k = 0; k < out.data.length; k++) out.data[k] = c!.data[ic[k]!] ? x!.data[ix[k]!]! : y!.data[iy[k]!]!;
    return [out];
  },
  toOnnx: () => ({ opType: 'Where' }),
  gradient: ({ ir, inputs: [c, x, y], grads: [g] }) => {
    if (x!.type.dtype !== 'float32') return [undefined, undefined, undefined];
    const zero = ir.scalar(0);
    return [undefined, ir.sumTo(ir.where(c!, g!, zero), x!.type.shape), ir.sumTo(ir.where(c!, zero, g!), y!.type.shape)];
  },
});
