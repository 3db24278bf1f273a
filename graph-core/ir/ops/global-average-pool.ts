/**
 * The mean over all spatial dims of an NCL or NCHW input, per channel; the spatial dims stay, as 1
 * ([N, C, H, W] → [N, C, 1, 1]). Sums accumulate in float64. ONNX: GlobalAveragePool (no attributes).
 */
import { defineOp } from '../define-op';
import { reduce } from '../tensor';
import { activation, expectInputs } from './common/2-window';

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
});
