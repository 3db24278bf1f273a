/**
 * Gradient rules of group 1's primitive ops (elementwise math, comparisons, normalisation, reductions):
 * finite-difference checks with inputs away from kinks, exact values at the conventional points (ties, 0),
 * the ops that carry no gradient, and the backward graphs running in onnxruntime-node.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, getOp, IrBuilder, Rng, tensors, type GradCtx, type Tensor, type TensorType, type V } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { gradCheck } from '../../helpers/grad-check';
import { expectClose, intTensor, randTensor, runInOrt } from '../../helpers/op-check';

const f32 = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values);
const bool = (shape: readonly number[], values: readonly number[]): Tensor => intTensor(shape, values, 'bool');

/** Uniform magnitudes in [lo, hi) with random signs: inputs kept away from a kink at 0. */
function awayFromZero(shape: readonly number[], seed: number, lo = 0.2, hi = 1.5): Tensor {
  const rng = new Rng(seed);
  const t = randTensor(shape, seed + 7, lo, hi);
  for (let i = 0; i < t.data.length; i++) if (rng.uniform(0, 1) < 0.5) t.data[i] = -t.data[i]!;
  return t;
}

/** Distinct values 0.1 apart (plus `offset`) in a seeded shuffled order: no near-ties for max/min. */
function distinct(shape: readonly number[], seed: number, offset = 0): Tensor {
  const n = tensors.size(shape);
  const v = Array.from({ length: n }, (_, k) => 0.1 * (k + 1) - 0.05 * n + offset);
  const rng = new Rng(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, 1) * (i + 1)) % (i + 1);
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return f32(shape, v);
}

/**
 * d(Σ op(inputs) ⊙ upstream)/d(inputs[i]) for each i in `wrt`, evaluated with the reference kernels; absent
 * gradients come back as undefined. `upstream` defaults to ones.
 */
function gradients(op: string, inputs: readonly Tensor[], attrs: Record<string, unknown>, wrt: readonly number[], upstream?: Tensor): (Tensor | undefined)[] {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
  const y = ir.op(op, vs, attrs);
  const weighted = upstream ? ir.mul(y, ir.constant(upstream)) : y;
  const loss = y.type.shape.length ? ir.reduceSum(weighted, y.type.shape.map((_, i) => i), false) : weighted;
  const grads = autodiff(ir, loss, wrt.map((i) => vs[i]!));
  wrt.forEach((i) => {
    const g = grads.get(vs[i]!.id);
    if (g) ir.output(`grad${i}`, g);
  });
  const out = evaluateIr(ir.build(), Object.fromEntries(inputs.map((t, i) => [`in${i}`, t])), {});
  return wrt.map((i) => out[`grad${i}`]);
}

