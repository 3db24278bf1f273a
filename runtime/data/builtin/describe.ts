/**
 * A description of every built-in dataset for listings (`layerloom data list`, docs/datasets.md): the
 * metadata plus the shapes, which are read from a small sample of the dataset.
 */
import type { ArraySpec, SplitFractions, Task } from '../dataset';
import type { BuiltinDataset } from './types';

export interface BuiltinDescription {
  readonly name: string;
  readonly title: string;
  readonly task: Task;
  readonly description: string;
  readonly lecture?: string;
  readonly origin: string;
  readonly inputs: Readonly<Record<string, ArraySpec>>;
  readonly targets: Readonly<Record<string, ArraySpec>>;
  readonly classNames?: readonly string[];
  readonly vocabSize?: number;
  readonly defaultSize: number;
  readonly defaultSplit: SplitFractions;
}

/** Loads a few samples (seed 0) to learn the shapes and describes the dataset. */
export async function describeBuiltin(b: BuiltinDataset): Promise<BuiltinDescription> {
  const ds = await b.load({ seed: 0, size: Math.min(b.defaultSize, 16) });
  const info = b.info;
  return {
    name: info.name,
    title: info.title,
    task: info.task,
    description: info.description,
    ...(info.lecture ? { lecture: info.lecture } : {}),
    origin: info.origin,
    inputs: ds.inputs,
    targets: ds.targets,
    ...(info.classNames ? { classNames: info.classNames } : {}),
    ...(info.vocab ? { vocabSize: info.vocab.length } : {}),
    defaultSize: b.defaultSize,
    defaultSplit: info.defaultSplit,
  };
}

/** `[1, 28, 28] float32` */
export function specText(spec: ArraySpec): string {
  return `[${spec.shape.join(', ')}] ${spec.dtype}`;
}

/** `x [2] float32`, or `a [8] int64, b [8] int64` for several arrays. */
export function arraysText(specs: Readonly<Record<string, ArraySpec>>): string {
  const entries = Object.entries(specs);
  return entries.length === 0 ? '—' : entries.map(([name, s]) => `${name} ${specText(s)}`).join(', ');
}

/** `70 / 15 / 15` (percent train / validation / test). */
export function splitText(split: SplitFractions): string {
  const pct = (f: number) => String(Math.round(f * 1000) / 10);
  return `${pct(1 - split.val - split.test)} / ${pct(split.val)} / ${pct(split.test)}`;
}
