import { describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder, IrError, tensors, type Shape, type TensorType } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { sliceRange } from '../../../graph-core/ir/ops/slice';
import { checkOp, expectClose, intTensor, randTensor, runInOrt } from '../../helpers/op-check';

const f32 = (shape: Shape): TensorType => ({ shape, dtype: 'float32' });
const iota = (shape: readonly number[]) => tensors.fromArray(shape, Array.from({ length: tensors.size(shape) }, (_, i) => i));
const data = (t: { data: ArrayLike<number> }) => Array.from(t.data);

/** The output types of one op applied to inputs of the given types (the shape rule via IrBuilder). */
function infer(op: string, inputs: readonly TensorType[], attrs: Record<string, unknown>): Shape[] {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, t));
  return ir.opN(op, vs, attrs).map((v) => v.type.shape);
}

describe('Transpose', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    const [y] = await checkOp('Transpose', [iota([2, 3])], { perm: [1, 0] });
    expect(y!.shape).toEqual([3, 2]);
    expect(data(y!)).toEqual([0, 3, 1, 4, 2, 5]);
    await checkOp('Transpose', [randTensor([2, 3, 4, 5], 1)], { perm: [0, 2, 1, 3] });
    await checkOp('Transpose', [randTensor([2, 3, 4, 5], 2)], { perm: [3, 1, 0, 2] });
    await checkOp('Transpose', [randTensor([7], 3)], { perm: [0] });
    await checkOp('Transpose', [intTensor([2, 3], [1, 2, 3, 4, 5, 6])], { perm: [1, 0] });
  });
  it('carries N wherever the perm puts it (weight gradients contract over the batch)', () => {
    expect(infer('Transpose', [f32(['N', 8, 4, 16])], { perm: [0, 2, 1, 3] })).toEqual([['N', 4, 8, 16]]);
    expect(infer('Transpose', [f32(['N', 8, 4])], { perm: [1, 0, 2] })).toEqual([[8, 'N', 4]]);
    expect(infer('Transpose', [f32([5, 8])], { perm: [1, 0] })).toEqual([[8, 5]]);
  });
  it('refuses bad perms', () => {
    expect(() => infer('Transpose', [f32([2, 3])], { perm: [0, 0] })).toThrow(IrError);
    expect(() => infer('Transpose', [f32([2, 3])], { perm: [0] })).toThrow(IrError);
    expect(() => infer('Transpose', [f32([2, 3])], { perm: [0, 2] })).toThrow(IrError);
    expect(() => infer('Transpose', [f32([2, 3])], { perm: [-1, 0] })).toThrow(IrError);
  });
});