function near(t: Tensor | undefined, expected: readonly number[], tol = 1e-6): void {
  expect(t, 'gradient present').toBeDefined();
  expect(t!.data.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(t!.data[i]! - e), `index ${i}: ${t!.data[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
}

/** Calls an op's gradient rule directly on symbolic inputs (for ops whose outputs are not float32). */
function rule(op: string, types: readonly TensorType[], attrs: Record<string, unknown> = {}): (V | undefined)[] {
  const ir = new IrBuilder();
  const inputs = types.map((t, i) => ir.input(`in${i}`, t));
  const outputs = ir.opN(op, inputs, attrs);
  const grads = outputs.map((o, k) => ir.input(`g${k}`, o.type));
  const def = getOp(op)!;
  expect(def.gradient, `${op} has a gradient rule`).toBeDefined();
  const ctx: GradCtx<unknown> = { ir, inputs, outputs, attrs, grads };
  return [...(def.gradient as (c: GradCtx<unknown>) => readonly (V | undefined)[])(ctx)];
}

const F = (...shape: number[]): TensorType => ({ shape, dtype: 'float32' });
const I = (...shape: number[]): TensorType => ({ shape, dtype: 'int64' });
const B = (...shape: number[]): TensorType => ({ shape, dtype: 'bool' });

describe('binary elementwise gradients match finite differences', () => {
  it('Sub (same shapes, and broadcasting either way)', () => {
    gradCheck('Sub', [randTensor([2, 3], 1), randTensor([2, 3], 2)]);
    gradCheck('Sub', [randTensor([2, 3], 3), randTensor([3], 4)]);
    gradCheck('Sub', [randTensor([2, 1, 4], 5), randTensor([3, 1], 6)]);
  });

  it('Sub gives g and −g', () => {
    const [ga, gb] = gradients('Sub', [f32([2], [5, 1]), f32([2], [2, 3])], {}, [0, 1], f32([2], [0.5, -2]));
    near(ga, [0.5, -2]);
    near(gb, [-0.5, 2]);
  });

  it('Div (divisor kept away from 0, with broadcasting)', () => {
    gradCheck('Div', [randTensor([2, 3], 7), randTensor([2, 3], 8, 0.5, 2)]);
    gradCheck('Div', [randTensor([2, 3], 9), randTensor([3], 10, -2, -0.5)]);
    gradCheck('Div', [randTensor([3], 11), randTensor([2, 1], 12, 0.5, 2)]);
  });

  it('Pow: base and exponent for a positive base, with broadcasting', () => {
    gradCheck('Pow', [randTensor([2, 3], 13, 0.5, 2), randTensor([2, 3], 14, -1.5, 2.5)]);
    gradCheck('Pow', [randTensor([2, 3], 15, 0.5, 2), randTensor([3], 16, -1, 3)]);
    gradCheck('Pow', [randTensor([3], 17, 0.5, 2), randTensor([2, 1], 18, -1, 3)]);
  });

  it('Pow: the base gradient with a negative base and integer exponents', () => {
    gradCheck('Pow', [randTensor([2, 3], 19, -2, -0.5), f32([3], [2, 3, -1])], {}, { wrt: [0] });
  });

  it('Pow: exact values, and PyTorch masking where a = 0 or b = 0', () => {
    // d/da a³ at 2 = 12; d/db 2³ = 8·ln 2.
    const [ga, gb] = gradients('Pow', [f32([1], [2]), f32([1], [3])], {}, [0, 1]);
    near(ga, [12]);
    near(gb, [8 * Math.LN2], 1e-6);
    // a = 0: 0² has base gradient 0 and exponent gradient 0 (not 0·ln 0 = NaN); b = 0: a⁰ has base gradient 0 even at a = 0.
    const [za, zb] = gradients('Pow', [f32([3], [0, 0, 1.5]), f32([3], [2, 0, 0])], {}, [0, 1]);
    near(za, [0, 0, 0]);
    near(zb, [0, 0, Math.log(1.5)]);
  });

  it('Max and Min away from ties, with broadcasting', () => {
    const a = f32([2, 3], [0.1, -0.5, 0.9, -0.2, 0.7, 0.3]);
    const b = f32([3], [0.4, -0.8, 0.2]);
    const c = f32([2, 1], [0.5, -0.1]);
    for (const op of ['Max', 'Min']) {
      gradCheck(op, [a, b]);
      gradCheck(op, [b, a]);
      gradCheck(op, [a, c]);
      gradCheck(op, [distinct([2, 3], 20), distinct([2, 3], 21, 0.05)]);
    }
  });

  it('Max and Min route g to the winner and split ties half-half (torch.maximum / torch.minimum)', () => {
    const a = f32([4], [1, 2, 3, -1]);
    const b = f32([4], [2, 2, 1, -1]);
    const g = f32([4], [1, 2, 4, 8]);
    const [maxA, maxB] = gradients('Max', [a, b], {}, [0, 1], g);
    near(maxA, [0, 1, 4, 4]);
    near(maxB, [1, 1, 0, 4]);
    const [minA, minB] = gradients('Min', [a, b], {}, [0, 1], g);
    near(minA, [1, 1, 0, 4]);
    near(minB, [0, 1, 4, 4]);
    // A broadcast operand collects its shares: b = [2] against a = [1, 2, 3, 2].
    const [, bcast] = gradients('Max', [f32([4], [1, 2, 3, 2]), f32([1], [2])], {}, [0, 1], g);
    near(bcast, [1 + 2 / 2 + 8 / 2]);
  });

  it('int64 Sub, Max, Min, Neg and Abs carry no gradient', () => {
    for (const op of ['Sub', 'Max', 'Min']) expect(rule(op, [I(3), I(3)])).toEqual([undefined, undefined]);
    for (const op of ['Neg', 'Abs']) expect(rule(op, [I(3)])).toEqual([undefined]);
  });
});

describe('unary elementwise gradients match finite differences', () => {
  it('Neg', () => gradCheck('Neg', [randTensor([2, 3], 30)]));
  it('Abs (inputs away from 0)', () => gradCheck('Abs', [awayFromZero([2, 4], 31)]));
  it('Abs at 0 gives 0 (PyTorch: sign(0) = 0)', () => {
    near(gradients('Abs', [f32([3], [-2, 0, 3])], {}, [0])[0], [-1, 0, 1]);
  });
  it('Exp', () => gradCheck('Exp', [randTensor([2, 3], 32, -2, 2)]));
  it('Log (positive inputs)', () => gradCheck('Log', [randTensor([2, 3], 33, 0.5, 3)]));
  it('Sqrt (positive inputs)', () => gradCheck('Sqrt', [randTensor([2, 3], 34, 0.5, 3)]));
  it('Reciprocal (inputs away from 0)', () => gradCheck('Reciprocal', [awayFromZero([2, 3], 35, 0.5, 2)]));
  it('Erf', () => gradCheck('Erf', [randTensor([2, 4], 36, -2, 2)]));
  it('Erf exact value: 2/√π at 0', () => near(gradients('Erf', [f32([2], [0, 1])], {}, [0])[0], [2 / Math.sqrt(Math.PI), (2 / Math.sqrt(Math.PI)) * Math.exp(-1)]));
  it('Sigmoid', () => gradCheck('Sigmoid', [randTensor([2, 4], 37, -4, 4)]));
  it('Tanh', () => gradCheck('Tanh', [randTensor([2, 4], 38, -2, 2)]));
  it('Sigmoid and Tanh exact values at 0', () => {
    near(gradients('Sigmoid', [f32([1], [0])], {}, [0])[0], [0.25]);
    near(gradients('Tanh', [f32([1], [0])], {}, [0])[0], [1]);
  });

  it('LeakyRelu for two slopes (inputs away from 0)', () => {
    gradCheck('LeakyRelu', [awayFromZero([2, 4], 39)], { alpha: 0.1 });
    gradCheck('LeakyRelu', [awayFromZero([2, 4], 40)], { alpha: -0.3 });
  });

  it('Elu for two alphas (inputs away from 0)', () => {
    gradCheck('Elu', [awayFromZero([2, 4], 41, 0.2, 3)], { alpha: 1 });
    gradCheck('Elu', [awayFromZero([2, 4], 42, 0.2, 3)], { alpha: 0.5 });
  });

  it('LeakyRelu and Elu at 0 take the negative side (PyTorch)', () => {
    near(gradients('LeakyRelu', [f32([3], [-1, 0, 2])], { alpha: 0.2 }, [0])[0], [0.2, 0.2, 1]);
    near(gradients('Elu', [f32([3], [-1, 0, 2])], { alpha: 0.5 }, [0])[0], [0.5 * Math.exp(-1), 0.5, 1]);
  });

  it('Identity and float32 → float32 Cast pass g through', () => {
    gradCheck('Identity', [randTensor([2, 3], 43)]);
    gradCheck('Cast', [randTensor([2, 3], 44)], { to: 'float32' });
    near(gradients('Cast', [f32([2], [1.5, -2])], { to: 'float32' }, [0], f32([2], [3, -4]))[0], [3, -4]);
  });
});

describe('ops whose outputs carry no gradient', () => {
  it('Cast from or to int64 or bool', () => {
    expect(rule('Cast', [F(3)], { to: 'int64' })).toEqual([undefined]);
    expect(rule('Cast', [F(3)], { to: 'bool' })).toEqual([undefined]);
    expect(rule('Cast', [I(3)], { to: 'float32' })).toEqual([undefined]);
    expect(rule('Cast', [B(3)], { to: 'float32' })).toEqual([undefined]);
  });

  it('Equal, Greater, Less and ArgMax', () => {
    for (const op of ['Equal', 'Greater', 'Less']) expect(rule(op, [F(2, 3), F(3)])).toEqual([undefined, undefined]);
    expect(rule('Equal', [I(2, 1), I(4)])).toEqual([undefined, undefined]);
    expect(rule('ArgMax', [F(2, 3)], { axis: 1, keepdims: false })).toEqual([undefined]);
  });

  it('a mask built from a comparison does not stop the gradient of the masked value', () => {
    // loss = Σ x · Cast(x > 0): the mask is constant almost everywhere, so d/dx = mask.
    const ir = new IrBuilder();
    const x = ir.input('x', F(4));
    const loss = ir.reduceSum(ir.mul(x, ir.cast(ir.greater(x, ir.scalar(0)), 'float32')), [0], false);
    const g = autodiff(ir, loss, [x]).get(x.id)!;
    ir.output('g', g);
    near(evaluateIr(ir.build(), { x: f32([4], [-1, 2, -3, 4]) }, {})['g'], [0, 1, 0, 1]);
  });
});

describe('Where', () => {
  it('matches finite differences for x and y, with all three inputs broadcast', () => {
    gradCheck('Where', [bool([2, 3], [1, 0, 1, 0, 0, 1]), randTensor([2, 3], 50), randTensor([2, 3], 51)]);
    gradCheck('Where', [bool([2, 3], [1, 0, 1, 0, 0, 1]), randTensor([3], 52), randTensor([2, 1], 53)]);
    gradCheck('Where', [bool([3], [0, 1, 1]), randTensor([2, 1], 54), randTensor([1], 55)]);
  });

  it('sends g to x where cond holds, to y elsewhere, and nothing to cond', () => {
    const [gc, gx, gy] = gradients('Where', [bool([2, 2], [1, 0, 0, 1]), f32([2, 1], [1, 2]), f32([1], [0])], {}, [0, 1, 2], f32([2, 2], [1, 2, 4, 8]));
    expect(gc).toBeUndefined();
    near(gx, [1, 8]);
    near(gy, [2 + 4]);
    expect(rule('Where', [B(3), I(3), I(3)])).toEqual([undefined, undefined, undefined]);
  });
});

describe('Softmax', () => {
  it('matches finite differences along each axis, negative axes included', () => {
    for (const axis of [0, 1, 2, -1, -2]) gradCheck('Softmax', [randTensor([2, 3, 4], 60 + axis, -2, 2)], { axis });
    gradCheck('Softmax', [randTensor([5], 66, -2, 2)], { axis: 0 });
  });

  it('a constant upstream gradient gives 0 (softmax sums to 1)', () => {
    near(gradients('Softmax', [randTensor([2, 3], 67)], { axis: 1 }, [0])[0], [0, 0, 0, 0, 0, 0], 1e-6);
  });
});

describe('LayerNormalization', () => {
  it('matches finite differences for X, Scale and B over the last axis', () => {
    gradCheck('LayerNormalization', [randTensor([3, 4], 70), randTensor([4], 71, 0.5, 1.5), randTensor([4], 72)], { axis: -1, epsilon: 1e-5 }, { eps: 1e-3 });
  });

  it('normalising several trailing dims, without B, and a large epsilon', () => {
    gradCheck('LayerNormalization', [randTensor([2, 3, 4], 73), randTensor([3, 4], 74, -1.5, 1.5)], { axis: 1, epsilon: 1e-5 }, { eps: 1e-3 });
    gradCheck('LayerNormalization', [randTensor([2, 2, 3], 75), randTensor([3], 76), randTensor([3], 77)], { axis: 2, epsilon: 0.5 }, { eps: 1e-3 });
  });

  it('normalising every dim (axis 0)', () => {
    gradCheck('LayerNormalization', [randTensor([2, 3], 78), randTensor([2, 3], 79), randTensor([2, 3], 80)], { axis: 0, epsilon: 1e-5 }, { eps: 1e-3 });
  });

  it('dB = Σ g and dScale = Σ g·x̂ over the leading dims', () => {
    const x = f32([2, 2], [1, 3, 10, 20]); // x̂ = [−1, 1] in each row (epsilon 0)
    const [dx, dScale, dB] = gradients('LayerNormalization', [x, f32([2], [2, 3]), f32([2], [0, 0])], { axis: 1, epsilon: 0 }, [0, 1, 2], f32([2, 2], [1, 2, 3, 5]));
    near(dB, [4, 7]);
    near(dScale, [-1 - 3, 2 + 5]);
    // With two normalised elements x̂ = ±1 whatever x is, so dX is 0: row 0 has σ = 1, ĝ = [2, 6],
    // ĝ − mean(ĝ) = [−2, 2] and x̂·mean(ĝ·x̂) = [−2, 2]; row 1 likewise.
    near(dx, [0, 0, 0, 0], 1e-5);
  });
});

describe('BatchNormalization (inference form)', () => {
  const stats = (c: number, seed: number) => [randTensor([c], seed, 0.5, 1.5), randTensor([c], seed + 1), randTensor([c], seed + 2), randTensor([c], seed + 3, 0.2, 2)];

  it('matches finite differences for X, scale and B on [N, C, H, W], [N, C] and [N, C, L]', () => {
    gradCheck('BatchNormalization', [randTensor([2, 3, 2, 2], 90), ...stats(3, 91)], { epsilon: 1e-5 }, { wrt: [0, 1, 2] });
    gradCheck('BatchNormalization', [randTensor([4, 3], 95), ...stats(3, 96)], { epsilon: 1e-3 }, { wrt: [0, 1, 2] });
    gradCheck('BatchNormalization', [randTensor([2, 2, 5], 100), ...stats(2, 101)], { epsilon: 0.1 }, { wrt: [0, 1, 2] });
  });

  it('exact values, and no gradient for the running mean and variance', () => {
    const x = f32([2, 1, 2], [1, 2, 3, 4]);
    const [dx, dScale, dB, dMean, dVar] = gradients(
      'BatchNormalization',
      [x, f32([1], [2]), f32([1], [0.5]), f32([1], [2]), f32([1], [4])],
      { epsilon: 0 },
      [0, 1, 2, 3, 4],
      f32([2, 1, 2], [1, -1, 2, 3]),
    );
    near(dx, [1, -1, 2, 3]); // scale/σ = 2/2
    near(dScale, [(-0.5 * 1 + 0 * -1 + 0.5 * 2 + 1 * 3)]); // x̂ = (x − 2)/2
    near(dB, [5]);
    expect(dMean).toBeUndefined();
    expect(dVar).toBeUndefined();
  });
});

describe('ReduceMax', () => {
  it('matches finite differences away from ties: keepdims, negative and multiple axes', () => {
    const x = distinct([2, 3, 4], 110);
    gradCheck('ReduceMax', [x], { axes: [1], keepdims: true });
    gradCheck('ReduceMax', [x], { axes: [1], keepdims: false });
    gradCheck('ReduceMax', [x], { axes: [-1], keepdims: false });
    gradCheck('ReduceMax', [x], { axes: [0, 2], keepdims: true });
    gradCheck('ReduceMax', [x], { axes: [2, 0], keepdims: false });
    gradCheck('ReduceMax', [x], { axes: [0, 1, 2], keepdims: true });
  });

  it('splits g evenly among tied maxima (PyTorch amax)', () => {
    const x = f32([2, 4], [1, 3, 3, 2, 5, 5, 5, 0]);
    near(gradients('ReduceMax', [x], { axes: [1], keepdims: false }, [0], f32([2], [1, 6]))[0], [0, 0.5, 0.5, 0, 2, 2, 2, 0]);
    near(gradients('ReduceMax', [x], { axes: [0, 1], keepdims: true }, [0], f32([1, 1], [3]))[0], [0, 0, 0, 0, 1, 1, 1, 0]);
    // Reducing every axis to a scalar (keepdims false).
    near(gradients('ReduceMax', [x], { axes: [-1, 0], keepdims: false }, [0], f32([], [3]))[0], [0, 0, 0, 0, 1, 1, 1, 0]);
  });
});

describe('ReduceLogSumExp', () => {
  it('matches finite differences: keepdims, negative and multiple axes', () => {
    const x = randTensor([2, 3, 4], 120, -2, 2);
    gradCheck('ReduceLogSumExp', [x], { axes: [1], keepdims: true });
    gradCheck('ReduceLogSumExp', [x], { axes: [1], keepdims: false });
    gradCheck('ReduceLogSumExp', [x], { axes: [-1], keepdims: false });
    gradCheck('ReduceLogSumExp', [x], { axes: [0, 2], keepdims: true });
    gradCheck('ReduceLogSumExp', [x], { axes: [0, 1, 2], keepdims: true });
  });

  it('is the softmax over the reduced axes times g', () => {
    const x = f32([1, 3], [0, Math.log(2), Math.log(5)]);
    near(gradients('ReduceLogSumExp', [x], { axes: [1], keepdims: false }, [0], f32([1], [4]))[0], [0.5, 1, 2.5], 1e-6);
    near(gradients('ReduceLogSumExp', [x], { axes: [0, 1], keepdims: false }, [0], f32([], [4]))[0], [0.5, 1, 2.5], 1e-6);
  });
});

describe('backward graphs run in onnxruntime-node and match the reference kernels', () => {
  const cases: [string, Tensor[], Record<string, unknown>][] = [
    ['Pow', [randTensor([2, 3], 130, 0.5, 2), randTensor([3], 131)], {}],
    ['Max', [distinct([2, 3], 132), distinct([3], 133)], {}],
    ['Abs', [awayFromZero([4], 134)], {}],
    ['Elu', [awayFromZero([4], 135)], { alpha: 0.5 }],
    ['Where', [bool([2, 3], [1, 0, 1, 0, 0, 1]), randTensor([3], 136), randTensor([2, 1], 137)], {}],
    ['Softmax', [randTensor([2, 3], 138)], { axis: -1 }],
    ['LayerNormalization', [randTensor([2, 3, 4], 139), randTensor([3, 4], 140), randTensor([3, 4], 141)], { axis: 1, epsilon: 1e-5 }],
    ['BatchNormalization', [randTensor([2, 3, 2], 142), ...[143, 144, 145].map((s) => randTensor([3], s)), randTensor([3], 146, 0.5, 1)], { epsilon: 1e-5 }],
    ['ReduceMax', [distinct([2, 3, 4], 147)], { axes: [0, 2], keepdims: false }],
    ['ReduceLogSumExp', [randTensor([2, 3, 4], 148)], { axes: [-1], keepdims: false }],
  ];
  for (const [op, inputs, attrs] of cases)
    it(op, async () => {
      const ir = new IrBuilder();
      const vs = inputs.map((t, i) => ir.input(`in${i}`, { shape: t.shape, dtype: t.dtype }));
      const y = ir.op(op, vs, attrs);
      const loss = ir.reduceSum(ir.mul(y, ir.constant(randTensor(y.type.shape as number[], 149))), y.type.shape.map((_, i) => i), false);
      const floats = vs.filter((v) => v.type.dtype === 'float32');
      const grads = autodiff(ir, loss, floats);
      let n = 0;
      for (const v of floats) {
        const g = grads.get(v.id);
        if (g) ir.output(`grad${n++}`, g);
      }
      expect(n).toBeGreaterThan(0);
      const g = ir.build();
      const feeds = Object.fromEntries(inputs.map((t, i) => [`in${i}`, t]));
      const ref = evaluateIr(g, feeds, {});
      const got = await runInOrt(encodeModel(irToOnnx(g, { name: `${op}-grad`, weights: new Map() })), feeds);
      for (let k = 0; k < n; k++) expectClose(got[`grad${k}`]!, ref[`grad${k}`]!, 1e-4, `${op} grad ${k}`);
    });
});
