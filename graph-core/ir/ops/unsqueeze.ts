/**
 * Inserts size-1 dims. `axes` index the OUTPUT (rank + axes.length) and may be negative; they must be
 * distinct and non-empty. ONNX: Unsqueeze (opset 13+) with the normalised axes as an int64 input.
 *
 * Inserting a dim in front of the batch N (which would push N off dim 0) throws IrError.
 *
 * Gradient: g with the inserted dims squeezed away (the same axes, which index g's shape).
 */
import type { Dim } from '../../shape';
import { defineOp, int64, IrError } from '../define-op';
import { expectBatchFirst, normAxes } from './common/3-shaping';

function outShape<D>(shape: readonly D[], axes: readonly number[], one: D): D[] {
  if (axes.length === 0) throw new IrError('Unsqueeze: no axes');
  const rank = shape.length + axes.length;
  const ax = new Set(normAxes('Unsqueeze', axes, rank));
  const out: D[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) out.push(ax.has(i) ? one : shape[k++]!);
  return out;
}

export const Unsqueeze = defineOp<{ axes: readonly number[] }>({
  name: 'Unsqueeze',
  inferShape: ([x], { axes }) => [{ shape: expectBatchFirst('Unsqueeze', outShape<Dim>(x!.shape, axes, 1)), dtype: x!.dtype }],
  evaluate: ([x], { axes }) => [{ ...x!, shape: outShape(x!.shape, axes, 1) }],
  toOnnx: ({ axes }, [x]) => {
    const rank = x!.shape.length + axes.length;
    return { opType: 'Unsqueeze', constInputs: [int64(normAxes('Unsqueeze', axes, rank))] };
  },
  gradient: ({ ir, attrs: { axes }, grads: [g] }) => [ir.squeeze(g!, normAxes('Unsqueeze', axes, g!.type.shape.length))],
});
