import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Tensor, type TensorType } from '../../../graph-core';
import { checkOp, randTensor } from '../../helpers/op-check';

const f32 = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values);
const vals = (t: Tensor | undefined): number[] => Array.from(t!.data);
function near(t: Tensor | undefined, expected: readonly number[], tol = 1e-6): void {
  expect(t!.data.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs(t!.data[i]! - e), `index ${i}: ${t!.data[i]} vs ${e}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(e))));
}
const infer = (op: string, inputs: readonly TensorType[], attrs: Record<string, unknown> = {}): readonly TensorType[] =>
  (getOp(op)!.inferShape as (i: readonly TensorType[], a: unknown) => readonly TensorType[])(inputs, attrs);
const onnx = (op: string, attrs: Record<string, unknown>, inputs: readonly TensorType[]) =>
  (getOp(op)!.toOnnx as (a: unknown, t: readonly TensorType[]) => ReturnType<NonNullable<ReturnType<typeof getOp>>['toOnnx']>)(attrs, inputs);
function misuse(op: string, inputs: readonly TensorType[], attrs: Record<string, unknown> = {}): void {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, t));
  expect(() => ir.op(op, vs, attrs)).toThrow(IrError);
}
const F = (...shape: (number | 'N')[]): TensorType => ({ shape, dtype: 'float32' });

const REDUCE = ['ReduceSum', 'ReduceMean', 'ReduceMax', 'ReduceLogSumExp'];
const m23 = f32([2, 3], [1, 2, 3, 4, 5, 6]);

describe('Reduce* agree with onnxruntime-node', () => {
  it('exact values', async () => {
    const sum = await checkOp('ReduceSum', [m23], { axes: [1], keepdims: false });
    expect(vals(sum[0])).toEqual([6, 15]);
    const sum0 = await checkOp('ReduceSum', [m23], { axes: [0], keepdims: true });
    expect(sum0[0]!.shape).toEqual([1, 3]);
    expect(vals(sum0[0])).toEqual([5, 7, 9]);
    expect(vals((await checkOp('ReduceMean', [m23], { axes: [-1], keepdims: false }))[0])).toEqual([2, 5]);
    expect(vals((await checkOp('ReduceMean', [m23], { axes: [0, 1], keepdims: false }))[0])).toEqual([3.5]);
    const mx = await checkOp('ReduceMax', [f32([2, 3], [1, -7, 3, -4, -5, -6])], { axes: [1], keepdims: true });
    expect(mx[0]!.shape).toEqual([2, 1]);
    expect(vals(mx[0])).toEqual([3, -4]);
    near((await checkOp('ReduceLogSumExp', [f32([2, 2], [0, 0, 1, 2])], { axes: [1], keepdims: false }))[0], [
      Math.LN2,
      Math.log(Math.E + Math.E ** 2),
    ]);
  });
  it('ReduceLogSumExp is stable for large and very negative inputs', async () => {
    const [y] = await checkOp('ReduceLogSumExp', [f32([2, 2], [1000, 1000, -1000, -1001])], { axes: [1], keepdims: false });
    near(y, [1000 + Math.LN2, -1000 + Math.log1p(Math.exp(-1))]);
    await checkOp('ReduceLogSumExp', [randTensor([4, 50], 3, -90, 90)], { axes: [-1], keepdims: true });
  });
  it('every axis subset, negative axes and keepdims on a rank-3 tensor', async () => {
    const x = randTensor([3, 4, 5], 7, -2, 2);
    const subsets = [[0], [1], [2], [-1], [0, 1], [0, 2], [-2, -1], [2, 0], [0, 1, 2]];
    for (const op of REDUCE)
      for (const axes of subsets)
        for (const keepdims of [true, false]) {
          const [y] = await checkOp(op, [x], { axes, keepdims });
          const kept = new Set(axes.map((a) => (a < 0 ? a + 3 : a)));
          expect(y!.shape).toEqual(keepdims ? x.shape.map((d, i) => (kept.has(i) ? 1 : d)) : x.shape.filter((_, i) => !kept.has(i)));
        }
  });
  it('long sums accumulate in float64', async () => {
    const x = randTensor([2, 3000], 8, 0, 1);
    await checkOp('ReduceSum', [x], { axes: [1], keepdims: false }, 1e-6);
    await checkOp('ReduceMean', [x], { axes: [1], keepdims: false }, 1e-6);
  });
  it('shape rules: reducing over the batch removes N; axes are explicit and non-negative in ONNX', () => {
    for (const op of REDUCE) {
      expect(infer(op, [F('N', 3, 4)], { axes: [1], keepdims: false })).toEqual([F('N', 4)]);
      expect(infer(op, [F('N', 3, 4)], { axes: [-1], keepdims: true })).toEqual([F('N', 3, 1)]);
      expect(infer(op, [F('N', 3, 4)], { axes: [0], keepdims: true })).toEqual([F(1, 3, 4)]);
      expect(infer(op, [F('N', 3, 4)], { axes: [0, 2], keepdims: false })).toEqual([F(3)]);
      misuse(op, [F('N', 3)], { axes: [], keepdims: true });
      misuse(op, [F('N', 3)], { axes: [2], keepdims: true });
      misuse(op, [F('N', 3)], { axes: [1, -1], keepdims: true });
      misuse(op, [F('N', 3)], { axes: [1], keepdims: 1 });
      misuse(op, [{ shape: ['N', 3], dtype: 'int64' }], { axes: [1], keepdims: true });
    }
    // ReduceSum takes axes as an int64 input since opset 13; the others keep the attribute in opset 17.
    expect(onnx('ReduceSum', { axes: [-1, 0], keepdims: false }, [F('N', 3, 4)])).toEqual({
      opType: 'ReduceSum',
      attributes: { keepdims: { type: 'int', value: 0 } },
      constInputs: [{ dtype: 'int64', dims: [2], values: [0, 2] }],
    });
    for (const op of ['ReduceMean', 'ReduceMax', 'ReduceLogSumExp'])
      expect(onnx(op, { axes: [-1], keepdims: true }, [F('N', 3, 4)])).toEqual({
        opType: op,
        attributes: { axes: { type: 'ints', value: [2] }, keepdims: { type: 'int', value: 1 } },
      });
  });
});

describe('ArgMax agrees with onnxruntime-node', () => {
  it('exact values; the first maximum wins on ties', async () => {
    const [y] = await checkOp('ArgMax', [f32([2, 4], [1, 3, 3, 2, 5, 5, 5, 5])], { axis: 1, keepdims: false });
    expect(y!.dtype).toBe('int64');
    expect(y!.shape).toEqual([2]);
    expect(vals(y)).toEqual([1, 0]);
    const [z] = await checkOp('ArgMax', [f32([3, 2], [0, 9, 4, 9, 4, -1])], { axis: 0, keepdims: true });
    expect(z!.shape).toEqual([1, 2]);
    expect(vals(z)).toEqual([1, 0]);
  });
  it('every axis, negative axes, keepdims, and many ties', async () => {
    const x = randTensor([3, 4, 5], 30, -3, 3);
    const ties = tensors.fromArray([3, 4, 5], Array.from(x.data, (v) => Math.round(v)));
    for (const axis of [0, 1, 2, -1, -3])
      for (const keepdims of [true, false]) {
        await checkOp('ArgMax', [x], { axis, keepdims });
        await checkOp('ArgMax', [ties], { axis, keepdims });
      }
  });
  it('shape rule keeps N and gives int64; explicit attributes', () => {
    expect(infer('ArgMax', [F('N', 10)], { axis: -1, keepdims: false })).toEqual([{ shape: ['N'], dtype: 'int64' }]);
    expect(infer('ArgMax', [F('N', 7, 10)], { axis: 1, keepdims: true })).toEqual([{ shape: ['N', 1, 10], dtype: 'int64' }]);
    expect(onnx('ArgMax', { axis: -1, keepdims: false }, [F('N', 10)]).attributes).toEqual({
      axis: { type: 'int', value: 1 },
      keepdims: { type: 'int', value: 0 },
      select_last_index: { type: 'int', value: 0 },
    });
    misuse('ArgMax', [F('N', 10)], { axis: 2, keepdims: false });
    misuse('ArgMax', [F('N', 10)], { axis: 1 });
    misuse('ArgMax', [{ shape: ['N', 10], dtype: 'bool' }], { axis: 1, keepdims: false });
  });
});
