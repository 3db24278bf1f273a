import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Tensor, type TensorType } from '../../../graph-core';
import { erf } from '../../../graph-core/ir/ops/common/1-checks';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { evaluateIr } from '../../../graph-core';
import { checkOp, intTensor, randTensor, runInOrt } from '../../helpers/op-check';

const f32 = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values);
const bool = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values, 'bool');
const vals = (t: Tensor | undefined): number[] => Array.from(t!.data);
const fr = (xs: readonly number[]): number[] => xs.map((x) => Math.fround(x));
function near(t: Tensor | undefined, expected: readonly number[], tol = 1e-6): void {
  expect(t!.data.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(t!.data[i]! - e), `index ${i}: ${t!.data[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
}
const infer = (op: string, inputs: readonly TensorType[], attrs: Record<string, unknown> = {}): readonly TensorType[] =>
  (getOp(op)!.inferShape as (i: readonly TensorType[], a: unknown) => readonly TensorType[])(inputs, attrs);
/**
 * Runs a one-op graph with the reference kernel and in onnxruntime-node and returns both outputs as plain
 * arrays, for values checkOp's relative-error comparison cannot take (±Inf).
 */
async function refAndOrt(op: string, inputs: readonly Tensor[], attrs: Record<string, unknown> = {}): Promise<[number[], number[]]> {
  const ir = new IrBuilder();
  const v = ir.op(op, inputs.map((t, i) => ir.input(`in${i}`, t)), attrs);
  ir.output('out', v);
  const g = ir.build();
  const feeds = Object.fromEntries(inputs.map((t, i) => [`in${i}`, t]));
  const ref = evaluateIr(g, feeds, {}).out!;
  const got = (await runInOrt(encodeModel(irToOnnx(g, { name: op, weights: new Map() })), feeds)).out!;
  return [vals(ref), vals(got)];
}
/** Builds the op in an IrBuilder (which runs the shape rule) and expects an IrError. */
function misuse(op: string, inputs: readonly TensorType[], attrs: Record<string, unknown> = {}): void {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, t));
  expect(() => ir.op(op, vs, attrs)).toThrow(IrError);
}

describe('broadcasting binary arithmetic agrees with onnxruntime-node', () => {
  it('Sub, Mul, Div: exact values and broadcasting both ways', async () => {
    const a = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = f32([3], [10, 20, 30]);
    expect(vals((await checkOp('Sub', [a, b]))[0])).toEqual([-9, -18, -27, -6, -15, -24]);
    expect(vals((await checkOp('Mul', [a, b]))[0])).toEqual([10, 40, 90, 40, 100, 180]);
    expect(vals((await checkOp('Div', [a, f32([2, 1], [2, 4])]))[0])).toEqual([0.5, 1, 1.5, 1, 1.25, 1.5]);
    for (const op of ['Sub', 'Mul', 'Div']) {
      await checkOp(op, [randTensor([4, 1, 5], 1), randTensor([3, 1], 2, 0.5, 2)]);
      await checkOp(op, [randTensor([], 3, 0.5, 2), randTensor([2, 3, 4], 4, 0.5, 2)]);
      await checkOp(op, [randTensor([2, 3, 4], 5), randTensor([2, 3, 4], 6, 0.5, 2)]);
    }
  });
  it('Sub and Mul on int64 (index arithmetic)', async () => {
    const [d] = await checkOp('Sub', [intTensor([4], [5, 0, -3, 7]), intTensor([1], [2])]);
    expect(d!.dtype).toBe('int64');
    expect(vals(d)).toEqual([3, -2, -5, 5]);
    const [m] = await checkOp('Mul', [intTensor([2, 1], [3, -2]), intTensor([3], [1, 2, 3])]);
    expect(vals(m)).toEqual([3, 6, 9, -2, -4, -6]);
  });
  it('Div by zero gives ±Inf as in IEEE float', async () => {
    const [ref, got] = await refAndOrt('Div', [f32([3], [1, -2, 3]), f32([3], [0, 0, -0.5])]);
    expect(ref).toEqual([Infinity, -Infinity, -6]);
    expect(got).toEqual(ref);
  });
  it('Pow: integer and fractional exponents, broadcast', async () => {
    const [y] = await checkOp('Pow', [f32([4], [2, 3, 4, 9]), f32([4], [3, 2, 0.5, -0.5])]);
    near(y, [8, 9, 2, 1 / 3]);
    const [z] = await checkOp('Pow', [f32([3], [-2, -1.5, 3]), f32([], [2])]);
    expect(vals(z)).toEqual(fr([4, 2.25, 9]));
    await checkOp('Pow', [randTensor([3, 4], 7, 0.1, 3), randTensor([4], 8, -2, 2)], {}, 1e-5);
    await checkOp('Pow', [randTensor([2, 3, 4], 9, -3, 3), f32([1], [3])]);
  });
  it('Max and Min: exact values, broadcasting, int64', async () => {
    const a = f32([2, 2], [1, -5, 3, 0]);
    const b = f32([2], [2, -6]);
    expect(vals((await checkOp('Max', [a, b]))[0])).toEqual([2, -5, 3, 0]);
    expect(vals((await checkOp('Min', [a, b]))[0])).toEqual([1, -6, 2, -6]);
    for (const op of ['Max', 'Min']) {
      await checkOp(op, [randTensor([3, 1, 4], 10), randTensor([5, 1], 11)]);
      await checkOp(op, [randTensor([6], 12), randTensor([], 13)]);
    }
    const [mi] = await checkOp('Max', [intTensor([3], [-1, 4, 2]), intTensor([], [0])]);
    expect(mi!.dtype).toBe('int64');
    expect(vals(mi)).toEqual([0, 4, 2]);
    const [mn] = await checkOp('Min', [intTensor([3], [-1, 4, 2]), intTensor([], [3])]);
    expect(vals(mn)).toEqual([-1, 3, 2]);
  });
  it('shape rules keep the batch symbol and reject misuse', () => {
    for (const op of ['Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min']) {
      expect(infer(op, [{ shape: ['N', 3, 4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }])).toEqual([
        { shape: ['N', 3, 4], dtype: 'float32' },
      ]);
      expect(infer(op, [{ shape: [1, 1], dtype: 'float32' }, { shape: ['N', 5], dtype: 'float32' }])[0]!.shape).toEqual(['N', 5]);
      misuse(op, [{ shape: ['N', 3], dtype: 'float32' }, { shape: [4], dtype: 'float32' }]);
      misuse(op, [{ shape: ['N', 3], dtype: 'float32' }, { shape: [3], dtype: 'int64' }]);
      misuse(op, [{ shape: [3], dtype: 'bool' }, { shape: [3], dtype: 'bool' }]);
      misuse(op, [{ shape: [3], dtype: 'float32' }]);
    }
    misuse('Div', [{ shape: [3], dtype: 'int64' }, { shape: [3], dtype: 'int64' }]);
    misuse('Pow', [{ shape: [3], dtype: 'int64' }, { shape: [3], dtype: 'int64' }]);
    // The batch broadcasts only with itself or 1.
    misuse('Mul', [{ shape: ['N', 3], dtype: 'float32' }, { shape: [2, 3], dtype: 'float32' }]);
  });
});

describe('comparisons and Where agree with onnxruntime-node', () => {
  it('Equal, Greater, Less on float32 give bool', async () => {
    const a = f32([2, 3], [1, 2, 3, 4, 5, 6]);
    const b = f32([3], [1, 5, 7]);
    const [eq] = await checkOp('Equal', [a, b]);
    expect(eq!.dtype).toBe('bool');
    expect(vals(eq)).toEqual([1, 0, 0, 0, 1, 0]);
    expect(vals((await checkOp('Greater', [a, b]))[0])).toEqual([0, 0, 0, 1, 0, 0]);
    expect(vals((await checkOp('Less', [a, b]))[0])).toEqual([0, 1, 1, 0, 0, 1]);
    for (const op of ['Equal', 'Greater', 'Less']) {
      const x = randTensor([3, 4, 5], 20);
      const y = tensors.fromArray([4, 5], x.data.slice(0, 20)); // equal in the first batch row, random elsewhere
      await checkOp(op, [x, y]);
      await checkOp(op, [randTensor([2, 1, 3], 21), randTensor([4, 1], 22)]);
    }
  });
  it('Equal on int64: one-hot as Equal(Unsqueeze(labels), iota)', async () => {
    const labels = intTensor([4, 1], [2, 0, 1, 2]);
    const iota = intTensor([3], [0, 1, 2]);
    const [y] = await checkOp('Equal', [labels, iota]);
    expect(y!.shape).toEqual([4, 3]);
    expect(vals(y)).toEqual([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1]);
  });
  it('Equal on bool, Greater/Less on int64', async () => {
    expect(vals((await checkOp('Equal', [bool([4], [0, 1, 0, 1]), bool([4], [0, 0, 1, 1])]))[0])).toEqual([1, 0, 0, 1]);
    expect(vals((await checkOp('Greater', [intTensor([3], [1, 5, -2]), intTensor([], [1])]))[0])).toEqual([0, 1, 0]);
    expect(vals((await checkOp('Less', [intTensor([3], [1, 5, -2]), intTensor([], [1])]))[0])).toEqual([0, 0, 1]);
  });
  it('comparison shape rules', () => {
    for (const op of ['Equal', 'Greater', 'Less'])
      expect(infer(op, [{ shape: ['N', 1, 4], dtype: 'float32' }, { shape: [3, 1], dtype: 'float32' }])).toEqual([
        { shape: ['N', 3, 4], dtype: 'bool' },
      ]);
    expect(infer('Equal', [{ shape: ['N', 1], dtype: 'int64' }, { shape: [10], dtype: 'int64' }])).toEqual([{ shape: ['N', 10], dtype: 'bool' }]);
    misuse('Equal', [{ shape: [3], dtype: 'int64' }, { shape: [3], dtype: 'float32' }]);
    misuse('Greater', [{ shape: [3], dtype: 'bool' }, { shape: [3], dtype: 'bool' }]);
    misuse('Less', [{ shape: [3], dtype: 'float32' }, { shape: [4], dtype: 'float32' }]);
  });
  it('Where: exact values and three-way broadcasting', async () => {
    const [y] = await checkOp('Where', [bool([2, 1], [1, 0]), f32([3], [1, 2, 3]), f32([2, 3], [10, 20, 30, 40, 50, 60])]);
    expect(y!.shape).toEqual([2, 3]);
    expect(vals(y)).toEqual([1, 2, 3, 40, 50, 60]);
    const c = tensors.fromArray([3, 1, 5], Array.from(randTensor([15], 30).data, (v) => (v > 0 ? 1 : 0)), 'bool');
    await checkOp('Where', [c, randTensor([4, 1], 31), randTensor([1, 4, 5], 32)]);
    await checkOp('Where', [c, randTensor([], 33), randTensor([3, 4, 5], 34)]);
    const [yi] = await checkOp('Where', [bool([3], [1, 0, 1]), intTensor([3], [7, 8, 9]), intTensor([], [-1])]);
    expect(yi!.dtype).toBe('int64');
    expect(vals(yi)).toEqual([7, -1, 9]);
  });
  it('Where shape rule', () => {
    expect(
      infer('Where', [
        { shape: ['N', 1, 4], dtype: 'bool' },
        { shape: [3, 1], dtype: 'float32' },
        { shape: [], dtype: 'float32' },
      ]),
    ).toEqual([{ shape: ['N', 3, 4], dtype: 'float32' }]);
    expect(infer('Where', [{ shape: [4], dtype: 'bool' }, { shape: ['N', 4], dtype: 'float32' }, { shape: [1], dtype: 'float32' }])[0]!.shape).toEqual(['N', 4]);
    misuse('Where', [{ shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'float32' }]);
    misuse('Where', [{ shape: [3], dtype: 'bool' }, { shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'int64' }]);
    misuse('Where', [{ shape: [2], dtype: 'bool' }, { shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'float32' }]);
    misuse('Where', [{ shape: [3], dtype: 'bool' }, { shape: [3], dtype: 'float32' }]);
  });
});

describe('unary ops agree with onnxruntime-node', () => {
  it('Neg, Abs on float32 and int64', async () => {
    const x = f32([4], [-1.5, 0, 2, -3]);
    expect(vals((await checkOp('Neg', [x]))[0])).toEqual([1.5, -0, -2, 3]);
    expect(vals((await checkOp('Abs', [x]))[0])).toEqual([1.5, 0, 2, 3]);
    expect(vals((await checkOp('Neg', [intTensor([3], [4, -2, 0])]))[0])).toEqual([-4, 2, 0]);
    expect(vals((await checkOp('Abs', [intTensor([3], [4, -2, 0])]))[0])).toEqual([4, 2, 0]);
    await checkOp('Neg', [randTensor([3, 4, 5], 40)]);
    await checkOp('Abs', [randTensor([3, 4, 5], 41)]);
  });
  it('Exp, Log, Sqrt, Reciprocal', async () => {
    near((await checkOp('Exp', [f32([3], [0, 1, -2])]))[0], [1, Math.E, Math.exp(-2)]);
    near((await checkOp('Log', [f32([3], [1, Math.E, 0.5])]))[0], [0, 1, Math.log(0.5)]);
    expect(vals((await checkOp('Sqrt', [f32([3], [4, 0, 2.25])]))[0])).toEqual([2, 0, 1.5]);
    expect(vals((await checkOp('Reciprocal', [f32([3], [4, -0.5, 8])]))[0])).toEqual([0.25, -2, 0.125]);
    const [logRef, logOrt] = await refAndOrt('Log', [f32([2], [0, 1])]);
    expect(logRef).toEqual([-Infinity, 0]);
    expect(logOrt).toEqual(logRef);
    const [recRef, recOrt] = await refAndOrt('Reciprocal', [f32([2], [0, 2])]);
    expect(recRef).toEqual([Infinity, 0.5]);
    expect(recOrt).toEqual(recRef);
    await checkOp('Exp', [randTensor([4, 50], 42, -10, 10)]);
    await checkOp('Log', [randTensor([4, 50], 43, 1e-3, 100)]);
    await checkOp('Sqrt', [randTensor([4, 50], 44, 0, 100)]);
    await checkOp('Reciprocal', [randTensor([4, 50], 45, 0.01, 10)]);
  });
  it('Erf: accurate kernel and agreement with ORT', async () => {
    // Reference values from a high-precision evaluation.
    const table: [number, number][] = [
      [0, 0],
      [1e-8, 1.1283791670955126e-8],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [1.5, 0.9661051464753108],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [4.5, 0.9999999998033839],
      [5.9, 0.9999999999999999],
      [-0.75, -0.7111556336535151],
    ];
    for (const [x, e] of table) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThan(1e-15 + 1e-14 * Math.abs(e));
    expect(erf(Infinity)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
    expect(erf(NaN)).toBeNaN();
    const [y] = await checkOp('Erf', [f32([4], [0, 0.5, -1, 3])]);
    expect(vals(y)).toEqual(fr([0, 0.5204998778130465, -0.8427007929497149, 0.9999779095030014]));
    await checkOp('Erf', [randTensor([10, 100], 46, -4, 4)], {}, 1e-6);
  });
  it('Sigmoid and Tanh, including saturation', async () => {
    near((await checkOp('Sigmoid', [f32([3], [0, 2, -2])]))[0], [0.5, 1 / (1 + Math.exp(-2)), 1 / (1 + Math.exp(2))]);
    near((await checkOp('Tanh', [f32([3], [0, 0.5, -1])]))[0], [0, Math.tanh(0.5), Math.tanh(-1)]);
    const [s] = await checkOp('Sigmoid', [f32([2], [-800, 800])]);
    expect(vals(s)).toEqual([0, 1]);
    await checkOp('Sigmoid', [randTensor([10, 100], 47, -20, 20)]);
    await checkOp('Tanh', [randTensor([10, 100], 48, -6, 6)]);
  });
  it('LeakyRelu and Elu with explicit alpha', async () => {
    const x = f32([4], [-2, -0.5, 0, 3]);
    expect(vals((await checkOp('LeakyRelu', [x], { alpha: 0.1 }))[0])).toEqual(fr([-0.2, -0.05, 0, 3]));
    expect(vals((await checkOp('LeakyRelu', [x], { alpha: 0.01 }))[0])).toEqual(fr([-0.02, -0.005, 0, 3]));
    near((await checkOp('Elu', [x], { alpha: 1 }))[0], [Math.exp(-2) - 1, Math.exp(-0.5) - 1, 0, 3]);
    near((await checkOp('Elu', [x], { alpha: 0.5 }))[0], [0.5 * (Math.exp(-2) - 1), 0.5 * (Math.exp(-0.5) - 1), 0, 3]);
    await checkOp('LeakyRelu', [randTensor([3, 40], 49, -5, 5)], { alpha: 0.2 });
    await checkOp('Elu', [randTensor([3, 40], 50, -5, 5)], { alpha: 1.5 });
    await checkOp('Elu', [randTensor([3, 40], 51, -1e-3, 1e-3)], { alpha: 1 });
  });
  it('Identity keeps values and dtype', async () => {
    expect(vals((await checkOp('Identity', [f32([2, 2], [1, -2, 3.5, 0])]))[0])).toEqual([1, -2, 3.5, 0]);
    const [i] = await checkOp('Identity', [intTensor([3], [5, -1, 2])]);
    expect(i!.dtype).toBe('int64');
    expect(vals(i)).toEqual([5, -1, 2]);
    const [b] = await checkOp('Identity', [bool([2], [1, 0])]);
    expect(b!.dtype).toBe('bool');
    expect(vals(b)).toEqual([1, 0]);
  });
  it('unary shape rules keep N and reject bad dtypes or attributes', () => {
    for (const op of ['Neg', 'Abs', 'Exp', 'Log', 'Sqrt', 'Reciprocal', 'Erf', 'Sigmoid', 'Tanh', 'Identity'])
      expect(infer(op, [{ shape: ['N', 3, 7], dtype: 'float32' }])).toEqual([{ shape: ['N', 3, 7], dtype: 'float32' }]);
    expect(infer('LeakyRelu', [{ shape: ['N', 2], dtype: 'float32' }], { alpha: 0.1 })).toEqual([{ shape: ['N', 2], dtype: 'float32' }]);
    expect(infer('Identity', [{ shape: ['N'], dtype: 'int64' }])).toEqual([{ shape: ['N'], dtype: 'int64' }]);
    for (const op of ['Exp', 'Log', 'Sqrt', 'Reciprocal', 'Erf', 'Sigmoid', 'Tanh']) misuse(op, [{ shape: ['N', 3], dtype: 'int64' }]);
    misuse('Neg', [{ shape: [3], dtype: 'bool' }]);
    misuse('Exp', [{ shape: [3], dtype: 'float32' }, { shape: [3], dtype: 'float32' }]);
    misuse('LeakyRelu', [{ shape: [3], dtype: 'float32' }]);
    misuse('Elu', [{ shape: [3], dtype: 'float32' }], { alpha: 'one' });
    misuse('Identity', []);
  });
});

describe('Cast agrees with onnxruntime-node', () => {
  it('float32 → int64 truncates toward zero, → bool is x ≠ 0', async () => {
    const x = f32([6], [1.7, -1.7, 0, -0.2, 3, 100.5]);
    const [i] = await checkOp('Cast', [x], { to: 'int64' });
    expect(i!.dtype).toBe('int64');
    expect(vals(i)).toEqual([1, -1, 0, 0, 3, 100]);
    const [b] = await checkOp('Cast', [x], { to: 'bool' });
    expect(b!.dtype).toBe('bool');
    expect(vals(b)).toEqual([1, 1, 0, 1, 1, 1]);
    await checkOp('Cast', [randTensor([5, 20], 60, -50, 50)], { to: 'int64' });
  });
  it('int64 and bool → float32 and between each other; same-type casts', async () => {
    expect(vals((await checkOp('Cast', [intTensor([3], [-4, 0, 9])], { to: 'float32' }))[0])).toEqual([-4, 0, 9]);
    expect(vals((await checkOp('Cast', [intTensor([3], [-4, 0, 9])], { to: 'bool' }))[0])).toEqual([1, 0, 1]);
    expect(vals((await checkOp('Cast', [bool([3], [1, 0, 1])], { to: 'float32' }))[0])).toEqual([1, 0, 1]);
    expect(vals((await checkOp('Cast', [bool([3], [1, 0, 1])], { to: 'int64' }))[0])).toEqual([1, 0, 1]);
    expect(vals((await checkOp('Cast', [f32([2], [0.5, -2])], { to: 'float32' }))[0])).toEqual([0.5, -2]);
  });
  it('shape rule and ONNX enum', () => {
    expect(infer('Cast', [{ shape: ['N', 4], dtype: 'float32' }], { to: 'bool' })).toEqual([{ shape: ['N', 4], dtype: 'bool' }]);
    expect(infer('Cast', [{ shape: ['N'], dtype: 'bool' }], { to: 'float32' })).toEqual([{ shape: ['N'], dtype: 'float32' }]);
    const toOnnx = getOp('Cast')!.toOnnx as (a: unknown, t: readonly TensorType[]) => ReturnType<NonNullable<ReturnType<typeof getOp>>['toOnnx']>;
    expect(toOnnx({ to: 'float32' }, []).attributes).toEqual({ to: { type: 'int', value: 1 } });
    expect(toOnnx({ to: 'int64' }, []).attributes).toEqual({ to: { type: 'int', value: 7 } });
    expect(toOnnx({ to: 'bool' }, []).attributes).toEqual({ to: { type: 'int', value: 9 } });
    misuse('Cast', [{ shape: [3], dtype: 'float32' }], { to: 'float16' });
    misuse('Cast', [{ shape: [3], dtype: 'float32' }], {});
  });
});
