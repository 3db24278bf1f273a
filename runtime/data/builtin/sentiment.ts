/**
 * A toy sentiment set from templated sentences with negation: "we think the film is not really good",
 * "the show was never boring", "i did not enjoy the play", "it is an awful song". The label is
 * positive XOR negated, so a bag of words cannot solve it: the model has to see "not" or "never" change the meaning.
 *
 * x: [T] word ids, padded with 0 on the left so a recurrent network reads the sentence last; y: 0 negative, 1 positive.
 */
import { Rng } from '../../../graph-core';
import type { Dataset } from '../dataset';
import { checkSize, makeVocab, writePadded } from './lang';
import type { BuiltinDataset } from './types';

export const POSITIVE_ADJECTIVES = ['good', 'great', 'fun', 'wonderful', 'excellent', 'lovely', 'brilliant', 'enjoyable'];
export const NEGATIVE_ADJECTIVES = ['bad', 'boring', 'awful', 'terrible', 'dull', 'poor', 'weak', 'horrible'];
/** Verbs as [past, base]. */
export const POSITIVE_VERBS: readonly (readonly [string, string])[] = [['liked', 'like'], ['loved', 'love'], ['enjoyed', 'enjoy']];
export const NEGATIVE_VERBS: readonly (readonly [string, string])[] = [['hated', 'hate'], ['disliked', 'dislike']];
export const NEGATIONS = ['not', 'never'];

const SUBJECTS = ['i', 'we', 'they', 'you'];
const OPINIONS: readonly (readonly [string, string])[] = [['think', 'is'], ['thought', 'was'], ['feel', 'is'], ['said', 'was']];
const THINGS = ['film', 'movie', 'book', 'show', 'meal', 'play', 'song', 'game'];
const INTENSIFIERS = ['really', 'very', 'quite', 'truly'];

/** Every choice behind one sentence; `render` turns it into words and a label. */
export interface ReviewSpec {
  /** 0: "we think (that) the film is …", 1: "the film was …", 2: "i (did not) like the film", 3: "it is (not) a … film". */
  readonly template: 0 | 1 | 2 | 3;
  readonly positive: boolean;
  readonly negated: boolean;
  /** Index into the word lists (taken modulo each list's length). */
  readonly subject: number;
  readonly opinion: number;
  readonly that: boolean;
  readonly thing: number;
  readonly past: boolean;
  readonly negation: number;
  /** -1 for none. */
  readonly intensifier: number;
  readonly word: number;
}

export function randomReview(rng: Rng): ReviewSpec {
  return {
    template: rng.int(4) as ReviewSpec['template'],
    positive: rng.next() < 0.5,
    negated: rng.next() < 0.5,
    subject: rng.int(SUBJECTS.length),
    opinion: rng.int(OPINIONS.length),
    that: rng.next() < 0.3,
    thing: rng.int(THINGS.length),
    past: rng.next() < 0.5,
    negation: rng.int(NEGATIONS.length),
    intensifier: rng.next() < 0.5 ? rng.int(INTENSIFIERS.length) : -1,
    word: rng.int(1 << 16),
  };
}

const at = <T>(items: readonly T[], i: number): T => items[i % items.length]!;

/** The sentence and its label (1 positive, 0 negative) = positive XOR negated. */
export function render(spec: ReviewSpec): { words: string[]; label: number } {
  const neg = at(NEGATIONS, spec.negation);
  const thing = at(THINGS, spec.thing);
  const intens = spec.intensifier >= 0 ? [at(INTENSIFIERS, spec.intensifier)] : [];
  const adj = at(spec.positive ? POSITIVE_ADJECTIVES : NEGATIVE_ADJECTIVES, spec.word);
  const copula = spec.past ? 'was' : 'is';
  let words: string[];
  switch (spec.template) {
    case 0: {
      const [think, be] = at(OPINIONS, spec.opinion);
      words = [at(SUBJECTS, spec.subject), think, ...(spec.that ? ['that'] : []), 'the', thing, be, ...(spec.negated ? [neg] : []), ...intens, adj];
      break;
    }
    case 1:
      words = ['the', thing, copula, ...(spec.negated ? [neg] : []), ...intens, adj];
      break;
    case 2: {
      const [past, base] = at(spec.positive ? POSITIVE_VERBS : NEGATIVE_VERBS, spec.word);
      // Only "really" and "truly" sit before a verb: "i really liked", "i did not truly enjoy".
      const adv = intens.filter((w) => w === 'really' || w === 'truly');
      const verb = !spec.negated ? [...adv, past] : neg === 'never' ? ['never', ...adv, past] : ['did', 'not', ...adv, base];
      words = [at(SUBJECTS, spec.subject), ...verb, 'the', thing];
      break;
    }
    case 3: {
      // "a quite good film" is not English: drop "quite" here.
      const adv = intens.filter((w) => w !== 'quite');
      const article = /^[aeiou]/.test(adv[0] ?? adj) ? 'an' : 'a';
      words = ['it', copula, ...(spec.negated ? ['not'] : []), article, ...adv, adj, thing];
      break;
    }
  }
  return { words, label: spec.positive !== spec.negated ? 1 : 0 };
}

/** Longest sentence: "we think that the film is not really good". */
export const SENTIMENT_LEN = 9;

export const sentimentVocab = makeVocab([
  ...SUBJECTS, ...OPINIONS.flat(), 'that', 'the', 'is', 'was', 'it', 'a', 'an', 'did', ...NEGATIONS, ...INTENSIFIERS, ...THINGS,
  ...POSITIVE_ADJECTIVES, ...NEGATIVE_ADJECTIVES, ...POSITIVE_VERBS.flat(), ...NEGATIVE_VERBS.flat(),
]);

export const sentiment: BuiltinDataset = {
  info: {
    name: 'sentiment',
    title: 'Toy sentiment with negation',
    description:
      'Templated opinions such as "we think the film is not really good" or "i did not enjoy the play", labelled negative (0) or ' +
      'positive (1) = positive word XOR negated. x is [9] word ids padded with 0 on the left; y the label.',
    lecture: 'Embeddings and recurrent networks: text classification',
    origin: 'Generated by Layerloom from sentence templates (runtime/data/builtin/sentiment.ts); no external data.',
    task: 'classification',
    classNames: ['negative', 'positive'],
    vocab: sentimentVocab.tokens,
    defaultSplit: { val: 0.1, test: 0.1 },
  },
  defaultSize: 4000,
  load: async ({ seed, size }): Promise<Dataset> => {
    const n = checkSize('sentiment', size ?? sentiment.defaultSize);
    const rng = new Rng(seed);
    const x = new Int32Array(n * SENTIMENT_LEN);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const { words, label } = render(randomReview(rng));
      writePadded(x, i * SENTIMENT_LEN, SENTIMENT_LEN, words.map(sentimentVocab.id), 'left');
      y[i] = label;
    }
    return {
      info: sentiment.info,
      size: n,
      inputs: { x: { shape: [SENTIMENT_LEN], dtype: 'int64' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};
