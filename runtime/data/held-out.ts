/**
 * A separate validation set: the training dataset and the validation dataset as one Dataset, the training
 * samples first. The trainer's `heldOut` (the validation set's size) then evaluates on the last samples and
 * trains on the others, so a model can be trained on one distribution and measured on another (e.g. centred
 * digits for training, randomly placed ones for validation).
 */
import type { ArrayData, Dataset } from './dataset';

export class HeldOutError extends Error {}

export function withValidationSet(train: Dataset, val: Dataset): { dataset: Dataset; heldOut: number } {
  for (const kind of ['inputs', 'targets'] as const) {
    const a = Object.keys(train[kind]).sort();
    const b = Object.keys(val[kind]).sort();
    if (a.join() !== b.join())
      throw new HeldOutError(`the validation dataset has ${kind} ${b.join(', ') || 'none'}, the training dataset ${a.join(', ') || 'none'}: they must match`);
    for (const name of a) {
      const s = train[kind][name]!;
      const v = val[kind][name]!;
      if (s.dtype !== v.dtype || s.shape.join() !== v.shape.join())
        throw new HeldOutError(`the validation dataset's "${name}" is ${v.dtype} [${v.shape.join(', ')}], the training dataset's ${s.dtype} [${s.shape.join(', ')}]: they must match`);
    }
  }
  if (val.size === 0) throw new HeldOutError('the validation dataset is empty');
  const arrays: Record<string, ArrayData> = {};
  for (const [name, a] of Object.entries(train.arrays)) {
    const b = val.arrays[name];
    if (!b) throw new HeldOutError(`the validation dataset has no data for "${name}"`);
    const joined = a instanceof Float32Array ? new Float32Array(a.length + b.length) : new Int32Array(a.length + b.length);
    joined.set(a);
    joined.set(b, a.length);
    arrays[name] = joined;
  }
  return { dataset: { ...train, size: train.size + val.size, arrays }, heldOut: val.size };
}
