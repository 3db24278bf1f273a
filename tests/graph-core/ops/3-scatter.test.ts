/**
 * ScatterND (reduction add, one row index per update): reference kernel against onnxruntime and hand-computed
 * values, its shape rule, and its gradient rule against central differences.
 */
import { describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder, IrError, tensors, type Shape, type TensorType } from '../../../graph-core';
import { gradCheck } from '../../helpers/grad-check';
import { checkOp, intTensor, randTensor } from '../../helpers/op-check';

const f32 = (shape: Shape): TensorType => ({ shape, dtype: 'float32' });
const i64 = (shape: Shape): TensorType => ({ shape, dtype: 'int64' });
const data = (t: { data: ArrayLike<number> }) => Array.from(t.data);
const add = { reduction: 'add' };

function infer(inputs: readonly TensorType[], attrs: Record<string, unknown> = add): Shape[] {
  const ir = new IrBuilder();
  const vs = inputs.map((t, i) => ir.input(`in${i}`, t));
  return ir.opN('ScatterND', vs, attrs).map((v) => v.type.shape);
}

describe('ScatterND (add)', () => {
  it('matches onnxruntime and hand-computed values; repeated indices accumulate', async () => {
    const table = tensors.fromArray([3, 2], [1, 2, 3, 4, 5, 6]);
    const updates = tensors.fromArray([4, 2], [10, 20, 30, 40, 50, 60, 70, 80]);
    const [y] = await checkOp('ScatterND', [table, intTensor([4, 1], [2, 0, 2, 1]), updates], add);
    expect(y!.shape).toEqual([3, 2]);
    expect(data(y!)).toEqual([31, 42, 73, 84, 5 + 10 + 50, 6 + 20 + 60]);
    // Indices of any leading shape; rows of any trailing shape.
    await checkOp('ScatterND', [randTensor([5, 2, 3], 1), intTensor([2, 3, 1], [4, 0, 4, 1, 1, 3]), randTensor([2, 3, 2, 3], 2)], add);
    await checkOp('ScatterND', [randTensor([4], 3), intTensor([6, 1], [0, 3, 3, 3, 1, 0]), randTensor([6], 4)], add);
  });
  it('negative indices count from the end; out-of-range ones are refused by the reference kernel', () => {
    const ir = new IrBuilder();
    const x = ir.input('x', f32([3]));
    const i = ir.input('i', i64([2, 1]));
    const u = ir.input('u', f32([2]));
    ir.output('y', ir.op('ScatterND', [x, i, u], add));
    const g = ir.build();
    const x0 = tensors.fromArray([3], [1, 2, 3]);
    const u0 = tensors.fromArray([2], [10, 100]);
    expect(data(evaluateIr(g, { x: x0, i: intTensor([2, 1], [-1, -3]), u: u0 }, {}).y!)).toEqual([101, 2, 13]);
    expect(() => evaluateIr(g, { x: x0, i: intTensor([2, 1], [0, 3]), u: u0 }, {})).toThrow(RangeError);
    expect(() => evaluateIr(g, { x: x0, i: intTensor([2, 1], [-4, 0]), u: u0 }, {})).toThrow(RangeError);
  });
  it('shape rule: updates follow indices and the data rows; the batch may only sit in the indices', () => {
    expect(infer([f32([64, 32]), i64([1024, 1]), f32([1024, 32])])).toEqual([[64, 32]]);
    expect(infer([f32([64, 32]), i64(['N', 1]), f32(['N', 32])])).toEqual([[64, 32]]);
    expect(() => infer([f32(['N', 32]), i64([4, 1]), f32([4, 32])])).toThrow(IrError);
    expect(() => infer([f32([64, 32]), i64([4, 2]), f32([4, 32])])).toThrow(IrError);
    expect(() => infer([f32([64, 32]), i64([4, 1]), f32([4, 31])])).toThrow(IrError);
    expect(() => infer([f32([64, 32]), f32([4, 1]), f32([4, 32])])).toThrow(IrError);
    expect(() => infer([f32([64, 32]), i64([4, 1]), f32([4, 32])], { reduction: 'mul' })).toThrow(IrError);
  });
  it('gradient: g for the data, the rows of g each update went to for the updates', () => {
    gradCheck('ScatterND', [randTensor([4, 3], 5), intTensor([5, 1], [1, 3, 1, 0, -1]), randTensor([5, 3], 6)], add);
    gradCheck('ScatterND', [randTensor([3, 2, 2], 7), intTensor([2, 2, 1], [2, 0, 0, 1]), randTensor([2, 2, 2, 2], 8)], add);
  });
});
