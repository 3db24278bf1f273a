/**
 * Token-sequence tasks from the lecture templates: remember the first token after T steps (long-term memory,
 * RNN vs LSTM) and duplicate detection (does this token occur elsewhere in the sequence? self-attention).
 * x is [T] int64 token ids; the token string of id k is "k".
 */
import type { DatasetInfo } from '../dataset';
import { numberOption, optionedDataset } from './options';

const SPLIT = { val: 0.2, test: 0 } as const;
const ids = (v: number) => Array.from({ length: v }, (_, i) => String(i));

const firstInfo: DatasetInfo = {
  name: 'first-token',
  title: 'Remember the first token',
  description:
    'Sequences of T random symbols from 8 (option length, default 30; option vocab); the class is the first symbol. The answer must be carried through every later step: a plain RNN forgets it at T = 30, an LSTM keeps it.',
  lecture: 'Long-term memory in recurrent networks: vanishing gradients, LSTM gates',
  origin: 'generated',
  task: 'classification',
  classNames: ids(8),
  vocab: ids(8),
  defaultSplit: SPLIT,
};

export const firstToken = optionedDataset(firstInfo, 5000, ['length', 'vocab'], (n, rng, options) => {
  const T = numberOption('first-token', options, 'length', 30, { min: 1, max: 1000, int: true });
  const V = numberOption('first-token', options, 'vocab', 8, { min: 2, max: 8, int: true });
  const x = new Int32Array(n * T);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < T; t++) x[i * T + t] = rng.int(V);
    y[i] = x[i * T]!;
  }
  return { inputs: { x: { shape: [T], dtype: 'int64' } }, targets: { y: { shape: [], dtype: 'int64' } }, arrays: { x, y } };
});

const dupInfo: DatasetInfo = {
  name: 'duplicates',
  title: 'Duplicate detection',
  description:
    'Sequences of 8 random symbols from 10 (options length, vocab); per position the label is 1 when the same symbol occurs at another position, else 0. Each token must compare itself with every other one: a task for self-attention.',
  lecture: 'Self-attention from scratch: queries, keys and values',
  origin: 'generated',
  task: 'sequence-labelling',
  classNames: ['unique', 'repeated'],
  vocab: ids(10),
  defaultSplit: SPLIT,
};

export const duplicates = optionedDataset(dupInfo, 5000, ['length', 'vocab'], (n, rng, options) => {
  const T = numberOption('duplicates', options, 'length', 8, { min: 2, max: 1000, int: true });
  const V = numberOption('duplicates', options, 'vocab', 10, { min: 2, max: 1000, int: true });
  const x = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  for (let i = 0; i < n; i++) {
    const o = i * T;
    for (let t = 0; t < T; t++) x[o + t] = rng.int(V);
    for (let t = 0; t < T; t++) {
      let seen = 0;
      for (let u = 0; u < T; u++) if (x[o + u] === x[o + t]) seen++;
      y[o + t] = seen > 1 ? 1 : 0;
    }
  }
  return { inputs: { x: { shape: [T], dtype: 'int64' } }, targets: { y: { shape: [T], dtype: 'int64' } }, arrays: { x, y } };
});
