/**
 * Helpers shared by the built-in language toys: vocabularies with fixed special tokens and padded encoding.
 * Token id 0 is always `<pad>`; the losses ignore it (CrossEntropyLoss(ignore_index=0)).
 */
import { dataError } from '../errors';

export const PAD = '<pad>';
export const BOS = '<bos>';
export const EOS = '<eos>';

export interface Vocab {
  /** Token strings, index = id. `tokens[0]` is `<pad>`. */
  readonly tokens: readonly string[];
  /** The id of a token; throws for a token the vocabulary lacks (a bug in a generator, never user input). */
  readonly id: (token: string) => number;
}

/** A vocabulary of `specials` (starting with `<pad>`) followed by `words` in first-seen order, without repeats. */
export function makeVocab(words: Iterable<string>, specials: readonly string[] = [PAD]): Vocab {
  if (specials[0] !== PAD) throw new Error('a vocabulary must start with <pad>');
  const tokens: string[] = [];
  const ids = new Map<string, number>();
  for (const w of [...specials, ...words]) {
    if (ids.has(w)) continue;
    ids.set(w, tokens.length);
    tokens.push(w);
  }
  return {
    tokens,
    id: (token) => {
      const i = ids.get(token);
      if (i === undefined) throw new Error(`token "${token}" is not in the vocabulary`);
      return i;
    },
  };
}

/**
 * Writes `ids` into `out[offset .. offset+len)`, filling the rest with 0 (`<pad>`), either after the tokens
 * (`right`) or before them (`left`, so a recurrent network reads the sentence last).
 */
export function writePadded(out: Int32Array, offset: number, len: number, ids: readonly number[], side: 'left' | 'right' = 'right'): void {
  if (ids.length > len) throw new Error(`sequence of ${ids.length} tokens does not fit in ${len}`);
  const start = side === 'right' ? offset : offset + len - ids.length;
  out.fill(0, offset, offset + len);
  for (let i = 0; i < ids.length; i++) out[start + i] = ids[i]!;
}

/** One uniformly chosen element of a non-empty list. */
export function pick<T>(rng: { int(n: number): number }, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** Checks a requested sample count: a whole number from 1 to `max`, else a DataError naming the dataset. */
export function checkSize(name: string, size: number, max = 10_000_000): number {
  if (!Number.isInteger(size) || size < 1) throw dataError(name, undefined, `size must be a whole number of at least 1, got ${size}`);
  if (size > max) throw dataError(name, undefined, `size ${size} is more than the ${max} samples it can give`);
  return size;
}
