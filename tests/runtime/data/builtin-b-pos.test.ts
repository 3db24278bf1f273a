import { describe, expect, it } from 'vitest';
import { Rng } from '../../../graph-core';
import { builtins_b } from '../../../runtime/data/builtin/index-b';
import { AMBIGUOUS_WORDS, POS_LEN, POS_TAGS, pos, posVocab, randomTaggedSentence } from '../../../runtime/data/builtin/pos';

describe('pos (toy part-of-speech tagging)', () => {
  it('is registered with tags as class names, padding tag 0', () => {
    expect(builtins_b).toContain(pos);
    expect(pos.info.classNames).toEqual(['<pad>', 'PRON', 'V', 'DET', 'ADJ', 'N', 'MOD', 'PREP']);
    expect(pos.info.vocab![0]).toBe('<pad>');
    expect(pos.info.task).toBe('sequence-labelling');
  });

  it('has x and y [12] int64, ids in range, words and tags padded together', async () => {
    const ds = await pos.load({ seed: 1, size: 400 });
    expect(ds.inputs).toEqual({ x: { shape: [12], dtype: 'int64' } });
    expect(ds.targets).toEqual({ y: { shape: [12], dtype: 'int64' } });
    const { x, y } = ds.arrays as Record<string, Int32Array>;
    expect(x!.length).toBe(400 * POS_LEN);
    expect(Math.max(...x!)).toBeLessThan(posVocab.tokens.length);
    expect(Math.max(...y!)).toBe(POS_TAGS.length - 1);
    for (let i = 0; i < x!.length; i++) expect(x![i] === 0).toBe(y![i] === 0);
    // Right padding: no word after the first pad.
    for (let s = 0; s < ds.size; s++) {
      const row = Array.from(x!.subarray(s * POS_LEN, (s + 1) * POS_LEN));
      const firstPad = row.indexOf(0);
      if (firstPad >= 0) expect(row.slice(firstPad).every((v) => v === 0)).toBe(true);
      expect(row[0]).not.toBe(0);
    }
  });

  it('uses every ambiguous word both as a noun and as a verb', async () => {
    const ds = await pos.load({ seed: 2 });
    const { x, y } = ds.arrays as Record<string, Int32Array>;
    const N = POS_TAGS.indexOf('N');
    const V = POS_TAGS.indexOf('V');
    for (const w of AMBIGUOUS_WORDS) {
      const id = posVocab.id(w);
      const tags = new Set<number>();
      for (let i = 0; i < x!.length; i++) if (x![i] === id) tags.add(y![i]!);
      expect([w, [...tags].sort()]).toEqual([w, [V, N].sort()]);
    }
  });

  it('tags by context: after a determiner an adjective or noun, after a modal a verb', () => {
    const rng = new Rng(5);
    let checked = 0;
    for (let i = 0; i < 1000; i++) {
      const s = randomTaggedSentence(rng);
      expect(s.length).toBeLessThanOrEqual(POS_LEN);
      expect(s.some((w) => w.tag === 'V')).toBe(true);
      for (let k = 0; k + 1 < s.length; k++) {
        if (s[k]!.tag === 'DET') expect(['ADJ', 'N']).toContain(s[k + 1]!.tag);
        if (s[k]!.tag === 'MOD') {
          expect(s[k + 1]!.tag).toBe('V');
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('is deterministic for a seed', async () => {
    const a = await pos.load({ seed: 8, size: 100 });
    const b = await pos.load({ seed: 8, size: 100 });
    const c = await pos.load({ seed: 9, size: 100 });
    expect(a.arrays).toEqual(b.arrays);
    expect(a.arrays.x).not.toEqual(c.arrays.x);
  });
});
