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

const progInfo: DatasetInfo = {
  name: 'progressions',
  title: 'Masked arithmetic progressions',
  description:
    'A class token (id 11) and then 8 terms a, a + d, a + 2d, … mod 10 (option length; a a random digit, d from 1 to 4, option max_step); each term is replaced by the mask token (id 10) with probability 0.15 (option mask_rate), at least one per sequence. y is the hidden digit at masked positions and −100 (ignored by CrossEntropyLoss) elsewhere: BERT-style masked-token prediction.',
  lecture: 'Self-supervised pre-training: masked-token prediction (BERT)',
  origin: 'generated',
  task: 'sequence-labelling',
  classNames: ids(10),
  vocab: [...ids(10), '<mask>', '<cls>'],
  defaultSplit: SPLIT,
};

export const MASK_ID = 10;
export const CLS_ID = 11;
const IGNORE = -100;

export const progressions = optionedDataset(progInfo, 20000, ['length', 'max_step', 'mask_rate'], (n, rng, options) => {
  const L = numberOption('progressions', options, 'length', 8, { min: 2, max: 100, int: true });
  const maxStep = numberOption('progressions', options, 'max_step', 4, { min: 1, max: 9, int: true });
  const rate = numberOption('progressions', options, 'mask_rate', 0.15, { min: 0.01, max: 1 });
  const T = L + 1;
  const x = new Int32Array(n * T);
  const y = new Int32Array(n * T).fill(IGNORE);
  for (let i = 0; i < n; i++) {
    const o = i * T;
    const a = rng.int(10);
    const d = 1 + rng.int(maxStep);
    x[o] = CLS_ID;
    let masked = 0;
    for (let t = 0; t < L; t++) {
      const v = (a + d * t) % 10;
      if (rng.next() < rate) {
        x[o + 1 + t] = MASK_ID;
        y[o + 1 + t] = v;
        masked++;
      } else x[o + 1 + t] = v;
    }
    if (masked === 0) {
      const t = rng.int(L);
      y[o + 1 + t] = x[o + 1 + t]!;
      x[o + 1 + t] = MASK_ID;
    }
  }
  return { inputs: { x: { shape: [T], dtype: 'int64' } }, targets: { y: { shape: [T], dtype: 'int64' } }, arrays: { x, y } };
});

const reverseInfo: DatasetInfo = {
  name: 'reverse-seq2seq',
  title: 'Reverse digit strings (seq2seq)',
  description:
    'Random digit strings of 4 to 12 digits (options min_length, max_length) and the same digits reversed, in the form of an ' +
    'encoder–decoder: src is the string, tgt_in is <bos> + the reversed string (teacher forcing), y is the reversed string + <eos>. ' +
    'Token ids: <pad> 0, <bos> 1, <eos> 2, digit d is d + 3; every sequence is padded on the right with 0, which ' +
    'CrossEntropyLoss(ignore_index=0) skips. The first output depends on the last input: the task that shows why attention helps.',
  lecture: 'Sequence-to-sequence models: the fixed-context bottleneck and Luong attention',
  origin: 'generated',
  task: 'sequence-to-sequence',
  vocab: ['<pad>', '<bos>', '<eos>', ...ids(10)],
  defaultSplit: { val: 0.1, test: 0 },
};

/** Token ids of reverse-seq2seq: digit d is d + REVERSE_DIGIT0. */
export const REVERSE_BOS = 1;
export const REVERSE_EOS = 2;
export const REVERSE_DIGIT0 = 3;

export const reverseSeq2seq = optionedDataset(reverseInfo, 6000, ['min_length', 'max_length'], (n, rng, options) => {
  const hi = numberOption('reverse-seq2seq', options, 'max_length', 12, { min: 1, max: 200, int: true });
  const lo = numberOption('reverse-seq2seq', options, 'min_length', Math.min(4, hi), { min: 1, max: hi, int: true });
  const S = hi;
  const T = hi + 1;
  const src = new Int32Array(n * S);
  const tgtIn = new Int32Array(n * T);
  const y = new Int32Array(n * T);
  for (let i = 0; i < n; i++) {
    const L = lo + rng.int(hi - lo + 1);
    const s = Array.from({ length: L }, () => REVERSE_DIGIT0 + rng.int(10));
    const r = [...s].reverse();
    src.set(s, i * S);
    tgtIn.set([REVERSE_BOS, ...r], i * T);
    y.set([...r, REVERSE_EOS], i * T);
  }
  return {
    inputs: { src: { shape: [S], dtype: 'int64' }, tgt_in: { shape: [T], dtype: 'int64' } },
    targets: { y: { shape: [T], dtype: 'int64' } },
    arrays: { src, tgt_in: tgtIn, y },
  };
});
