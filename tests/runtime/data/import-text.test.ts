import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { buildVocab, importText, tokenize } from '../../../runtime/data/import/text';
import { loadDatasetFile, type ImportOptions } from '../../../runtime/data/node/load-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-text-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(name: string, text: string, opts?: ImportOptions) {
  const path = join(dir, name);
  await writeFile(path, text);
  return loadDatasetFile(path, opts);
}

async function failure(name: string, text: string, opts?: ImportOptions): Promise<string> {
  try {
    await load(name, text, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replaceAll(`${dir}/`, '');
  }
  throw new Error('expected a DataError');
}

const rows = (a: ArrayLike<number>, t: number) => Array.from({ length: a.length / t }, (_, i) => Array.from(a).slice(i * t, (i + 1) * t));

describe('text import', () => {
  it('tokenises characters, orders the vocabulary by frequency and makes next-token windows', async () => {
    const ds = await load('abc.txt', 'abcabcab\n', { seqLen: 3, stride: 2 });
    // counts: a 3, b 3, c 2, \n 1 → <pad>, <unk>, a, b, c, \n
    expect(ds.info.vocab).toEqual(['<pad>', '<unk>', 'a', 'b', 'c', '\n']);
    expect(ds.info.task).toBe('language-model');
    expect(ds.inputs.x).toEqual({ shape: [3], dtype: 'int64' });
    expect(ds.targets.y).toEqual({ shape: [3], dtype: 'int64' });
    // stream a b c a b c a b \n = 2 3 4 2 3 4 2 3 5 (9 tokens): starts 0, 2, 4 (⌊(9 − 1 − 3) / 2⌋ + 1 = 3)
    expect(ds.size).toBe(3);
    expect(rows(ds.arrays.x!, 3)).toEqual([
      [2, 3, 4],
      [4, 2, 3],
      [3, 4, 2],
    ]);
    expect(rows(ds.arrays.y!, 3)).toEqual([
      [3, 4, 2],
      [2, 3, 4],
      [4, 2, 3],
    ]);
    expect(ds.arrays.x).toBeInstanceOf(Int32Array);
    expect(ds.warnings).toEqual([]);
  });

  it('tokenises words (lower-cased, punctuation apart) in a .md file, with non-overlapping windows by default', async () => {
    expect(tokenize("Don't stop, the well-known cat! 42", 'word')).toEqual(["don't", 'stop', ',', 'the', 'well-known', 'cat', '!', '42']);
    const ds = await load('notes.md', 'The cat sat. The cat ran. The dog sat.', { tokenize: 'word', seqLen: 4 });
    // tokens: the cat sat . the cat ran . the dog sat . (12); the 3, . 3, cat 2, sat 2, dog 1, ran 1
    expect(ds.info.vocab).toEqual(['<pad>', '<unk>', '.', 'the', 'cat', 'sat', 'dog', 'ran']);
    expect(ds.size).toBe(2); // ⌊(12 − 1 − 4) / 4⌋ + 1
    expect(rows(ds.arrays.x!, 4)).toEqual([
      [3, 4, 5, 2],
      [3, 4, 7, 2],
    ]);
    expect(rows(ds.arrays.y!, 4)).toEqual([
      [4, 5, 2, 3],
      [4, 7, 2, 3],
    ]);
  });

  it('limits the vocabulary and maps the rarest tokens to <unk> (id 1)', async () => {
    const ds = await load('limit.txt', 'aaaabbbcc d', { seqLen: 4, stride: 1, vocabSize: 4 });
    expect(ds.info.vocab).toEqual(['<pad>', '<unk>', 'a', 'b']);
    const x = Array.from(ds.arrays.x!);
    expect(x.slice(0, 4)).toEqual([2, 2, 2, 2]);
    expect(ds.size).toBe(7); // 11 tokens, windows of 4 with stride 1
    expect(Array.from(ds.arrays.y!).slice(24)).toEqual([1, 1, 1, 1]); // c c ' ' d are all <unk>
    expect(ds.warnings).toEqual([`${join(dir, 'limit.txt')}: 3 rare tokens (4 of 11 in the text) are replaced by <unk>`]);
  });

  it('is deterministic and breaks frequency ties by code point', () => {
    expect(buildVocab(['z', 'y', 'x', 'y', 'z'], 10)).toEqual(['<pad>', '<unk>', 'y', 'z', 'x']);
    const a = importText('t.txt', 'the quick brown fox jumps over the lazy dog', { seqLen: 5, stride: 3 });
    const b = importText('t.txt', new TextEncoder().encode('the quick brown fox jumps over the lazy dog'), { seqLen: 5, stride: 3 });
    expect(Array.from(a.arrays.x!)).toEqual(Array.from(b.arrays.x!));
    expect(a.info.vocab).toEqual(b.info.vocab);
  });
});

describe('text import errors', () => {
  it('refuses an empty text', async () => {
    expect(await failure('empty.txt', '')).toBe('empty.txt: the file is empty');
    expect(await failure('spaces.txt', ' \n\t\n')).toBe('spaces.txt: the file is empty');
  });

  it('refuses a text shorter than one sequence', async () => {
    expect(await failure('short.txt', 'hello', { seqLen: 5 })).toBe(
      'short.txt: the text has 5 characters, but one sample needs 6 (the sequence length 5 plus the next token); use a shorter sequence length or a longer text',
    );
    expect(await failure('short.md', 'one two three', { tokenize: 'word' })).toBe(
      'short.md: the text has 3 words and marks, but one sample needs 17 (the sequence length 16 plus the next token); use a shorter sequence length or a longer text',
    );
  });

  it('refuses bad options and a file over the size limit', async () => {
    expect(await failure('opt.txt', 'hello world', { seqLen: 0 })).toBe('opt.txt: the sequence length must be a whole number of at least 1, not 0');
    expect(await failure('opt.txt', 'hello world', { seqLen: 3, stride: 1.5 })).toBe('opt.txt: the stride must be a whole number of at least 1, not 1.5');
    expect(await failure('opt.txt', 'hello world', { vocabSize: 2 })).toBe('opt.txt: the vocabulary size must be a whole number of at least 3, not 2');
    expect(await failure('big.txt', 'x'.repeat(5000), { maxBytes: 4096 })).toBe(
      'big.txt: the file is 4.9 KiB (5000 bytes), over the 4.0 KiB limit; raise the size limit to load it',
    );
  });
});
