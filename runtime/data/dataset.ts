/**
 * The Dataset interface: an in-memory table of samples with named arrays, shared by the built-in
 * generators, the importers (CSV, image folders, text, npz), the trainer and the data previews.
 *
 * Storage is columnar: each named array holds every sample back to back (sample i starts at
 * i · numel(spec.shape)). float32 arrays are Float32Array; int64 arrays (token ids, class labels) are kept
 * as Int32Array and widened to BigInt64Array only when a batch is handed to onnxruntime.
 */

export type DataDType = 'float32' | 'int64';

export interface ArraySpec {
  /** Shape of one sample, without the batch dimension. `[]` is a scalar per sample. */
  readonly shape: readonly number[];
  readonly dtype: DataDType;
}

export type ArrayData = Float32Array | Int32Array;

export type Task = 'classification' | 'regression' | 'sequence-labelling' | 'sequence-to-sequence' | 'language-model' | 'generative';

export interface SplitFractions {
  /** Fraction of the samples held out for validation. */
  readonly val: number;
  /** Fraction held out for the final test. */
  readonly test: number;
}

export interface DatasetInfo {
  /** Stable id, e.g. `spirals`, or the file name for imports. */
  readonly name: string;
  readonly title: string;
  /** One or two sentences for the dataset picker. */
  readonly description: string;
  /** The lecture topic it serves. */
  readonly lecture?: string;
  /** Where the data comes from (generator, package and licence, or the user's file). */
  readonly origin: string;
  readonly task: Task;
  /** Names of the classes, index = label value. */
  readonly classNames?: readonly string[];
  /** Token strings, index = token id, for text and sequence datasets. */
  readonly vocab?: readonly string[];
  readonly defaultSplit: SplitFractions;
}

export interface Dataset {
  readonly info: DatasetInfo;
  readonly size: number;
  /** Model inputs, by name. A single input is called `x`. */
  readonly inputs: Readonly<Record<string, ArraySpec>>;
  /** Targets, by name. A single target is called `y`. */
  readonly targets: Readonly<Record<string, ArraySpec>>;
  /** The data of every input and target, by name. */
  readonly arrays: Readonly<Record<string, ArrayData>>;
}

export function numelOf(spec: ArraySpec): number {
  return spec.shape.reduce((a, b) => a * b, 1);
}

export function specOf(ds: Dataset, name: string): ArraySpec | undefined {
  return ds.inputs[name] ?? ds.targets[name];
}
