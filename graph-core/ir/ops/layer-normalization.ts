/**
 * Layer normalisation over the trailing dims axis..end (float32):
 *   y = (x − mean) / √(var + epsilon) · Scale + B,
 * with mean and the biased (population) variance taken over those dims in float64. Scale and the optional B
 * have exactly the normalised shape X.shape[axis:] (so the batch can never be normalised over).
 * ONNX: LayerNormalization (opset 17), with explicit `axis` (made non-negative), `epsilon` and
 * stash_type = 1 (float32 statistics); only the first output (Y) is used.
 *
 * Gradient, composed from primitives with the statistics recomputed: with x̂ = (x − μ)/σ over the normalised
 * dims (σ = √(var + epsilon)) and ĝ = g ⊙ Scale,
 *   dB = Σ g and dScale = Σ g ⊙ x̂ (summed over the leading dims), dX = (ĝ − mean(ĝ) − x̂ ⊙ mean(ĝ ⊙ x̂)) / σ.
 */
import { sameShape } from '../../shape';
import { attr, defineOp, IrError } from '../define-op';
import { size, zeros } from '../tensor';
import { expectArity, expectFinite, expectFloat, normAxis } from './common/1-checks';

export const LayerNormalization = defineOp<{ axis: number; epsilon: number }>({
  name: 'LayerNormalization',
  inferShape: (inputs, { axis, epsilon }) => {
    expectArity('LayerNormalization', inputs, 2, 3);
    expectFloat('LayerNormalization', inputs);
    const x = inputs[0]!;
    const a = normAxis('LayerNormalization', axis, x.shape.length);
    if (expectFinite('LayerNormalization', 'epsilon', epsilon) < 0) throw new IrError(`LayerNormalization: epsilon ${epsilon} is negative`);
    const norm = x.shape.slice(a);
    for (const [k, p] of inputs.slice(1).entries())
      if (!sameShape(p.shape, norm))
        throw new IrError(
          `LayerNormalization: ${k === 0 ? 'Scale' : 'B'} has shape [${p.shape.join(', ')}]; expected [${norm.join(', ')}] (X.shape[${a}:])`,
        );
    return [x];
  },
  evaluate: ([x, scale, bias], { axis, epsilon }) => {
    const a = normAxis('LayerNormalization', axis, x!.shape.length);
    const inner = size(x!.shape.slice(a));
    const outer = size(x!.shape.slice(0, a));
    const out = zeros(x!.shape);
    for (let o = 0; o < outer; o++) {
      const base = o * inner;
      let s = 0;
      for (let j = 0; j < inner; j++) s += x!.data[base + j]!;
      const mean = s / inner;
      let v = 0;
      for (let j = 0; j < inner; j++) v += (x!.data[base + j]! - mean) ** 2;
      const inv = 1 / Math.sqrt(v / inner + epsilon);
      for (let j = 0; j < inner; j++)
        out.data[base + j] = (x!.data[base + j]! - mean) * inv * scale!.data[j]! + (bias ? bias.data[j]! : 0);
    }
    return [out];
  },
  toOnnx: ({ axis, epsilon }, [x]) => ({
    opType: 'LayerNormalization',
    attributes: {
      axis: attr.int(normAxis('LayerNormalization', axis, x!.shape.length)),
      epsilon: attr.float(epsilon),
      stash_type: attr.int(1),
    },
  }),
  gradient: ({ ir, inputs: [x, scale, bias], attrs: { axis, epsilon }, grads: [g] }) => {
    const rank = x!.type.shape.length;
    const a = normAxis('LayerNormalization', axis, rank);
    const axes = Array.from({ length: rank - a }, (_, i) => a + i);
    const mean = (v: typeof x) => ir.reduceMean(v!, axes, true);
    const centered = ir.sub(x!, mean(x));
    const invStd = ir.reciprocal(ir.sqrt(ir.add(mean(ir.mul(centered, centered)), ir.scalar(epsilon))));
    const xHat = ir.mul(centered, invStd);
    const gHat = ir.mul(g!, scale!);
    const dx = ir.mul(invStd, ir.sub(ir.sub(gHat, mean(gHat)), ir.mul(xHat, mean(ir.mul(gHat, xHat)))));
    const dScale = ir.sumTo(ir.mul(g!, xHat), scale!.type.shape);
    return bias ? [dx, dScale, ir.sumTo(g!, bias.type.shape)] : [dx, dScale];
  },
});
