/**
 * Removes the given size-1 dims. `axes` index the input, may be negative, must be distinct and non-empty
 * (ONNX's "no axes = squeeze every size-1 dim" is never used: the rule is always explicit). Squeezing a dim
 * that is not 1, or the batch N (its size is unknown), throws IrError.
 * ONNX: Squeeze (opset 13+) with the normalised axes as an int64 input.
 *
 * Gradient: g with the removed size-1 dims put back (Unsqueeze at the same, input-indexed, axes).
 */
import { fmtShape } from '../../shape';
import { defineOp, int64, IrError } from '../define-op';
import { normAxes } from './common/3-shaping';

function squeezedAxes(shape: readonly (number | 'N')[], axes: readonly number[]): number[] {
  if (axes.length === 0) throw new IrError('Squeeze: no axes');
  const ax = normAxes('Squeeze', axes, shape.length);
  for (const a of ax) if (shape[a] !== 1) throw new IrError(`Squeeze: dim ${a} of ${fmtShape(shape)} is not 1`);
  return ax;
}

export const Squeeze = defineOp<{ axes: readonly number[] }>({
  name: 'Squeeze',
  inferShape: ([x], { axes }) => {
    const ax = squeezedAxes(x!.shape, axes);
    return [{ shape: x!.shape.filter((_, i) => !ax.includes(i)), dtype: x!.dtype }];
  },
  evaluate: ([x], { axes }) => {
    const ax = squeezedAxes(x!.shape, axes);
    return [{ ...x!, shape: x!.shape.filter((_, i) => !ax.includes(i)) }];
  },
  toOnnx: ({ axes }, [x]) => ({ opType: 'Squeeze', constInputs: [int64(normAxes('Squeeze', axes, x!.shape.length))] }),
  gradient: ({ ir, inputs: [x], attrs: { axes }, grads: [g] }) => [ir.unsqueeze(g!, normAxes('Squeeze', axes, x!.type.shape.length))],
});
