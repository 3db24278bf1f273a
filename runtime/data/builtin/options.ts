/** Reading a built-in dataset's generator options: defaults filled in, unknown or bad values refused in one line. */
import type { Rng } from '../../../graph-core';
import type { Dataset, DatasetInfo } from '../dataset';
import { DataError } from '../errors';
import { rngFor, sizeOf, type Generated } from './generated';
import type { BuiltinDataset } from './types';

/** Refuses options the dataset does not have. */
export function checkOptionNames(dataset: string, raw: Readonly<Record<string, unknown>>, known: readonly string[]): void {
  const unknown = Object.keys(raw).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new DataError(
      `dataset '${dataset}': unknown option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (${known.length ? `it has ${known.join(', ')}` : 'it takes no options'})`,
    );
}

/** A number option within [min, max] (a whole number with `int`), or its default. */
export function numberOption(dataset: string, raw: Readonly<Record<string, unknown>>, key: string, fallback: number, o: { min: number; max: number; int?: boolean }): number {
  const v = raw[key] ?? fallback;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < o.min || v > o.max || (o.int && !Number.isInteger(v)))
    throw new DataError(`dataset '${dataset}': ${key} must be ${o.int ? 'a whole number' : 'a number'} from ${o.min} to ${o.max}, not ${JSON.stringify(v)}`);
  return v;
}

/**
 * A generated dataset with options: `generate(n, rng, options)` after the size and option names are checked.
 * `shapes` may depend on the options (e.g. a sequence length), so it is part of what generate returns.
 */
export function optionedDataset(
  info: DatasetInfo,
  defaultSize: number,
  optionNames: readonly string[],
  generate: (n: number, rng: Rng, options: Readonly<Record<string, unknown>>) => Generated,
): BuiltinDataset {
  return {
    info,
    defaultSize,
    optionNames,
    load: async (opts) => {
      const raw = opts.options ?? {};
      checkOptionNames(info.name, raw, optionNames);
      const size = sizeOf(info.name, opts, defaultSize);
      const g = generate(size, rngFor(info.name, opts.seed), raw);
      const ds: Dataset = { info, size, inputs: g.inputs, targets: g.targets, arrays: g.arrays };
      return ds;
    },
  };
}
