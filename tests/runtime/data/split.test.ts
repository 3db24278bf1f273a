import { describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { reshuffle, shuffledIndices, splitIndices } from '../../../runtime/data/split';

const sorted = (a: Int32Array) => Array.from(a).sort((p, q) => p - q);

describe('splitIndices', () => {
  it('cuts a seeded permutation into 70 / 15 / 15 disjoint parts that cover every sample', () => {
    const s = splitIndices(1000, { val: 0.15, test: 0.15 }, 7);
    expect([s.train.length, s.val?.length, s.test?.length]).toEqual([700, 150, 150]);
    const all = [...s.train, ...s.val!, ...s.test!];
    expect(sorted(Int32Array.from(all))).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    // shuffled, not in order
    expect(Array.from(s.train.subarray(0, 10))).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('is the same for the same seed and different for another seed', () => {
    const a = splitIndices(500, { val: 0.2, test: 0.1 }, 3);
    const b = splitIndices(500, { val: 0.2, test: 0.1 }, 3);
    const c = splitIndices(500, { val: 0.2, test: 0.1 }, 4);
    expect(Array.from(a.train)).toEqual(Array.from(b.train));
    expect(Array.from(a.val!)).toEqual(Array.from(b.val!));
    expect(Array.from(a.train)).not.toEqual(Array.from(c.train));
  });

  it('gives no validation (or test) set for a fraction of 0, and at least one sample for a tiny fraction', () => {
    const s = splitIndices(100, { val: 0, test: 0.2 }, 1);
    expect(s.val).toBeUndefined();
    expect(s.test!.length).toBe(20);
    expect(s.train.length).toBe(80);
    const none = splitIndices(10, { val: 0, test: 0 }, 1);
    expect(Object.keys(none)).toEqual(['train']);
    expect(none.train.length).toBe(10);
    expect(splitIndices(10, { val: 0.01, test: 0 }, 1).val!.length).toBe(1);
  });

  it('refuses fractions that leave no training data or are out of range', () => {
    expect(() => splitIndices(2, { val: 0.5, test: 0.5 }, 1)).toThrow(DataError);
    expect(() => splitIndices(2, { val: 0.5, test: 0.5 }, 1)).toThrow('leaves no training sample out of 2');
    expect(() => splitIndices(10, { val: -0.1, test: 0 }, 1)).toThrow('the validation fraction must be at least 0 and below 1, not -0.1');
    expect(() => splitIndices(10, { val: 0, test: 1 }, 1)).toThrow('the test fraction');
    expect(() => splitIndices(0, { val: 0, test: 0 }, 1)).toThrow('cannot split a dataset of 0 samples');
  });
});

describe('shuffling', () => {
  it('shuffledIndices is a seeded permutation', () => {
    const a = shuffledIndices(50, 9);
    expect(sorted(a)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(shuffledIndices(50, 9))).toEqual(Array.from(a));
    expect(Array.from(shuffledIndices(50, 10))).not.toEqual(Array.from(a));
  });

  it('reshuffle returns a new order of the same indices and leaves its argument alone', () => {
    const train = splitIndices(200, { val: 0.1, test: 0 }, 2).train;
    const before = Array.from(train);
    const e1 = reshuffle(train, 1);
    const e2 = reshuffle(train, 2);
    expect(Array.from(train)).toEqual(before);
    expect(sorted(e1)).toEqual(sorted(train));
    expect(Array.from(e1)).not.toEqual(Array.from(e2));
    expect(Array.from(reshuffle(train, 1))).toEqual(Array.from(e1));
  });
});
