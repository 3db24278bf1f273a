import { describe, expect, it } from 'vitest';
import { checkSize, makeVocab, writePadded } from '../../../runtime/data/builtin/lang';
import { DataError } from '../../../runtime/data/errors';

describe('language toy helpers', () => {
  it('builds a vocabulary with <pad> first, specials next, then words without repeats', () => {
    const v = makeVocab(['the', 'cat', 'the', 'sat'], ['<pad>', '<bos>']);
    expect(v.tokens).toEqual(['<pad>', '<bos>', 'the', 'cat', 'sat']);
    expect(v.id('cat')).toBe(3);
    expect(() => v.id('dog')).toThrow('token "dog" is not in the vocabulary');
    expect(() => makeVocab(['a'], ['<bos>'])).toThrow('must start with <pad>');
  });

  it('pads on the right or on the left with 0, overwriting old values', () => {
    const out = new Int32Array(10).fill(9);
    writePadded(out, 0, 5, [1, 2, 3]);
    writePadded(out, 5, 5, [4, 5], 'left');
    expect(Array.from(out)).toEqual([1, 2, 3, 0, 0, 0, 0, 0, 4, 5]);
    expect(() => writePadded(out, 0, 2, [1, 2, 3])).toThrow('sequence of 3 tokens does not fit in 2');
  });

  it('checks sizes with a DataError naming the dataset', () => {
    expect(checkSize('pos', 10)).toBe(10);
    expect(() => checkSize('pos', 0)).toThrow(DataError);
    expect(() => checkSize('pos', 1.5)).toThrow('pos: size must be a whole number of at least 1, got 1.5');
    expect(() => checkSize('digits', 11, 10)).toThrow('digits: size 11 is more than the 10 samples it can give');
  });
});
