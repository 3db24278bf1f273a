/**
 * Broadcasts a tensor to a shape, NumPy style in both directions (ONNX Expand): the result is
 * broadcast(input.shape, shape), so a target dim of 1 keeps the input's dim and the target may have a lower rank.
 *
 * The target may contain the batch N. ONNX: Expand with an int64 shape input in which N is written as 1, so
 * the batch broadcasts through from the input. For that to be right the input must itself have N at the same
 * (right-aligned) position: a target N over an input dim of 1 would make ONNX produce 1, so it throws IrError,
 * as does any result with N off dim 0.
 *
 * Gradient: g summed back to the input's shape (sumTo: over the added leading dims and the dims that were 1).
 */
import { broadcastShapes, fmtShape, type Shape } from '../../shape';
import { defineOp, int64, IrError } from '../define-op';
import { broadcastConcrete, broadcastIndex, zeros } from '../tensor';
import { expectBatchFirst } from './common/3-shaping';

const onnxShape = (shape: Shape): number[] => shape.map((d) => (d === 'N' ? 1 : d));

export const Expand = defineOp<{ shape: Shape }>({
  name: 'Expand',
  inferShape: ([x], { shape }) => {
    if (!shape.every((d) => d === 'N' || (Number.isInteger(d) && d > 0))) throw new IrError(`Expand: bad target shape ${fmtShape(shape)}`);
    const off = shape.length - x!.shape.length;
    shape.forEach((d, i) => {
      if (d === 'N' && x!.shape[i - off] !== 'N')
        throw new IrError(`Expand: target ${fmtShape(shape)} has N at dim ${i} but the input ${fmtShape(x!.shape)} has no batch there`);
    });
    const out = broadcastShapes(x!.shape, shape);
    if (!out) throw new IrError(`Expand: ${fmtShape(x!.shape)} does not broadcast to ${fmtShape(shape)}`);
    return [{ shape: expectBatchFirst('Expand', out), dtype: x!.dtype }];
  },
  evaluate: ([x], { shape }) => {
    const outShape = broadcastConcrete(x!.shape, onnxShape(shape));
    const out = zeros(outShape, x!.dtype);
    const idx = broadcastIndex(x!.shape, outShape);
    for (let k = 0; k < out.data.length; k++) out.data[k] = x!.data[idx[k]!]!;
    return [out];
  },
  toOnnx: ({ shape }) => ({ opType: 'Expand', constInputs: [int64(onnxShape(shape))] }),
  gradient: ({ ir, inputs: [x], grads: [g] }) => [ir.sumTo(g!, x!.type.shape)],
});
