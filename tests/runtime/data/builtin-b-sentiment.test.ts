import { describe, expect, it } from 'vitest';
import { Rng } from '../../../graph-core';
import { builtins_b } from '../../../runtime/data/builtin/index-b';
import {
  NEGATIONS, NEGATIVE_ADJECTIVES, NEGATIVE_VERBS, POSITIVE_ADJECTIVES, POSITIVE_VERBS, SENTIMENT_LEN, randomReview, render, sentiment, sentimentVocab,
} from '../../../runtime/data/builtin/sentiment';
import { DataError } from '../../../runtime/data/errors';

const positiveWords = new Set([...POSITIVE_ADJECTIVES, ...POSITIVE_VERBS.flat()]);
const negativeWords = new Set([...NEGATIVE_ADJECTIVES, ...NEGATIVE_VERBS.flat()]);

describe('sentiment (templated, with negation)', () => {
  it('is registered with two classes', () => {
    expect(builtins_b).toContain(sentiment);
    expect(sentiment.info.classNames).toEqual(['negative', 'positive']);
    expect(sentiment.info.vocab![0]).toBe('<pad>');
  });

  it('has x [9] int64 padded on the left and y [] int64 in {0, 1}, about balanced', async () => {
    const ds = await sentiment.load({ seed: 1, size: 2000 });
    expect(ds.inputs).toEqual({ x: { shape: [SENTIMENT_LEN], dtype: 'int64' } });
    expect(ds.targets).toEqual({ y: { shape: [], dtype: 'int64' } });
    const { x, y } = ds.arrays as Record<string, Int32Array>;
    expect(x!.length).toBe(2000 * 9);
    expect(Math.max(...x!)).toBeLessThan(sentimentVocab.tokens.length);
    const positives = y!.reduce((n, v) => n + v, 0);
    expect(new Set(y)).toEqual(new Set([0, 1]));
    expect(positives).toBeGreaterThan(900);
    expect(positives).toBeLessThan(1100);
    for (let s = 0; s < ds.size; s++) {
      const row = Array.from(x!.subarray(s * 9, (s + 1) * 9));
      expect(row[8]).not.toBe(0);
      const firstWord = row.findIndex((v) => v !== 0);
      expect(row.slice(firstWord).every((v) => v !== 0)).toBe(true);
    }
  });

  it('labels every sentence positive XOR negated', async () => {
    const ds = await sentiment.load({ seed: 2, size: 2000 });
    const { x, y } = ds.arrays as Record<string, Int32Array>;
    let negatedCount = 0;
    for (let s = 0; s < ds.size; s++) {
      const words = Array.from(x!.subarray(s * 9, (s + 1) * 9), (id) => sentimentVocab.tokens[id]!);
      const pos = words.some((w) => positiveWords.has(w));
      const neg = words.some((w) => negativeWords.has(w));
      expect(pos !== neg).toBe(true);
      const negated = words.some((w) => NEGATIONS.includes(w));
      if (negated) negatedCount++;
      expect(y![s]).toBe(pos !== negated ? 1 : 0);
    }
    expect(negatedCount).toBeGreaterThan(800);
  });

  it('flips the label when only the negation changes', () => {
    const rng = new Rng(3);
    for (let i = 0; i < 300; i++) {
      const spec = randomReview(rng);
      const plain = render({ ...spec, negated: false });
      const negated = render({ ...spec, negated: true });
      expect(negated.label).toBe(1 - plain.label);
      expect(plain.label).toBe(spec.positive ? 1 : 0);
      expect(negated.words.length).toBeGreaterThan(plain.words.length);
      expect(negated.words.some((w) => NEGATIONS.includes(w))).toBe(true);
      expect(plain.words.some((w) => NEGATIONS.includes(w))).toBe(false);
    }
    const spec = { template: 0, positive: true, negated: true, subject: 1, opinion: 0, that: false, thing: 0, past: false, negation: 0, intensifier: 0, word: 0 } as const;
    expect(render(spec)).toEqual({ words: ['we', 'think', 'the', 'film', 'is', 'not', 'really', 'good'], label: 0 });
    expect(render({ ...spec, template: 2, negation: 0, word: 2 })).toEqual({ words: ['we', 'did', 'not', 'really', 'enjoy', 'the', 'film'], label: 0 });
    expect(render({ ...spec, template: 1, positive: false, negation: 1, past: true, intensifier: -1, word: 1 })).toEqual({
      words: ['the', 'film', 'was', 'never', 'boring'],
      label: 1,
    });
    expect(render({ ...spec, template: 3, negated: false, intensifier: -1, word: 4 })).toEqual({ words: ['it', 'is', 'an', 'excellent', 'film'], label: 1 });
  });

  it('is deterministic for a seed and refuses a bad size', async () => {
    const a = await sentiment.load({ seed: 4, size: 100 });
    const b = await sentiment.load({ seed: 4, size: 100 });
    const c = await sentiment.load({ seed: 5, size: 100 });
    expect(a.arrays).toEqual(b.arrays);
    expect(a.arrays.x).not.toEqual(c.arrays.x);
    await expect(sentiment.load({ seed: 4, size: 2.5 })).rejects.toThrow(DataError);
    await expect(sentiment.load({ seed: 4, size: -1 })).rejects.toThrow('sentiment: size must be a whole number of at least 1, got -1');
  });
});
