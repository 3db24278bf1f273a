/**
 * Batch normalisation, inference form (float32): for X of shape [N, C, …] and per-channel scale, B, mean and
 * var (each [C]), y = (x − mean[c]) / √(var[c] + epsilon) · scale[c] + B[c].
 * ONNX: BatchNormalization (opset 15) with explicit `epsilon` and training_mode = 0, so it uses the given
 * running statistics and has a single output; momentum only matters in training mode and is left out.
 *
 * Gradient (mean and var are fixed statistics, so they get none): with σ = √(var + epsilon) and
 * x̂ = (x − mean)/σ per channel, dX = g·scale/σ, dScale = Σ g·x̂ and dB = Σ g, summed over N and the spatial dims.
 */
import { attr, defineOp, IrError } from '../define-op';
import { size, zeros } from '../tensor';
import { expectArity, expectFinite, expectFloat } from './common/1-checks';

const NAMES = ['scale', 'B', 'mean', 'var'];

export const BatchNormalization = defineOp<{ epsilon: number }>({
  name: 'BatchNormalization',
  inferShape: (inputs, { epsilon }) => {
    expectArity('BatchNormalization', inputs, 5);
    expectFloat('BatchNormalization', inputs);
    const x = inputs[0]!;
    if (x.shape.length < 2) throw new IrError(`BatchNormalization: X must be [N, C, …], got [${x.shape.join(', ')}]`);
    const c = x.shape[1]!;
    if (c === 'N') throw new IrError('BatchNormalization: the channel dim cannot be the batch');
    if (expectFinite('BatchNormalization', 'epsilon', epsilon) < 0) throw new IrError(`BatchNormalization: epsilon ${epsilon} is negative`);
    inputs.slice(1).forEach((p, k) => {
      if (p.shape.length !== 1 || p.shape[0] !== c)
        throw new IrError(`BatchNormalization: ${NAMES[k]} has shape [${p.shape.join(', ')}]; expected [${c}]`);
    });
    return [x];
  },
  evaluate: ([x, scale, bias, mean, variance], { epsilon }) => {
    const n = x!.shape[0]!;
    const c = x!.shape[1]!;
    const inner = size(x!.shape.slice(2));
    const out = zeros(x!.shape);
    for (let ch = 0; ch < c; ch++) {
      const k = scale!.data[ch]! / Math.sqrt(variance!.data[ch]! + epsilon);
      const m = mean!.data[ch]!;
      const b = bias!.data[ch]!;
      for (let i = 0; i < n; i++) {
        const base = (i * c + ch) * inner;
        for (let j = 0; j < inner; j++) out.data[base + j] = (x!.data[base + j]! - m) * k + b;
      }
    }
    return [out];
  },
  toOnnx: ({ epsilon }) => ({
    opType: 'BatchNormalization',
    attributes: { epsilon: attr.float(epsilon), training_mode: attr.int(0) },
  }),
  gradient: ({ ir, inputs: [x, scale, , mean, variance], attrs: { epsilon }, grads: [g] }) => {
    const rank = x!.type.shape.length;
    const c = x!.type.shape[1]!;
    if (c === 'N') throw new IrError('BatchNormalization gradient: the channel dim cannot be the batch');
    // [C] → [C, 1, …, 1], which broadcasts against [N, C, …] from the right.
    const perChannel = (v: typeof x) => (rank === 2 ? v! : ir.reshape(v!, [c, ...Array.from({ length: rank - 2 }, () => 1)]));
    const invStd = ir.reciprocal(ir.sqrt(ir.add(variance!, ir.scalar(epsilon))));
    const xHat = ir.mul(ir.sub(x!, perChannel(mean)), perChannel(invStd));
    const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
    return [
      ir.mul(g!, perChannel(ir.mul(scale!, invStd))),
      ir.reduceSum(ir.mul(g!, xHat), axes, false),
      ir.reduceSum(g!, axes, false),
      undefined,
      undefined,
    ];
  },
});
