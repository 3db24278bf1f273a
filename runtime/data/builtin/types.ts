/** What a built-in dataset is: metadata plus a seeded generator (or loader) that needs no network. */
import type { Dataset, DatasetInfo } from '../dataset';

export interface BuiltinOptions {
  /** Same seed, same samples. */
  readonly seed: number;
  /** Number of samples; each dataset has a sensible default. */
  readonly size?: number;
  /** Generator options (a graph's training.dataset_options); datasets without options refuse any. */
  readonly options?: Readonly<Record<string, unknown>>;
}

export interface BuiltinDataset {
  readonly info: DatasetInfo;
  /** Default number of samples. */
  readonly defaultSize: number;
  /** Names of the generator options it accepts (BuiltinOptions.options), if any. */
  readonly optionNames?: readonly string[];
  /** Generates (or loads from a bundled package) the samples. Deterministic for a given seed and size. */
  readonly load: (opts: BuiltinOptions) => Promise<Dataset>;
}
