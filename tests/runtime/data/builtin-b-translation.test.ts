import { describe, expect, it } from 'vitest';
import { Rng } from '../../../graph-core';
import { builtins_b } from '../../../runtime/data/builtin/index-b';
import { SRC_LEN, TGT_LEN, randomSentence, toEnglish, toFrench, translate, translation, translationVocab } from '../../../runtime/data/builtin/translation';

const vocab = translationVocab.tokens;
const words = (ids: ArrayLike<number>) => Array.from(ids, (i) => vocab[i]!).filter((w) => w !== '<pad>');

describe('translation (toy English → French)', () => {
  it('is registered, with <pad> 0, <bos> 1, <eos> 2 in its vocabulary', () => {
    expect(builtins_b).toContain(translation);
    expect(vocab.slice(0, 3)).toEqual(['<pad>', '<bos>', '<eos>']);
    expect(new Set(vocab).size).toBe(vocab.length);
    expect(translation.info.task).toBe('sequence-to-sequence');
    expect(translation.info.description).toContain('ignore_index=0');
  });

  it('translates with French word order, gender agreement, negation and tenses', () => {
    expect(translate('the red car sees a dog')).toBe('la voiture rouge voit un chien');
    expect(translate('a black cat sees a black car')).toBe('un chat noir voit une voiture noire');
    expect(translate('the big white horse likes the small green house')).toBe('le grand cheval blanc aime la petite maison verte');
    expect(translate('the boy does not see the girl')).toBe('le garçon ne voit pas la fille');
    expect(translate('the girl does not like a cake')).toBe("la fille n' aime pas de gâteau");
    expect(translate('the dog saw a cat')).toBe('le chien a vu un chat');
    expect(translate('the big black cat did not see a small dog')).toBe("le grand chat noir n' a pas vu de petit chien");
    expect(translate('a girl will eat the bread')).toBe('une fille mangera le pain');
    expect(translate('a girl will not eat the bread')).toBe('une fille ne mangera pas le pain');
    expect(() => translate('the dog sees')).toThrow('is not a sentence of the toy grammar');
  });

  it('has src [11], tgt_in [13] and y [13] int64 with every id in the vocabulary', async () => {
    const ds = await translation.load({ seed: 3, size: 300 });
    expect(ds.size).toBe(300);
    expect(ds.inputs).toEqual({ src: { shape: [SRC_LEN], dtype: 'int64' }, tgt_in: { shape: [TGT_LEN], dtype: 'int64' } });
    expect(ds.targets).toEqual({ y: { shape: [TGT_LEN], dtype: 'int64' } });
    expect([SRC_LEN, TGT_LEN]).toEqual([11, 13]);
    expect(ds.arrays.src!.length).toBe(300 * 11);
    expect(ds.arrays.tgt_in!.length).toBe(300 * 13);
    for (const name of ['src', 'tgt_in', 'y']) {
      const a = ds.arrays[name]!;
      expect(a).toBeInstanceOf(Int32Array);
      expect(Math.min(...a)).toBe(0);
      expect(Math.max(...a)).toBeLessThan(vocab.length);
    }
  });

  it('aligns targets: tgt_in = <bos> + French, y = French + <eos>, y[t] = tgt_in[t + 1], then padding', async () => {
    const ds = await translation.load({ seed: 4, size: 500 });
    const { src, tgt_in: tin, y } = ds.arrays as Record<string, Int32Array>;
    let lengthsDiffer = 0;
    for (let i = 0; i < ds.size; i++) {
      const t = tin!.subarray(i * TGT_LEN, (i + 1) * TGT_LEN);
      const target = y!.subarray(i * TGT_LEN, (i + 1) * TGT_LEN);
      const english = words(src!.subarray(i * SRC_LEN, (i + 1) * SRC_LEN));
      const french = words(target).slice(0, -1);
      expect(t[0]).toBe(1);
      expect(target[french.length]).toBe(2);
      for (let k = 0; k < TGT_LEN - 1; k++) if (t[k + 1] !== 0) expect(target[k]).toBe(t[k + 1]);
      // Padding only after the sentence, and the padded positions agree.
      for (let k = french.length + 1; k < TGT_LEN; k++) {
        expect(target[k]).toBe(0);
        expect(t[k]).toBe(0);
      }
      // The French side is the translation of the English side.
      expect(french.join(' ')).toBe(translate(english.join(' ')));
      if (english.length !== french.length) lengthsDiffer++;
    }
    // Tenses make lengths differ ("saw" → "a vu", "will see" → "verra").
    expect(lengthsDiffer).toBeGreaterThan(100);
  });

  it('is deterministic for a seed', async () => {
    const a = await translation.load({ seed: 9, size: 200 });
    const b = await translation.load({ seed: 9, size: 200 });
    const c = await translation.load({ seed: 10, size: 200 });
    expect(a.arrays).toEqual(b.arrays);
    expect(a.arrays.src).not.toEqual(c.arrays.src);
    expect(translation.defaultSize).toBe(5000);
    expect((await translation.load({ seed: 9 })).size).toBe(5000);
  });

  it('keeps eating for animate subjects and food', () => {
    const rng = new Rng(2);
    for (let i = 0; i < 500; i++) {
      const s = randomSentence(rng);
      const en = toEnglish(s);
      expect(en.length).toBeLessThanOrEqual(SRC_LEN);
      expect(toFrench(s).length).toBeLessThanOrEqual(TGT_LEN - 1);
      if (s.verb.eats) {
        expect(s.subject.noun.animate).toBe(true);
        expect(s.object.noun.food).toBe(true);
      }
    }
  });
});
