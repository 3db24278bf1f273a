/**
 * Normalisation statistics (mean and standard deviation), computed on the training split only so that
 * nothing about the validation and test samples leaks into training, and their application to a dataset.
 *
 * Statistics are per feature (the last dimension) for `[F]` and `[T, F]` arrays, per channel (the first
 * dimension) for `[C, H, W]` images, or one pair over all values.
 */
import type { ArrayData, Dataset } from './dataset';
import { DataError } from './errors';

/** `feature`: one statistic per index of the last dimension; `channel`: per index of the first; `all`: one. */
export type NormalizeAxis = 'feature' | 'channel' | 'all';

export interface NormStats {
  /** The array the statistics belong to, e.g. `x`. */
  readonly name: string;
  readonly axis: NormalizeAxis;
  /** The per-sample shape the statistics were computed for. */
  readonly shape: readonly number[];
  readonly mean: Float32Array;
  /** Population standard deviation; a constant column gets 1, so it is only centred. */
  readonly std: Float32Array;
}

/** The default axis for an array of this per-sample shape: channels for rank 3 and more, features otherwise. */
export function defaultAxis(shape: readonly number[]): NormalizeAxis {
  return shape.length >= 3 ? 'channel' : 'feature';
}

/** For each element of one sample, the index of the statistic it uses. */
function groupOf(shape: readonly number[], axis: NormalizeAxis): { groups: number; of: (j: number) => number } {
  const k = shape.reduce((a, b) => a * b, 1);
  if (axis === 'all' || shape.length === 0) return { groups: 1, of: () => 0 };
  if (axis === 'feature') {
    const f = shape[shape.length - 1]!;
    return { groups: f, of: (j) => j % f };
  }
  const c = shape[0]!;
  const per = k / c;
  return { groups: c, of: (j) => Math.floor(j / per) };
}

function floatArray(ds: Dataset, name: string): { data: Float32Array; shape: readonly number[] } {
  const spec = ds.inputs[name] ?? ds.targets[name];
  const data = ds.arrays[name];
  if (!spec || !data) throw new DataError(`dataset '${ds.info.name}' has no array named '${name}'`);
  if (spec.dtype !== 'float32' || !(data instanceof Float32Array))
    throw new DataError(`'${name}' of dataset '${ds.info.name}' holds int64 ids or labels, which are not normalised`);
  return { data, shape: spec.shape };
}

/**
 * Mean and standard deviation of array `name` over the samples in `trainIndices` (the training split).
 * Sums are kept in float64.
 */
export function computeNormStats(
  ds: Dataset,
  trainIndices: Int32Array,
  opts: { readonly name?: string; readonly axis?: NormalizeAxis } = {},
): NormStats {
  const name = opts.name ?? 'x';
  const { data, shape } = floatArray(ds, name);
  if (trainIndices.length === 0) throw new DataError(`cannot compute normalisation statistics of '${ds.info.name}' from an empty training split`);
  const axis = opts.axis ?? defaultAxis(shape);
  const k = shape.reduce((a, b) => a * b, 1);
  const { groups, of } = groupOf(shape, axis);
  const sum = new Float64Array(groups);
  const count = new Float64Array(groups);
  for (const i of trainIndices) {
    const base = i * k;
    for (let j = 0; j < k; j++) {
      const g = of(j);
      sum[g]! += data[base + j]!;
      count[g]! += 1;
    }
  }
  const mean = new Float64Array(groups);
  for (let g = 0; g < groups; g++) mean[g] = sum[g]! / count[g]!;
  const sq = new Float64Array(groups);
  for (const i of trainIndices) {
    const base = i * k;
    for (let j = 0; j < k; j++) {
      const g = of(j);
      const d = data[base + j]! - mean[g]!;
      sq[g]! += d * d;
    }
  }
  const std = new Float32Array(groups);
  for (let g = 0; g < groups; g++) {
    const s = Math.sqrt(sq[g]! / count[g]!);
    std[g] = s > 1e-12 ? s : 1;
  }
  return { name, axis, shape: [...shape], mean: Float32Array.from(mean), std };
}

/** `(v − mean) / std` for every value of one array, into a new array. */
export function normalizeArray(data: Float32Array, stats: NormStats): Float32Array {
  const k = stats.shape.reduce((a, b) => a * b, 1);
  const { of } = groupOf(stats.shape, stats.axis);
  const out = new Float32Array(data.length);
  for (let j = 0; j < data.length; j++) {
    const g = of(j % k);
    out[j] = (data[j]! - stats.mean[g]!) / stats.std[g]!;
  }
  return out;
}

/** `v · std + mean`: turns normalised values (e.g. a regression prediction) back into data units. */
export function denormalizeArray(data: Float32Array, stats: NormStats): Float32Array {
  const k = stats.shape.reduce((a, b) => a * b, 1);
  const { of } = groupOf(stats.shape, stats.axis);
  const out = new Float32Array(data.length);
  for (let j = 0; j < data.length; j++) {
    const g = of(j % k);
    out[j] = data[j]! * stats.std[g]! + stats.mean[g]!;
  }
  return out;
}

/** A copy of the dataset whose array `stats.name` is normalised; every other array is shared. */
export function applyNormStats(ds: Dataset, stats: NormStats): Dataset {
  const { data, shape } = floatArray(ds, stats.name);
  if (shape.length !== stats.shape.length || shape.some((d, i) => d !== stats.shape[i]))
    throw new DataError(`the statistics are for [${stats.shape.join(', ')}] but '${stats.name}' of '${ds.info.name}' is [${shape.join(', ')}]`);
  const arrays: Record<string, ArrayData> = { ...ds.arrays, [stats.name]: normalizeArray(data, stats) };
  return { ...ds, arrays };
}
