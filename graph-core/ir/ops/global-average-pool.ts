/**
 * The mean over all spatial dims of an NCL or NCHW input, per channel; the spatial dims stay, as 1
 * ([N, C, H, W] → [N, C, 1, 1]). Sums accumulate in float64. ONNX: GlobalAveragePool (no attributes).
 * Gradient: every input cell gets g / (H·W) of its channel: Div by the cell count, then Expand to X's shape.
 */
import { defineOp } from '../define-op';
import { reduce } from '../tensor';
import { activation, expectInputs } from './common/2-window';
import { concreteShape } from './slice';

export const GlobalAveragePool = defineOp({
  name: 'GlobalAveragePool',
  inferShape: (inputs) => {
    expectInputs('GlobalAveragePool', inputs, 1);
    const x = activation('GlobalAveragePool', inputs[0]);
    return [{ shape: [x.batch, x.channels, ...x.spatial.map(() => 1)], dtype: 'float32' }];
  },
  evaluate: ([x]) => {
    const axes = x!.shape.slice(2).map((_, i) => i + 2);
    return [
      reduce(
        x!,
        axes,
        true,
        0,
        (acc, v) => acc + v,
        (acc, count) => acc / count,
      ),
    ];
  },
  toOnnx: () => ({ opType: 'GlobalAveragePool' }),
  gradient: ({ ir, inputs: [x], grads: [g] }) => {
    const xs = concreteShape('GlobalAveragePool gradient', x!.type.shape);
    const count = xs.slice(2).reduce((p, d) => p * d, 1);
    return [ir.expand(ir.div(g!, ir.scalar(count)), xs)];
  },
});
