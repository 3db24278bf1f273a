import { describe, expect, it } from 'vitest';
import { getOp, IrBuilder, IrError, tensors, type Tensor, type TensorType } from '../../../graph-core';
import { checkOp, randTensor } from '../../helpers/op-check';

const f32 = (shape: readonly number[], values: readonly number[]): Tensor => tensors.fromArray(shape, values);
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

describe('Softmax agrees with onnxruntime-node', () => {
  it('exact values along the last axis', async () => {
    const [y] = await checkOp('Softmax', [f32([2, 3], [1, 2, 3, 0, 0, 0])], { axis: -1 });
    near(y, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219, 1 / 3, 1 / 3, 1 / 3]);
  });
  it('normalises along one axis only (opset 13 semantics), every axis of a rank-3 tensor', async () => {
    const x = randTensor([3, 4, 5], 1, -3, 3);
    for (const axis of [0, 1, 2, -1, -2, -3]) {
      const [y] = await checkOp('Softmax', [x], { axis });
      // Sums along the chosen axis are 1.
      const a = axis < 0 ? axis + 3 : axis;
      const sums = tensors.reduce(y!, [a], false, 0, (s, v) => s + v);
      near(sums, new Array<number>(sums.data.length).fill(1), 1e-6);
    }
  });
  it('is stable for large logits', async () => {
    const [y] = await checkOp('Softmax', [f32([1, 3], [1000, 1001, 1002])], { axis: 1 });
    near(y, [0.09003057317038046, 0.24472847105479767, 0.6652409557748219]);
    await checkOp('Softmax', [randTensor([4, 100], 2, -80, 80)], { axis: -1 });
  });
  it('shape rule keeps N; axis is written non-negative', () => {
    expect(infer('Softmax', [F('N', 4, 10)], { axis: -1 })).toEqual([F('N', 4, 10)]);
    expect(onnx('Softmax', { axis: -1 }, [F('N', 4, 10)]).attributes).toEqual({ axis: { type: 'int', value: 2 } });
    misuse('Softmax', [F('N', 4)], { axis: 2 });
    misuse('Softmax', [F('N', 4)], { axis: -3 });
    misuse('Softmax', [F('N', 4)], { axis: 0.5 });
    misuse('Softmax', [{ shape: ['N', 4], dtype: 'int64' }], { axis: 1 });
  });
});

describe('LayerNormalization agrees with onnxruntime-node', () => {
  it('exact values, with and without B', async () => {
    const x = f32([1, 4], [1, 2, 3, 4]);
    const s = 1 / Math.sqrt(1.25);
    const [y] = await checkOp('LayerNormalization', [x, f32([4], [1, 1, 2, 2]), f32([4], [0, 1, 0, 1])], { axis: -1, epsilon: 0 });
    near(y, [-1.5 * s, -0.5 * s + 1, 0.5 * s * 2, 1.5 * s * 2 + 1]);
    const [z] = await checkOp('LayerNormalization', [x, f32([4], [1, 1, 1, 1])], { axis: 1, epsilon: 0.75 });
    near(z, [-1.5 / Math.sqrt(2), -0.5 / Math.sqrt(2), 0.5 / Math.sqrt(2), 1.5 / Math.sqrt(2)]);
  });
  it('normalises over dims axis..end for every axis, with negative axes and epsilon', async () => {
    const x = randTensor([2, 3, 4, 5], 10, -2, 3);
    for (const [axis, normShape] of [
      [3, [5]],
      [-1, [5]],
      [2, [4, 5]],
      [-3, [3, 4, 5]],
      [0, [2, 3, 4, 5]],
    ] as [number, number[]][]) {
      const scale = randTensor(normShape, 11 + axis, 0.5, 1.5);
      const bias = randTensor(normShape, 21 + axis);
      await checkOp('LayerNormalization', [x, scale, bias], { axis, epsilon: 1e-5 });
      await checkOp('LayerNormalization', [x, scale], { axis, epsilon: 1e-2 });
    }
  });
  it('a constant row gives B (variance 0 is guarded by epsilon)', async () => {
    const [y] = await checkOp('LayerNormalization', [f32([2, 3], [5, 5, 5, 1, 2, 3]), f32([3], [2, 2, 2]), f32([3], [0.5, -1, 0])], {
      axis: 1,
      epsilon: 1e-5,
    });
    const s = 2 / Math.sqrt(2 / 3 + 1e-5);
    near(y, [0.5, -1, 0, -s + 0.5, -1, s], 1e-5);
  });
  it('shape rule keeps N, checks Scale/B, writes explicit attributes', () => {
    expect(infer('LayerNormalization', [F('N', 16, 64), F(64), F(64)], { axis: -1, epsilon: 1e-5 })).toEqual([F('N', 16, 64)]);
    expect(infer('LayerNormalization', [F('N', 16, 64), F(16, 64)], { axis: 1, epsilon: 1e-5 })).toEqual([F('N', 16, 64)]);
    const m = onnx('LayerNormalization', { axis: -2, epsilon: 1e-5 }, [F('N', 16, 64), F(16, 64)]);
    expect(m.opType).toBe('LayerNormalization');
    expect(m.attributes).toEqual({ axis: { type: 'int', value: 1 }, epsilon: { type: 'float', value: 1e-5 }, stash_type: { type: 'int', value: 1 } });
    misuse('LayerNormalization', [F('N', 16, 64), F(16)], { axis: -1, epsilon: 1e-5 });
    misuse('LayerNormalization', [F('N', 16, 64), F(64), F(16)], { axis: -1, epsilon: 1e-5 });
    misuse('LayerNormalization', [F('N', 64), F(1, 64)], { axis: 0, epsilon: 1e-5 });
    misuse('LayerNormalization', [F('N', 64), F(64)], { axis: 2, epsilon: 1e-5 });
    misuse('LayerNormalization', [F('N', 64), F(64)], { axis: 1, epsilon: -1 });
    misuse('LayerNormalization', [F('N', 64)], { axis: 1, epsilon: 1e-5 });
    misuse('LayerNormalization', [F('N', 64), F(64), F(64), F(64)], { axis: 1, epsilon: 1e-5 });
  });
});