describe('Concat', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    const [y] = await checkOp('Concat', [tensors.fromArray([2, 1], [1, 2]), tensors.fromArray([2, 2], [3, 4, 5, 6])], { axis: 1 });
    expect(y!.shape).toEqual([2, 3]);
    expect(data(y!)).toEqual([1, 3, 4, 2, 5, 6]);
    const [z] = await checkOp('Concat', [tensors.fromArray([1, 2], [1, 2]), tensors.fromArray([2, 2], [3, 4, 5, 6])], { axis: 0 });
    expect(data(z!)).toEqual([1, 2, 3, 4, 5, 6]);
    await checkOp('Concat', [randTensor([2, 3, 4], 1), randTensor([2, 1, 4], 2), randTensor([2, 5, 4], 3)], { axis: -2 });
    await checkOp('Concat', [randTensor([2, 3, 4], 4), randTensor([2, 3, 2], 5)], { axis: -1 });
    await checkOp('Concat', [randTensor([2, 3], 6)], { axis: 0 });
    await checkOp('Concat', [intTensor([2], [7, 8]), intTensor([3], [-1, 0, 1])], { axis: 0 });
  });
  it('propagates N off the axis and refuses concatenating along N', () => {
    expect(infer('Concat', [f32(['N', 3, 4]), f32(['N', 5, 4])], { axis: 1 })).toEqual([['N', 8, 4]]);
    expect(infer('Concat', [f32(['N', 3]), f32(['N', 5]), f32(['N', 1])], { axis: -1 })).toEqual([['N', 9]]);
    expect(() => infer('Concat', [f32(['N', 3]), f32(['N', 3])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Concat', [f32(['N', 3]), f32([2, 3])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Concat', [f32(['N', 3]), f32([1, 3])], { axis: 1 })).toThrow(IrError);
  });
  it('refuses mismatches', () => {
    expect(() => infer('Concat', [], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Concat', [f32([2, 3]), f32([3, 3])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('Concat', [f32([2, 3]), f32([2, 3, 1])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Concat', [f32([2, 3]), { shape: [2, 3], dtype: 'int64' }], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Concat', [f32([2, 3])], { axis: 2 })).toThrow(IrError);
  });
});

describe('Slice', () => {
  it('computes ONNX ranges', () => {
    expect(sliceRange(5, 1, 4, 1)).toEqual({ start: 1, end: 4, count: 3 });
    expect(sliceRange(5, -2, Infinity, 1)).toEqual({ start: 3, end: 5, count: 2 });
    expect(sliceRange(5, 0, 100, 2)).toEqual({ start: 0, end: 5, count: 3 });
    expect(sliceRange(5, -1, -Infinity, -1)).toEqual({ start: 4, end: -1, count: 5 });
    expect(sliceRange(5, 10, 1, -2)).toEqual({ start: 4, end: 1, count: 2 });
    expect(sliceRange(5, 3, 3, 1).count).toBe(0);
  });
  it('matches onnxruntime and hand-computed values', async () => {
    const x = iota([2, 5]);
    const cases: [Record<string, unknown>, number[], number[]][] = [
      [{ axis: 1, start: 1, end: 4, step: 1 }, [2, 3], [1, 2, 3, 6, 7, 8]],
      [{ axis: -1, start: -2, end: 1000, step: 1 }, [2, 2], [3, 4, 8, 9]],
      [{ axis: 1, start: -100, end: -3, step: 1 }, [2, 2], [0, 1, 5, 6]],
      [{ axis: 1, start: 0, end: Infinity, step: 2 }, [2, 3], [0, 2, 4, 5, 7, 9]],
      [{ axis: 1, start: -1, end: -Infinity, step: -1 }, [2, 5], [4, 3, 2, 1, 0, 9, 8, 7, 6, 5]],
      [{ axis: 1, start: 100, end: -100, step: -2 }, [2, 3], [4, 2, 0, 9, 7, 5]],
      [{ axis: 1, start: 3, end: 0, step: -1 }, [2, 3], [3, 2, 1, 8, 7, 6]],
      [{ axis: 1, start: 4, end: -6, step: -3 }, [2, 2], [4, 1, 9, 6]],
      [{ axis: 0, start: 1, end: 2, step: 1 }, [1, 5], [5, 6, 7, 8, 9]],
      [{ axis: -2, start: -1, end: -3, step: -1 }, [2, 5], [5, 6, 7, 8, 9, 0, 1, 2, 3, 4]],
    ];
    for (const [attrs, shape, values] of cases) {
      const [y] = await checkOp('Slice', [x], attrs);
      expect(y!.shape, JSON.stringify(attrs)).toEqual(shape);
      expect(data(y!), JSON.stringify(attrs)).toEqual(values);
    }
    await checkOp('Slice', [randTensor([3, 7, 4], 1)], { axis: 1, start: 1, end: 6, step: 2 });
    await checkOp('Slice', [randTensor([3, 7, 4], 2)], { axis: 2, start: -1, end: 0, step: -1 });
    await checkOp('Slice', [randTensor([3, 7, 4], 3)], { axis: -3, start: 2, end: -4, step: -1 });
    await checkOp('Slice', [intTensor([6], [5, 4, 3, 2, 1, 0])], { axis: 0, start: 1, end: 5, step: 3 });
  });
  it('keeps N off the axis, refuses slicing N, empty results and bad steps', () => {
    expect(infer('Slice', [f32(['N', 10, 4])], { axis: 1, start: 2, end: 8, step: 3 })).toEqual([['N', 2, 4]]);
    expect(infer('Slice', [f32(['N', 10, 4])], { axis: -1, start: -1, end: -Infinity, step: -1 })).toEqual([['N', 10, 4]]);
    expect(() => infer('Slice', [f32(['N', 10])], { axis: 0, start: 0, end: 1, step: 1 })).toThrow(IrError);
    expect(() => infer('Slice', [f32(['N', 10])], { axis: 1, start: 5, end: 5, step: 1 })).toThrow(IrError);
    expect(() => infer('Slice', [f32(['N', 10])], { axis: 1, start: 0, end: 5, step: 0 })).toThrow(IrError);
    expect(() => infer('Slice', [f32(['N', 10])], { axis: 1, start: 0.5, end: 5, step: 1 })).toThrow(IrError);
    expect(() => infer('Slice', [f32(['N', 10])], { axis: 2, start: 0, end: 5, step: 1 })).toThrow(IrError);
  });
});

describe('Split', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    const [a, b] = await checkOp('Split', [iota([2, 5])], { axis: 1, split: [2, 3] });
    expect(a!.shape).toEqual([2, 2]);
    expect(data(a!)).toEqual([0, 1, 5, 6]);
    expect(b!.shape).toEqual([2, 3]);
    expect(data(b!)).toEqual([2, 3, 4, 7, 8, 9]);
    const outs = await checkOp('Split', [randTensor([6, 3, 4], 1)], { axis: 0, split: [1, 2, 3] });
    expect(outs.map((t) => t.shape)).toEqual([
      [1, 3, 4],
      [2, 3, 4],
      [3, 3, 4],
    ]);
    await checkOp('Split', [randTensor([2, 3, 8], 2)], { axis: -1, split: [4, 4] });
    await checkOp('Split', [randTensor([2, 3, 8], 3)], { axis: -2, split: [1, 1, 1] });
    const [one] = await checkOp('Split', [randTensor([2, 3], 4)], { axis: 1, split: [3] });
    expect(one!.shape).toEqual([2, 3]);
    await checkOp('Split', [intTensor([4], [1, 2, 3, 4])], { axis: 0, split: [3, 1] });
  });
  it('keeps N, refuses splitting N and sizes that do not add up', () => {
    expect(infer('Split', [f32(['N', 5, 6])], { axis: 2, split: [2, 4] })).toEqual([
      ['N', 5, 2],
      ['N', 5, 4],
    ]);
    expect(() => infer('Split', [f32(['N', 6])], { axis: 0, split: [2, 2] })).toThrow(IrError);
    expect(() => infer('Split', [f32(['N', 6])], { axis: 1, split: [2, 2] })).toThrow(IrError);
    expect(() => infer('Split', [f32(['N', 6])], { axis: 1, split: [6, 0] })).toThrow(IrError);
    expect(() => infer('Split', [f32(['N', 6])], { axis: 1, split: [] })).toThrow(IrError);
  });
});

