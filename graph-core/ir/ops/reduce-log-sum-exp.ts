/**
 * log Σ exp(x) over the given axes, computed stably as m + log Σ exp(x − m) with m the max over the same
 * axes (float64 accumulation); if m is ±Inf the result is m. ONNX: ReduceLogSumExp, whose axes are an
 * `axes` ATTRIBUTE in opset 17, with keepdims as an explicit int attribute. The train-step graph uses it
 * to write log-softmax as x − ReduceLogSumExp(x) (LogSoftmax runs on CPU under WebGPU).
 * Gradient: g ⊙ exp(x − y), y = the output (log Σ exp) brought back over the reduced axes: the softmax of x.
 */
import { broadcastIndex, reduce, size, zeros, type Tensor } from '../tensor';
import { normAxes } from './common/1-checks';
import { reduceOp } from './common/1-reduce';

function logSumExp(x: Tensor, axes: readonly number[], keepdims: boolean): Tensor {
  const ax = new Set(axes);
  const keptShape = x.shape.map((d, i) => (ax.has(i) ? 1 : d));
  const m = reduce(x, axes, true, -Infinity, (acc, v) => (v > acc ? v : acc));
  const sums = new Float64Array(size(keptShape));
  const idx = broadcastIndex(keptShape, x.shape);
  for (let k = 0; k < x.data.length; k++) {
    const i = idx[k]!;
    sums[i] = sums[i]! + Math.exp(x.data[k]! - m.data[i]!);
  }
  const outShape = keepdims ? keptShape : x.shape.filter((_, i) => !ax.has(i));
  const out = zeros(outShape);
  for (let k = 0; k < out.data.length; k++) {
    const mk = m.data[k]!;
    out.data[k] = Number.isFinite(mk) ? mk + Math.log(sums[k]!) : mk;
  }
  return out;
}

export const ReduceLogSumExp = reduceOp('ReduceLogSumExp', 'attribute', logSumExp, ({ ir, inputs: [x], outputs: [y], attrs: { axes, keepdims }, grads: [g] }) => {
  const ax = normAxes('ReduceLogSumExp gradient', axes, x!.type.shape.length);
  const kept = (v: typeof x) => (keepdims ? v! : ir.unsqueeze(v!, ax));
  return [ir.mul(kept(g), ir.exp(ir.sub(x!, kept(y))))];
});
