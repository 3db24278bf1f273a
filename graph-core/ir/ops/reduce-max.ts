/**
 * Maximum over the given axes. ONNX: ReduceMax, whose axes are an `axes` ATTRIBUTE in opset 17 (an input
 * only from opset 18), with keepdims as an explicit int attribute.
 *
 * Gradient: g goes to the positions equal to the max; where several tie (the derivative is undefined there) it
 * is split evenly among them, as PyTorch's amax does: g · mask / count, mask = (x == max).
 */
import { reduce } from '../tensor';
import { normAxes } from './common/1-checks';
import { reduceOp } from './common/1-reduce';

export const ReduceMax = reduceOp(
  'ReduceMax',
  'attribute',
  (x, axes, keepdims) => reduce(x, axes, keepdims, -Infinity, (acc, v) => (v > acc ? v : acc)),
  ({ ir, inputs: [x], outputs: [y], attrs: { axes, keepdims }, grads: [g] }) => {
    const ax = normAxes('ReduceMax gradient', axes, x!.type.shape.length);
    const kept = (v: typeof x) => (keepdims ? v! : ir.unsqueeze(v!, ax));
    const mask = ir.cast(ir.equal(x!, kept(y)), 'float32');
    const count = ir.reduceSum(mask, ax, true);
    return [ir.mul(mask, ir.div(kept(g), count))];
  },
);
