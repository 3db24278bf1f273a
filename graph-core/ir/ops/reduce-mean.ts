/**
 * Arithmetic mean over the given axes (float64 accumulation). ONNX: ReduceMean, whose axes are still an
 * `axes` ATTRIBUTE in opset 17 (an input only from opset 18), with keepdims as an explicit int attribute.
 */
import { reduce } from '../tensor';
import { IrError } from '../define-op';
import { reduceOp, spreadBack } from './common/1-reduce';

export const ReduceMean = reduceOp(
  'ReduceMean',
  'attribute',
  (x, axes, keepdims) => reduce(x, axes, keepdims, 0, (acc, v) => acc + v, (acc, count) => acc / count),
  ({ ir, inputs: [x], attrs: { axes, keepdims }, grads: [g] }) => {
    const r = x!.type.shape.length;
    let count = 1;
    for (const a of axes) {
      const d = x!.type.shape[a < 0 ? a + r : a]!;
      if (d === 'N') throw new IrError('ReduceMean gradient needs a concrete batch size');
      count *= d;
    }
    return [spreadBack(ir, ir.div(g!, ir.scalar(count)), x!, axes, keepdims)];
  },
);
