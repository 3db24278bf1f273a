import { describe, it } from 'vitest';
import { gradCheck } from '../../helpers/grad-check';
import { randTensor } from '../../helpers/op-check';

describe('gradient rules match finite differences', () => {
  it('Add (with broadcasting)', () => gradCheck('Add', [randTensor([2, 3], 1), randTensor([3], 2)]));
  it('Relu', () => gradCheck('Relu', [randTensor([7], 3)]));
  it('MatMul (matrices and broadcast batches)', () => {
    gradCheck('MatMul', [randTensor([3, 4], 4), randTensor([4, 2], 5)]);
    gradCheck('MatMul', [randTensor([2, 3, 4], 6), randTensor([4, 2], 7)]);
  });
  it('Reshape', () => gradCheck('Reshape', [randTensor([2, 6], 8)], { shape: [3, 4] }));
  it('Transpose', () => gradCheck('Transpose', [randTensor([2, 3, 4], 9)], { perm: [2, 0, 1] }));
});

describe('MatMul gradient for a weight shared over leading dims', () => {
  it('folds [N, T, F]·[F, O] into one product and still matches finite differences', () => {
    gradCheck('MatMul', [randTensor([2, 3, 4], 11), randTensor([4, 5], 12)]);
    gradCheck('MatMul', [randTensor([2, 2, 3, 4], 13), randTensor([4, 2], 14)]);
  });
});