describe('Unsqueeze and Squeeze', () => {
  it('Unsqueeze matches onnxruntime', async () => {
    const [y] = await checkOp('Unsqueeze', [tensors.fromArray([2, 3], [1, 2, 3, 4, 5, 6])], { axes: [1] });
    expect(y!.shape).toEqual([2, 1, 3]);
    expect(data(y!)).toEqual([1, 2, 3, 4, 5, 6]);
    const [z] = await checkOp('Unsqueeze', [randTensor([2, 3], 1)], { axes: [-1, 0] });
    expect(z!.shape).toEqual([1, 2, 3, 1]);
    const [w] = await checkOp('Unsqueeze', [randTensor([2, 3], 2)], { axes: [3, 1] });
    expect(w!.shape).toEqual([2, 1, 3, 1]);
    const [s] = await checkOp('Unsqueeze', [tensors.fromArray([], [5])], { axes: [0] });
    expect(s!.shape).toEqual([1]);
    await checkOp('Unsqueeze', [intTensor([3], [4, 5, 6])], { axes: [-2] });
  });
  it('Squeeze matches onnxruntime', async () => {
    const [y] = await checkOp('Squeeze', [tensors.fromArray([1, 3, 1], [7, 8, 9])], { axes: [0, -1] });
    expect(y!.shape).toEqual([3]);
    expect(data(y!)).toEqual([7, 8, 9]);
    const [z] = await checkOp('Squeeze', [randTensor([2, 1, 4, 1], 3)], { axes: [1] });
    expect(z!.shape).toEqual([2, 4, 1]);
    const [s] = await checkOp('Squeeze', [tensors.fromArray([1], [4])], { axes: [0] });
    expect(s!.shape).toEqual([]);
    expect(data(s!)).toEqual([4]);
    await checkOp('Squeeze', [intTensor([1, 2], [3, 4], 'bool')], { axes: [-2] });
  });
  it('keep N first', () => {
    expect(infer('Unsqueeze', [f32(['N', 4])], { axes: [1, -1] })).toEqual([['N', 1, 4, 1]]);
    expect(() => infer('Unsqueeze', [f32(['N', 4])], { axes: [0] })).toThrow(IrError);
    expect(() => infer('Unsqueeze', [f32(['N', 4])], { axes: [-3] })).toThrow(IrError);
    expect(() => infer('Unsqueeze', [f32(['N', 4])], { axes: [1, 1] })).toThrow(IrError);
    expect(() => infer('Unsqueeze', [f32(['N', 4])], { axes: [3] })).toThrow(IrError);
    expect(() => infer('Unsqueeze', [f32(['N', 4])], { axes: [] })).toThrow(IrError);
    expect(infer('Squeeze', [f32(['N', 1, 4])], { axes: [-2] })).toEqual([['N', 4]]);
    expect(() => infer('Squeeze', [f32(['N', 1, 4])], { axes: [0] })).toThrow(IrError);
    expect(() => infer('Squeeze', [f32(['N', 1, 4])], { axes: [2] })).toThrow(IrError);
    expect(() => infer('Squeeze', [f32(['N', 1, 4])], { axes: [] })).toThrow(IrError);
    expect(() => infer('Squeeze', [f32(['N', 1, 1])], { axes: [1, -2] })).toThrow(IrError);
  });
});

