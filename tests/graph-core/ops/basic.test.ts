import { describe, expect, it } from 'vitest';
import { checkOp, randTensor } from '../../helpers/op-check';
import { tensors } from '../../../graph-core';

describe('Add, Relu, MatMul, Reshape agree with onnxruntime-node', () => {
  it('Add broadcasts', async () => {
    const [y] = await checkOp('Add', [tensors.fromArray([2, 3], [1, 2, 3, 4, 5, 6]), tensors.fromArray([3], [10, 20, 30])]);
    expect(Array.from(y!.data)).toEqual([11, 22, 33, 14, 25, 36]);
  });
  it('Relu', async () => {
    const [y] = await checkOp('Relu', [tensors.fromArray([4], [-1, 0, 2, -3])]);
    expect(Array.from(y!.data)).toEqual([0, 0, 2, 0]);
  });
  it('MatMul: matrices, batches with broadcasting, vectors', async () => {
    const [y] = await checkOp('MatMul', [tensors.fromArray([2, 2], [1, 2, 3, 4]), tensors.fromArray([2, 1], [5, 6])]);
    expect(Array.from(y!.data)).toEqual([17, 39]);
    await checkOp('MatMul', [randTensor([3, 4, 5], 1), randTensor([5, 2], 2)]);
    await checkOp('MatMul', [randTensor([2, 1, 4, 5], 3), randTensor([3, 5, 6], 4)]);
    await checkOp('MatMul', [randTensor([5], 5), randTensor([5, 3], 6)]);
  });
  it('Reshape', async () => {
    const [y] = await checkOp('Reshape', [randTensor([2, 3, 4], 7)], { shape: [6, 4] });
    expect(y!.shape).toEqual([6, 4]);
  });
});
