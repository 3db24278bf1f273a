/**
 * Algorithmic sequence tasks on token ids (x [T] int64): copy, reverse, sort and addition give a target
 * token per position (y [T] int64); parity and bracket matching give one class per sequence (y [] int64).
 * Token strings are in info.vocab; where a task pads, the padding token `<pad>` has id 0, so a
 * CrossEntropyLoss with ignore_index 0 skips it.
 */
import type { Rng } from '../../../graph-core';
import type { DatasetInfo, SplitFractions } from '../dataset';
import { generatedDataset, type Generated } from './generated';
import type { BuiltinDataset } from './types';

const SPLIT: SplitFractions = { val: 0.1, test: 0.1 };
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const PAD = '<pad>';

/** Sequence length of copy, reverse and sort. */
export const DIGIT_LENGTH = 8;

function tokens(t: number, yShape: number[], x: Int32Array, y: Int32Array): Generated {
  return {
    inputs: { x: { shape: [t], dtype: 'int64' } },
    targets: { y: { shape: yShape, dtype: 'int64' } },
    arrays: { x, y },
  };
}

/** A digit task: x is DIGIT_LENGTH random digits (token id = digit), y = transform(x). */
function digitTask(info: Omit<DatasetInfo, 'origin' | 'vocab' | 'defaultSplit'>, transform: (seq: number[]) => number[]): BuiltinDataset {
  const T = DIGIT_LENGTH;
  return generatedDataset({ ...info, origin: 'generated', vocab: DIGITS, defaultSplit: SPLIT }, 4000, (n, rng) => {
    const x = new Int32Array(n * T);
    const y = new Int32Array(n * T);
    for (let i = 0; i < n; i++) {
      const seq = Array.from({ length: T }, () => rng.int(10));
      x.set(seq, i * T);
      y.set(transform(seq), i * T);
    }
    return tokens(T, [T], x, y);
  });
}

export const copy = digitTask(
  {
    name: 'copy',
    title: 'Copy',
    description: `Read ${DIGIT_LENGTH} random digits and output the same digits, one per position. The simplest test that a sequence model passes information along.`,
    lecture: 'Recurrent networks and memory',
    task: 'sequence-labelling',
  },
  (s) => s,
);

export const reverse = digitTask(
  {
    name: 'reverse',
    title: 'Reverse',
    description: `Output ${DIGIT_LENGTH} random digits in reverse order. The first output depends on the last input, so a left-to-right RNN struggles where attention does not.`,
    lecture: 'Sequence-to-sequence models and attention',
    task: 'sequence-to-sequence',
  },
  (s) => [...s].reverse(),
);

export const sort = digitTask(
  {
    name: 'sort',
    title: 'Sort',
    description: `Output ${DIGIT_LENGTH} random digits in ascending order. Each output depends on every input: a task for attention and Transformers.`,
    lecture: 'Attention and Transformers',
    task: 'sequence-to-sequence',
  },
  (s) => [...s].sort((a, b) => a - b),
);

/** Most digits of each operand of `addition`. */
export const ADD_DIGITS = 3;
/** Sequence length of `addition`: "999+999=" is 8 tokens. */
export const ADD_LENGTH = 2 * ADD_DIGITS + 2;
const ADD_VOCAB = [PAD, ...DIGITS, '+', '='];
const tokenId = (ch: string) => ADD_VOCAB.indexOf(ch);

/** A number of 1 to ADD_DIGITS digits, the digit count drawn first so that short numbers are common. */
function operand(rng: Rng): number {
  const digits = 1 + rng.int(ADD_DIGITS);
  return digits === 1 ? rng.int(10) : 10 ** (digits - 1) + rng.int(9 * 10 ** (digits - 1));
}

