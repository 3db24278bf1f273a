/**
 * Finite-difference check of a primitive op's gradient rule with the reference kernels:
 * loss = Σ op(x)·R for a fixed random R; autodiff's d(loss)/d(x) must match central differences.
 */
import { expect } from 'vitest';
import { autodiff, evaluateIr, IrBuilder, tensors, type Tensor, type V } from '../../graph-core';
import { randTensor } from './op-check';

export interface GradCheckOptions {
  /** Indices of the inputs to differentiate (default: every float32 input). */
  readonly wrt?: readonly number[];
  readonly eps?: number;
  readonly tol?: number;
  readonly seed?: number;
}

export function gradCheck(op: string, inputs: readonly Tensor[], attrs: Record<string, unknown> = {}, o: GradCheckOptions = {}): void {
  const eps = o.eps ?? 1e-2;
  const tol = o.tol ?? 2e-3;
  const wrt = o.wrt ?? inputs.map((t, i) => (t.dtype === 'float32' ? i : -1)).filter((i) => i >= 0);

  const build = () => {
    const ir = new IrBuilder();
    const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
    const outs = ir.opN(op, vs, attrs);
    let loss: V | undefined;
    outs.forEach((y, k) => {
      if (y.type.dtype !== 'float32') return;
      const r = randTensor(y.type.shape as number[], (o.seed ?? 1) * 101 + k);
      const term = ir.reduceSum(ir.mul(y, ir.constant(r)), y.type.shape.map((_, i) => i), false);
      loss = loss ? ir.add(loss, term) : term;
    });
    return { ir, vs, loss: loss! };
  };

  const { ir, vs, loss } = build();
  const grads = autodiff(ir, loss, wrt.map((i) => vs[i]!));
  wrt.forEach((i) => {
    const g = grads.get(vs[i]!.id);
    if (g) ir.output(`grad${i}`, g);
  });
  ir.output('loss', loss);
  const g = ir.build();
  const feeds = (ts: readonly Tensor[]) => Object.fromEntries(ts.map((t, i) => [`in${i}`, t]));
  const analytic = evaluateIr(g, feeds(inputs), {});

  for (const i of wrt) {
    const x = inputs[i]!;
    const got = analytic[`grad${i}`] ?? tensors.zeros(x.shape);
    expect(got.shape, `${op} grad of input ${i}`).toEqual(x.shape);
    for (let k = 0; k < x.data.length; k++) {
      const plus = inputs.map((t, j) => (j === i ? { ...t, data: Float32Array.from(t.data) } : t));
      const minus = inputs.map((t, j) => (j === i ? { ...t, data: Float32Array.from(t.data) } : t));
      plus[i]!.data[k]! += eps;
      minus[i]!.data[k]! -= eps;
      const lp = evaluateIr(g, feeds(plus), {})['loss']!.data[0]!;
      const lm = evaluateIr(g, feeds(minus), {})['loss']!.data[0]!;
      const numeric = (lp - lm) / (2 * eps);
      const err = Math.abs(got.data[k]! - numeric) / Math.max(1, Math.abs(numeric));
      expect(err, `${op} d/d input ${i}[${k}]: analytic ${got.data[k]} vs numeric ${numeric}`).toBeLessThan(tol);
    }
  }
}
