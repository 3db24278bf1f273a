import { describe, expect, it } from 'vitest';
import { builtins_b } from '../../../runtime/data/builtin/index-b';
import {
  CHARS_LEN, corpusCharVocab, corpusChars, corpusSkipgram, corpusWordVocab, generateCorpusSentences, generateCorpusText,
} from '../../../runtime/data/builtin/corpus';

describe('the generated corpus', () => {
  it('is deterministic text, one lowercase sentence per line, over the fixed vocabularies', () => {
    const text = generateCorpusText(11, 3000);
    expect(generateCorpusText(11, 3000)).toBe(text);
    expect(generateCorpusText(12, 3000)).not.toBe(text);
    const lines = text.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines.length).toBe(3000);
    expect(lines.filter((line) => !/^[a-z]+( [a-z]+)+\.$/.test(line))).toEqual([]);
    expect([...new Set(text)].filter((ch) => !corpusCharVocab.tokens.includes(ch))).toEqual([]);
    const words = new Set(generateCorpusSentences(11, 3000).flat());
    expect([...words].filter((w) => !corpusWordVocab.tokens.includes(w))).toEqual([]);
    // The grammar's royal, gendered and everyday words all occur.
    for (const w of ['king', 'queen', 'prince', 'princess', 'man', 'woman', 'boy', 'girl', 'his', 'her', 'crown', 'cow', 'bread', 'blue', 'castle']) {
      expect(words.has(w)).toBe(true);
    }
    expect(text).toMatch(/^the (wise|old|tall) king .*$/m);
  });
});

describe('corpus-skipgram', () => {
  it('is registered and has x [] and y [] int64 word ids', async () => {
    expect(builtins_b).toContain(corpusSkipgram);
    const ds = await corpusSkipgram.load({ seed: 1, size: 1000 });
    expect(ds.size).toBe(1000);
    expect(ds.inputs).toEqual({ x: { shape: [], dtype: 'int64' } });
    expect(ds.targets).toEqual({ y: { shape: [], dtype: 'int64' } });
    expect(Math.min(...ds.arrays.x!, ...ds.arrays.y!)).toBeGreaterThan(0);
    expect(Math.max(...ds.arrays.x!, ...ds.arrays.y!)).toBeLessThan(corpusWordVocab.tokens.length);
  });

  it('pairs each word with the words up to 2 positions away in its sentence', async () => {
    const ds = await corpusSkipgram.load({ seed: 6, size: 400 });
    const [first] = generateCorpusSentences(6, 1);
    const id = corpusWordVocab.id;
    const expected: [number, number][] = [];
    first!.forEach((w, c) => {
      for (let j = c - 2; j <= c + 2; j++) if (j !== c && j >= 0 && j < first!.length) expected.push([id(w), id(first![j]!)]);
    });
    const got = expected.map((_, k) => [ds.arrays.x![k], ds.arrays.y![k]]);
    expect(got).toEqual(expected);
  });

  it('is deterministic for a seed', async () => {
    const a = await corpusSkipgram.load({ seed: 2, size: 500 });
    const b = await corpusSkipgram.load({ seed: 2, size: 500 });
    const c = await corpusSkipgram.load({ seed: 3, size: 500 });
    expect(a.arrays).toEqual(b.arrays);
    expect(a.arrays.x).not.toEqual(c.arrays.x);
  });

  it('makes analogies learnable: king − man + woman ≈ queen in its co-occurrence statistics', async () => {
    const ds = await corpusSkipgram.load({ seed: 7 });
    expect(ds.size).toBe(100_000);
    const V = corpusWordVocab.tokens.length;
    const counts = new Float64Array(V * V);
    const row = new Float64Array(V);
    const col = new Float64Array(V);
    for (let i = 0; i < ds.size; i++) {
      const a = ds.arrays.x![i]!;
      const b = ds.arrays.y![i]!;
      counts[a * V + b]! += 1;
      row[a]! += 1;
      col[b]! += 1;
    }
    // Positive pointwise mutual information, normalised: the classic count-based word vectors.
    const vec = (w: string) => {
      const i = corpusWordVocab.id(w);
      const v = Array.from({ length: V }, (_, j) => {
        const c = counts[i * V + j]!;
        return c > 0 ? Math.max(0, Math.log((c * ds.size) / (row[i]! * col[j]!))) : 0;
      });
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const analogy = (a: string, b: string, c: string) => {
      const [va, vb, vc] = [vec(a), vec(b), vec(c)];
      const target = va.map((x, j) => x - vb[j]! + vc[j]!);
      let best = '';
      let bestScore = -Infinity;
      for (const w of corpusWordVocab.tokens) {
        if (w === '<pad>' || w === a || w === b || w === c || row[corpusWordVocab.id(w)] === 0) continue;
        const score = vec(w).reduce((s, x, j) => s + x * target[j]!, 0);
        if (score > bestScore) [best, bestScore] = [w, score];
      }
      return best;
    };
    expect(analogy('king', 'man', 'woman')).toBe('queen');
    expect(analogy('prince', 'boy', 'girl')).toBe('princess');
    expect(analogy('queen', 'woman', 'man')).toBe('king');
    expect(analogy('boy', 'man', 'king')).toBe('prince');
  });
});

describe('corpus-chars', () => {
  it('is registered and has x and y [32] int64 character ids, y = x shifted by one', async () => {
    expect(builtins_b).toContain(corpusChars);
    const ds = await corpusChars.load({ seed: 4, size: 300 });
    expect(ds.inputs).toEqual({ x: { shape: [CHARS_LEN], dtype: 'int64' } });
    expect(ds.targets).toEqual({ y: { shape: [CHARS_LEN], dtype: 'int64' } });
    const { x, y } = ds.arrays as Record<string, Int32Array>;
    expect(x!.length).toBe(300 * 32);
    expect(Math.min(...x!)).toBeGreaterThan(0);
    expect(Math.max(...x!)).toBeLessThan(corpusCharVocab.tokens.length);
    for (let i = 0; i + 1 < x!.length; i++) expect(y![i]).toBe(x![i + 1]);
    // The samples are consecutive pieces of the exported text for the same seed.
    const decoded = Array.from(x!, (c) => corpusCharVocab.tokens[c]).join('');
    expect(generateCorpusText(4, 400).startsWith(decoded)).toBe(true);
  });

  it('is deterministic for a seed', async () => {
    const a = await corpusChars.load({ seed: 2, size: 50 });
    const b = await corpusChars.load({ seed: 2, size: 50 });
    const c = await corpusChars.load({ seed: 3, size: 50 });
    expect(a.arrays).toEqual(b.arrays);
    expect(a.arrays.x).not.toEqual(c.arrays.x);
    expect(corpusChars.info.vocab!.slice(0, 4)).toEqual(['<pad>', '\n', ' ', '.']);
  });
});