describe('BatchNormalization (inference) agrees with onnxruntime-node', () => {
  it('exact values', async () => {
    const x = f32([1, 2, 2], [1, 3, 2, 4]);
    const [y] = await checkOp('BatchNormalization', [x, f32([2], [2, 1]), f32([2], [0.5, 0]), f32([2], [1, 2]), f32([2], [4, 0.25])], {
      epsilon: 0,
    });
    expect(Array.from(y!.data)).toEqual([0.5, 2.5, 0, 4]);
  });
  it('ranks 2, 3, 4 and 5 with random statistics', async () => {
    for (const shape of [
      [5, 3],
      [2, 4, 7],
      [2, 3, 5, 6],
      [2, 2, 3, 3, 3],
    ]) {
      const c = shape[1]!;
      const seed = shape.length * 10;
      await checkOp(
        'BatchNormalization',
        [randTensor(shape, seed, -3, 3), randTensor([c], seed + 1, 0.5, 2), randTensor([c], seed + 2), randTensor([c], seed + 3), randTensor([c], seed + 4, 0.1, 3)],
        { epsilon: 1e-5 },
      );
    }
    await checkOp(
      'BatchNormalization',
      [randTensor([3, 2, 4], 99), randTensor([2], 98), randTensor([2], 97), randTensor([2], 96), f32([2], [0, 0])],
      { epsilon: 0.1 },
    );
  });
  it('shape rule keeps N, checks the per-channel inputs, writes explicit attributes', () => {
    expect(infer('BatchNormalization', [F('N', 8, 5, 5), F(8), F(8), F(8), F(8)], { epsilon: 1e-5 })).toEqual([F('N', 8, 5, 5)]);
    expect(infer('BatchNormalization', [F('N', 8), F(8), F(8), F(8), F(8)], { epsilon: 1e-5 })).toEqual([F('N', 8)]);
    expect(onnx('BatchNormalization', { epsilon: 1e-3 }, []).attributes).toEqual({
      epsilon: { type: 'float', value: 1e-3 },
      training_mode: { type: 'int', value: 0 },
    });
    misuse('BatchNormalization', [F('N', 8, 5), F(8), F(8), F(8), F(5)], { epsilon: 1e-5 });
    misuse('BatchNormalization', [F('N', 8, 5), F(8), F(8), F(8)], { epsilon: 1e-5 });
    misuse('BatchNormalization', [F('N'), F(1), F(1), F(1), F(1)], { epsilon: 1e-5 });
    misuse('BatchNormalization', [F(4, 'N'), F(1), F(1), F(1), F(1)], { epsilon: 1e-5 });
    misuse('BatchNormalization', [F('N', 8), F(8), F(8), F(8), F(8)], { epsilon: Number.NaN });
  });
});