describe('Expand', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    const [y] = await checkOp('Expand', [tensors.fromArray([3, 1], [1, 2, 3])], { shape: [3, 2] });
    expect(y!.shape).toEqual([3, 2]);
    expect(data(y!)).toEqual([1, 1, 2, 2, 3, 3]);
    const [z] = await checkOp('Expand', [tensors.fromArray([3, 1], [1, 2, 3])], { shape: [2, 1, 2] });
    expect(z!.shape).toEqual([2, 3, 2]);
    expect(data(z!)).toEqual([1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3]);
    const [w] = await checkOp('Expand', [randTensor([2, 3, 1], 1)], { shape: [4] });
    expect(w!.shape).toEqual([2, 3, 4]);
    await checkOp('Expand', [randTensor([1, 4], 2)], { shape: [3, 5, 4] });
    await checkOp('Expand', [intTensor([1, 2], [9, -9])], { shape: [3, 2] });
  });
  it('N in the target broadcasts the input batch through (written as 1 in ONNX)', async () => {
    // A graph whose input really has the batch N; fed with a batch of 3 both here and in onnxruntime.
    const ir = new IrBuilder();
    const x = ir.input('x', f32(['N', 1, 3]));
    const y = ir.expand(x, ['N', 2, 3]);
    expect(y.type.shape).toEqual(['N', 2, 3]);
    ir.output('y', y);
    const g = ir.build();
    const feed = tensors.fromArray([3, 1, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const ref = evaluateIr(g, { x: feed }, {});
    expect(ref.y!.shape).toEqual([3, 2, 3]);
    expect(data(ref.y!)).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6, 4, 5, 6, 7, 8, 9, 7, 8, 9]);
    const model = irToOnnx(g, { name: 'expand', weights: new Map() });
    expect(model.graph.initializers.map((t) => Array.from(t.data, Number))).toEqual([[1, 2, 3]]);
    const got = await runInOrt(encodeModel(model), { x: feed });
    expectClose(got.y!, ref.y!);
  });
  it('propagates N and refuses targets that invent or move it', () => {
    expect(infer('Expand', [f32(['N', 1, 3])], { shape: ['N', 4, 3] })).toEqual([['N', 4, 3]]);
    expect(infer('Expand', [f32(['N', 1, 3])], { shape: [1, 4, 1] })).toEqual([['N', 4, 3]]);
    expect(infer('Expand', [f32(['N', 1, 3])], { shape: [5, 3] })).toEqual([['N', 5, 3]]);
    expect(() => infer('Expand', [f32([1, 4])], { shape: ['N', 4] })).toThrow(IrError);
    expect(() => infer('Expand', [f32(['N', 4])], { shape: [2, 1, 4] })).toThrow(IrError);
    expect(() => infer('Expand', [f32(['N', 4])], { shape: [3, 4] })).toThrow(IrError);
    expect(() => infer('Expand', [f32([2, 4])], { shape: [3, 4] })).toThrow(IrError);
    expect(() => infer('Expand', [f32([2, 4])], { shape: [2, 0] })).toThrow(IrError);
  });
});

describe('shaping ops on a few thousand elements', () => {
  it('agree with onnxruntime', async () => {
    const x = randTensor([4, 16, 8, 12], 42);
    await checkOp('Transpose', [x], { perm: [0, 2, 3, 1] });
    await checkOp('Concat', [x, randTensor([4, 16, 8, 5], 43)], { axis: 3 });
    await checkOp('Slice', [x], { axis: 1, start: 15, end: -Infinity, step: -3 });
    const parts = await checkOp('Split', [x], { axis: 2, split: [3, 5] });
    expect(parts.map((p) => p.shape)).toEqual([
      [4, 16, 3, 12],
      [4, 16, 5, 12],
    ]);
    await checkOp('Expand', [randTensor([4, 1, 8, 1], 44)], { shape: [4, 16, 8, 12] });
    await checkOp('Unsqueeze', [x], { axes: [2] });
  });
});