export const addition = generatedDataset(
  {
    name: 'addition',
    title: 'Addition of digit strings',
    description: `x is "a+b=" with a and b of 1 to ${ADD_DIGITS} digits, y is the digits of a + b; both padded with <pad> to ${ADD_LENGTH} tokens. Set ignore_index to 0 to skip the padding.`,
    lecture: 'Sequence-to-sequence models',
    origin: 'generated',
    task: 'sequence-to-sequence',
    vocab: ADD_VOCAB,
    defaultSplit: SPLIT,
  },
  5000,
  (n, rng) => {
    const T = ADD_LENGTH;
    const x = new Int32Array(n * T);
    const y = new Int32Array(n * T);
    for (let i = 0; i < n; i++) {
      const a = operand(rng);
      const b = operand(rng);
      [...`${a}+${b}=`].forEach((ch, j) => (x[i * T + j] = tokenId(ch)));
      [...`${a + b}`].forEach((ch, j) => (y[i * T + j] = tokenId(ch)));
    }
    return tokens(T, [T], x, y);
  },
);

/** Sequence length of `parity`. */
export const PARITY_LENGTH = 16;

export const parity = generatedDataset(
  {
    name: 'parity',
    title: 'Parity',
    description: `${PARITY_LENGTH} random bits; the class is whether the number of ones is even or odd. Every bit matters, which makes it hard for long sequences.`,
    lecture: 'Recurrent networks and long-range dependencies',
    origin: 'generated',
    task: 'classification',
    classNames: ['even', 'odd'],
    vocab: ['0', '1'],
    defaultSplit: SPLIT,
  },
  4000,
  (n, rng) => {
    const T = PARITY_LENGTH;
    const x = new Int32Array(n * T);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      let ones = 0;
      for (let j = 0; j < T; j++) {
        const bit = rng.int(2);
        x[i * T + j] = bit;
        ones += bit;
      }
      y[i] = ones % 2;
    }
    return tokens(T, [], x, y);
  },
);

/** Longest bracket string in `brackets`. */
export const BRACKET_LENGTH = 12;
const OPEN = 1;
const CLOSE = 2;

export function isBalanced(seq: readonly number[]): boolean {
  let depth = 0;
  for (const t of seq) {
    depth += t === OPEN ? 1 : -1;
    if (depth < 0) return false;
  }
  return depth === 0;
}

/** A random balanced string of `len` (even) brackets. */
function balanced(len: number, rng: Rng): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let left = len; left > 0; left--) {
    const open = depth === 0 ? true : depth === left ? false : rng.next() < 0.5;
    out.push(open ? OPEN : CLOSE);
    depth += open ? 1 : -1;
  }
  return out;
}

/** An unbalanced string of `len` (even) brackets: equal counts in a wrong order, or one bracket flipped. */
function unbalanced(len: number, rng: Rng): number[] {
  if (rng.next() < 0.4) {
    const s = balanced(len, rng);
    const j = rng.int(len);
    s[j] = s[j] === OPEN ? CLOSE : OPEN;
    return s;
  }
  for (;;) {
    const s = [...Array<number>(len / 2).fill(OPEN), ...Array<number>(len / 2).fill(CLOSE)];
    rng.shuffle(s);
    if (!isBalanced(s)) return s;
  }
}

export const brackets = generatedDataset(
  {
    name: 'brackets',
    title: 'Bracket matching',
    description: `Strings of 2 to ${BRACKET_LENGTH} round brackets (even lengths, padded with <pad>): are they balanced? Half are; the others have the same length and mostly equal counts, so counting alone is not enough.`,
    lecture: 'Recurrent networks: counting and stacks',
    origin: 'generated',
    task: 'classification',
    classNames: ['unbalanced', 'balanced'],
    vocab: [PAD, '(', ')'],
    defaultSplit: SPLIT,
  },
  4000,
  (n, rng) => {
    const T = BRACKET_LENGTH;
    const x = new Int32Array(n * T);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const ok = i % 2;
      const len = 2 * (1 + rng.int(T / 2));
      x.set(ok ? balanced(len, rng) : unbalanced(len, rng), i * T);
      y[i] = ok;
    }
    return tokens(T, [], x, y);
  },
);

export const sequenceTasks: readonly BuiltinDataset[] = [copy, reverse, sort, addition, parity, brackets];
