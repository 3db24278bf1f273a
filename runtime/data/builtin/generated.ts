/** Shared plumbing of the generated (group a) built-in datasets: size checks and the Dataset record. */
import { Rng } from '../../../graph-core';
import type { ArrayData, ArraySpec, Dataset, DatasetInfo } from '../dataset';
import { DataError } from '../errors';
import type { BuiltinDataset, BuiltinOptions } from './types';

/** The number of samples to generate: `opts.size` or the default, checked to be a whole number ≥ 1. */
export function sizeOf(name: string, opts: BuiltinOptions, defaultSize: number): number {
  const n = opts.size ?? defaultSize;
  if (!Number.isInteger(n) || n < 1 || n > 10_000_000) throw new DataError(`dataset '${name}': the size must be a whole number from 1 to 10,000,000, not ${n}`);
  return n;
}

/** The generator for one dataset: a stream derived from the seed and the dataset's name. */
export function rngFor(name: string, seed: number): Rng {
  return new Rng(seed).fork(name);
}

export interface Generated {
  readonly inputs: Record<string, ArraySpec>;
  readonly targets: Record<string, ArraySpec>;
  readonly arrays: Record<string, ArrayData>;
}

/**
 * A built-in dataset from its metadata and a generator `(n, rng) → arrays`. Loading checks the size,
 * seeds the generator from (seed, name) and wraps the arrays as a Dataset.
 */
export function generatedDataset(info: DatasetInfo, defaultSize: number, generate: (n: number, rng: Rng) => Generated): BuiltinDataset {
  return {
    info,
    defaultSize,
    load: async (opts) => {
      const size = sizeOf(info.name, opts, defaultSize);
      const g = generate(size, rngFor(info.name, opts.seed));
      const ds: Dataset = { info, size, inputs: g.inputs, targets: g.targets, arrays: g.arrays };
      return ds;
    },
  };
}
