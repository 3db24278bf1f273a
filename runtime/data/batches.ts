/**
 * Fixed-size batches: the samples named by an index array are gathered into one contiguous buffer per
 * array, batch-first, ready for onnxruntime. int64 arrays (stored as Int32Array) are widened to BigInt64Array.
 */
import { numelOf, type Dataset } from './dataset';
import { DataError } from './errors';

export type BatchData = Float32Array | BigInt64Array;

export interface Batch {
  /** One buffer per array: `size · numel(sample)` values, sample after sample. */
  readonly arrays: Readonly<Record<string, BatchData>>;
  /** Each array's full shape, batch first: `[size, …sample shape]`. */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** Samples in the batch, padding included. */
  readonly size: number;
  /** How many samples are real; the rest (only with `pad`) repeat earlier samples and should not be counted. */
  readonly real: number;
  /** The dataset index of every sample in the batch, padding included. */
  readonly indices: Int32Array;
}

export interface BatchOptions {
  /** Leave out a last batch that would be smaller than `batchSize`. */
  readonly dropLast?: boolean;
  /** Fill a short last batch by repeating samples from the start of `indices`; `real` says how many are real. */
  readonly pad?: boolean;
  /** Arrays to include; all inputs and targets by default. */
  readonly names?: readonly string[];
}

function checkOptions(ds: Dataset, batchSize: number, opts: BatchOptions): readonly string[] {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new DataError(`the batch size must be a whole number of at least 1, not ${batchSize}`);
  if (opts.dropLast && opts.pad) throw new DataError('choose either dropLast or pad for the last batch, not both');
  const names = opts.names ?? [...Object.keys(ds.inputs), ...Object.keys(ds.targets)];
  for (const name of names)
    if (!ds.arrays[name] || !(ds.inputs[name] ?? ds.targets[name]))
      throw new DataError(`dataset '${ds.info.name}' has no array named '${name}'`);
  return names;
}

/** How many batches {@link batches} yields for `count` samples. */
export function batchCount(count: number, batchSize: number, opts: Pick<BatchOptions, 'dropLast'> = {}): number {
  return opts.dropLast ? Math.floor(count / batchSize) : Math.ceil(count / batchSize);
}

/** Gathers the samples at `indices` (every one a valid sample index) into one batch. */
export function gatherBatch(ds: Dataset, indices: Int32Array, names?: readonly string[], real = indices.length): Batch {
  const arrays: Record<string, BatchData> = {};
  const shapes: Record<string, readonly number[]> = {};
  const n = indices.length;
  for (const name of names ?? [...Object.keys(ds.inputs), ...Object.keys(ds.targets)]) {
    const spec = (ds.inputs[name] ?? ds.targets[name])!;
    const src = ds.arrays[name]!;
    const k = numelOf(spec);
    shapes[name] = [n, ...spec.shape];
    if (spec.dtype === 'int64') {
      const out = new BigInt64Array(n * k);
      for (let b = 0; b < n; b++) {
        const from = indices[b]! * k;
        for (let j = 0; j < k; j++) out[b * k + j] = BigInt(src[from + j]!);
      }
      arrays[name] = out;
    } else {
      const out = new Float32Array(n * k);
      for (let b = 0; b < n; b++) {
        const from = indices[b]! * k;
        out.set(src.subarray(from, from + k), b * k);
      }
      arrays[name] = out;
    }
  }
  return { arrays, shapes, size: n, real, indices };
}

/**
 * Yields batches of `batchSize` samples in the order of `indices`. The last batch is smaller unless
 * `dropLast` (leave it out) or `pad` (fill it up by repeating samples) is set.
 */
export function* batches(ds: Dataset, indices: Int32Array, batchSize: number, opts: BatchOptions = {}): Generator<Batch> {
  const names = checkOptions(ds, batchSize, opts);
  for (const i of indices)
    if (!Number.isInteger(i) || i < 0 || i >= ds.size) throw new DataError(`sample index ${i} is outside dataset '${ds.info.name}' (${ds.size} samples)`);
  for (let start = 0; start < indices.length; start += batchSize) {
    const real = Math.min(batchSize, indices.length - start);
    if (real < batchSize && opts.dropLast) return;
    let idx = indices.subarray(start, start + real);
    if (real < batchSize && opts.pad) {
      const padded = new Int32Array(batchSize);
      padded.set(idx);
      for (let j = real; j < batchSize; j++) padded[j] = indices[(j - real) % indices.length]!;
      idx = padded;
    } else idx = Int32Array.from(idx);
    yield gatherBatch(ds, idx, names, real);
  }
}
