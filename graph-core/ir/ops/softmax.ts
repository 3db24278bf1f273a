/**
 * Softmax along one axis (float32): y = exp(x − max) / Σ exp(x − max), the max subtracted for stability and
 * the sum accumulated in float64. ONNX: Softmax with opset 13+ semantics (normalises along `axis` only; opset
 * 11's version flattened every dim from `axis` on). The axis is written explicitly, made non-negative.
 * Gradient: y ⊙ (g − Σ_axis g⊙y), y the output.
 */
import { attr, defineOp } from '../define-op';
import { size, zeros } from '../tensor';
import { expectArity, expectFloat, normAxis } from './common/1-checks';

export const Softmax = defineOp<{ axis: number }>({
  name: 'Softmax',
  inferShape: (inputs, { axis }) => {
    expectArity('Softmax', inputs, 1);
    expectFloat('Softmax', inputs);
    normAxis('Softmax', axis, inputs[0]!.shape.length);
    return [inputs[0]!];
  },
  evaluate: ([x], { axis }) => {
    const a = normAxis('Softmax', axis, x!.shape.length);
    const outer = size(x!.shape.slice(0, a));
    const len = x!.shape[a]!;
    const inner = size(x!.shape.slice(a + 1));
    const out = zeros(x!.shape);
    const e = new Float64Array(len);
    for (let o = 0; o < outer; o++)
      for (let i = 0; i < inner; i++) {
        const base = o * len * inner + i;
        let m = -Infinity;
        for (let j = 0; j < len; j++) m = Math.max(m, x!.data[base + j * inner]!);
        let s = 0;
        for (let j = 0; j < len; j++) {
          e[j] = Math.exp(x!.data[base + j * inner]! - m);
          s += e[j]!;
        }
        for (let j = 0; j < len; j++) out.data[base + j * inner] = e[j]! / s;
      }
    return [out];
  },
  toOnnx: ({ axis }, [x]) => ({ opType: 'Softmax', attributes: { axis: attr.int(normAxis('Softmax', axis, x!.shape.length)) } }),
  gradient: ({ ir, inputs: [x], outputs: [y], attrs: { axis }, grads: [g] }) => {
    const a = normAxis('Softmax', axis, x!.type.shape.length);
    return [ir.mul(y!, ir.sub(g!, ir.reduceSum(ir.mul(g!, y!), [a], true)))];
  },
});
