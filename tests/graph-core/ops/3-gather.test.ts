import { describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder, IrError, tensors, type Shape, type TensorType } from '../../../graph-core';
import { checkOp, intTensor, randTensor } from '../../helpers/op-check';

const f32 = (shape: Shape): TensorType => ({ shape, dtype: 'float32' });
const i64 = (shape: Shape): TensorType => ({ shape, dtype: 'int64' });
const iota = (shape: readonly number[]) => tensors.fromArray(shape, Array.from({ length: tensors.size(shape) }, (_, i) => i));
const data = (t: { data: ArrayLike<number> }) => Array.from(t.data);

function infer(op: string, inputs: readonly TensorType[], attrs: Record<string, unknown>): Shape[] {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, t));
  return ir.opN(op, vs, attrs).map((v) => v.type.shape);
}

describe('Gather', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    // Embedding lookup: rows of a [4, 2] table, negative indices wrap.
    const table = iota([4, 2]);
    const [y] = await checkOp('Gather', [table, intTensor([2, 2], [3, 0, -1, 1])], { axis: 0 });
    expect(y!.shape).toEqual([2, 2, 2]);
    expect(data(y!)).toEqual([6, 7, 0, 1, 6, 7, 2, 3]);
    const [c] = await checkOp('Gather', [iota([2, 3]), intTensor([2], [2, -3])], { axis: -1 });
    expect(c!.shape).toEqual([2, 2]);
    expect(data(c!)).toEqual([2, 0, 5, 3]);
    const [s] = await checkOp('Gather', [iota([2, 3, 4]), intTensor([], [1])], { axis: 1 });
    expect(s!.shape).toEqual([2, 4]);
    expect(data(s!)).toEqual([4, 5, 6, 7, 16, 17, 18, 19]);
    await checkOp('Gather', [randTensor([3, 5, 4], 1), intTensor([2, 3], [0, 4, -1, 2, -5, 3])], { axis: 1 });
    await checkOp('Gather', [randTensor([3, 5, 4], 2), intTensor([3, 1, 2], [0, 3, 1, -1, 2, -4])], { axis: 2 });
    await checkOp('Gather', [intTensor([5], [10, 11, 12, 13, 14]), intTensor([3], [4, 4, 0])], { axis: 0 });
  });
  it('N from data or from indices stays at dim 0', () => {
    expect(infer('Gather', [f32([100, 16]), i64(['N', 12])], { axis: 0 })).toEqual([['N', 12, 16]]);
    expect(infer('Gather', [f32(['N', 5, 4]), i64([2, 3])], { axis: 1 })).toEqual([['N', 2, 3, 4]]);
    expect(infer('Gather', [f32(['N', 5, 4]), i64([])], { axis: -1 })).toEqual([['N', 5]]);
    expect(() => infer('Gather', [f32(['N', 5]), i64([2])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Gather', [f32(['N', 5]), i64(['N'])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('Gather', [f32([3, 5]), i64(['N'])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('Gather', [f32([3, 5]), f32([2])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('Gather', [f32([3, 5]), i64([2])], { axis: 2 })).toThrow(IrError);
  });
  it('the reference kernel rejects out-of-range indices', () => {
    const ir = new IrBuilder();
    const x = ir.input('x', f32([3]));
    const i = ir.input('i', i64([2]));
    ir.output('y', ir.gather(x, i, 0));
    const g = ir.build();
    const x0 = tensors.fromArray([3], [10, 20, 30]);
    expect(data(evaluateIr(g, { x: x0, i: intTensor([2], [-3, 2]) }, {}).y!)).toEqual([10, 30]);
    expect(() => evaluateIr(g, { x: x0, i: intTensor([2], [0, 3]) }, {})).toThrow(RangeError);
    expect(() => evaluateIr(g, { x: x0, i: intTensor([2], [-4, 0]) }, {})).toThrow(RangeError);
  });
});

describe('GatherElements', () => {
  it('matches onnxruntime and hand-computed values', async () => {
    const x = tensors.fromArray([2, 2], [1, 2, 3, 4]);
    const [y] = await checkOp('GatherElements', [x, intTensor([2, 2], [0, 0, 1, 0])], { axis: 1 });
    expect(data(y!)).toEqual([1, 1, 4, 3]);
    const [z] = await checkOp('GatherElements', [iota([3, 3]), intTensor([2, 3], [1, 2, 0, 2, 0, -3])], { axis: 0 });
    expect(z!.shape).toEqual([2, 3]);
    expect(data(z!)).toEqual([3, 7, 2, 6, 1, 2]);
    await checkOp('GatherElements', [randTensor([3, 4, 5], 1), intTensor([3, 4, 2], Array.from({ length: 24 }, (_, k) => (k * 7) % 9 - 4))], { axis: -1 });
    await checkOp('GatherElements', [randTensor([3, 4, 5], 2), intTensor([3, 6, 5], Array.from({ length: 90 }, (_, k) => (k * 5) % 8 - 4))], { axis: 1 });
    // Off-axis dims of indices may be smaller than data's.
    const [w] = await checkOp('GatherElements', [iota([3, 4]), intTensor([2, 2], [3, 0, 1, -1])], { axis: 1 });
    expect(data(w!)).toEqual([3, 0, 5, 7]);
    await checkOp('GatherElements', [intTensor([4], [5, 6, 7, 8]), intTensor([3], [3, -4, 1])], { axis: 0 });
  });
  it('shape rule with N', () => {
    expect(infer('GatherElements', [f32(['N', 10]), i64(['N', 3])], { axis: 1 })).toEqual([['N', 3]]);
    expect(infer('GatherElements', [f32(['N', 4, 10]), i64(['N', 4, 1])], { axis: -1 })).toEqual([['N', 4, 1]]);
    expect(() => infer('GatherElements', [f32(['N', 10]), i64(['N', 10])], { axis: 0 })).toThrow(IrError);
    expect(() => infer('GatherElements', [f32(['N', 10]), i64([2, 3])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('GatherElements', [f32([2, 10]), i64(['N', 3])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('GatherElements', [f32([2, 10]), i64([2, 3, 1])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('GatherElements', [f32([2, 10]), i64([3, 3])], { axis: 1 })).toThrow(IrError);
    expect(() => infer('GatherElements', [f32([2, 10]), f32([2, 3])], { axis: 1 })).toThrow(IrError);
  });
});
