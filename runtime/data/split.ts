/**
 * Seeded shuffling and train/validation/test splits. Splits are index arrays into a Dataset, so no
 * sample is copied; the same seed always gives the same split.
 */
import { Rng } from '../../graph-core';
import type { SplitFractions } from './dataset';
import { DataError } from './errors';

export interface Split {
  /** Indices of the training samples, in shuffled order. */
  readonly train: Int32Array;
  /** Indices of the validation samples; absent when the validation fraction is 0. */
  readonly val?: Int32Array;
  /** Indices of the test samples; absent when the test fraction is 0. */
  readonly test?: Int32Array;
}

/** Fisher–Yates shuffle of a typed index array in place, driven by `rng`; returns the array. */
export function shuffleInPlace(indices: Int32Array, rng: Rng): Int32Array {
  for (let i = indices.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = indices[i]!;
    indices[i] = indices[j]!;
    indices[j] = t;
  }
  return indices;
}

/** `0 … n-1` in an order fixed by the seed. */
export function shuffledIndices(n: number, seed: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return shuffleInPlace(idx, new Rng(seed).fork('shuffle'));
}

/** A new array with the same indices in a new order, e.g. once per epoch (`seed` = base seed + epoch). */
export function reshuffle(indices: Int32Array, seed: number): Int32Array {
  return shuffleInPlace(Int32Array.from(indices), new Rng(seed).fork('epoch'));
}

function checkFraction(what: string, f: number): void {
  if (!Number.isFinite(f) || f < 0 || f >= 1) throw new DataError(`the ${what} fraction must be at least 0 and below 1, not ${f}`);
}

/** How many of `n` samples a fraction takes: rounded, but at least one when the fraction is above 0. */
function countOf(n: number, f: number): number {
  if (f === 0) return 0;
  return Math.max(1, Math.round(n * f));
}

/**
 * Shuffles `0 … size-1` with the seed and cuts it into training, validation and test indices by the given
 * fractions (the training set takes the rest). A fraction of 0 gives no such set. Throws a DataError when
 * the fractions leave no training sample.
 */
export function splitIndices(size: number, fractions: SplitFractions, seed: number): Split {
  if (!Number.isInteger(size) || size < 1) throw new DataError(`cannot split a dataset of ${size} samples`);
  checkFraction('validation', fractions.val);
  checkFraction('test', fractions.test);
  const nVal = countOf(size, fractions.val);
  const nTest = countOf(size, fractions.test);
  const nTrain = size - nVal - nTest;
  if (nTrain < 1)
    throw new DataError(
      `a split of ${fractions.val} validation and ${fractions.test} test leaves no training sample out of ${size}`,
    );
  const order = shuffledIndices(size, seed);
  return {
    train: order.slice(0, nTrain),
    ...(nVal > 0 ? { val: order.slice(nTrain, nTrain + nVal) } : {}),
    ...(nTest > 0 ? { test: order.slice(nTrain + nVal) } : {}),
  };
}
