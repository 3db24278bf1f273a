/**
 * Sum over the given axes (float64 accumulation). ONNX: ReduceSum, whose axes are an int64 INPUT since
 * opset 13 (written non-negative and sorted), with keepdims as an explicit int attribute.
 */
import { reduce } from '../tensor';
import { reduceOp, spreadBack } from './common/1-reduce';

export const ReduceSum = reduceOp(
  'ReduceSum',
  'input',
  (x, axes, keepdims) => reduce(x, axes, keepdims, 0, (acc, v) => acc + v),
  ({ ir, inputs: [x], attrs: { axes, keepdims }, grads: [g] }) => [spreadBack(ir, g!, x!, axes, keepdims)],
);
