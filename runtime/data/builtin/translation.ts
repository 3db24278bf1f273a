/**
 * A toy English→French translation set with a small fixed vocabulary, made so that alignment matters:
 * - colour adjectives follow the noun in French, size adjectives precede it ("the big red car" → "la grande voiture rouge");
 * - determiners and adjectives agree with the noun's gender ("a black cat" → "un chat noir", "a black car" → "une voiture noire");
 * - negation wraps the verb ("does not see" → "ne voit pas", "n'" before a vowel), and a negated indefinite object takes "de"
 *   ("does not see a dog" → "ne voit pas de chien");
 * - tenses change the length: "saw" → "a vu" (1 → 2 words), "will see" → "verra" (2 → 1), "did not see" → "n' a pas vu".
 *
 * Inputs: `src` [Ts] English ids and `tgt_in` [Tt] the French sentence after `<bos>` (teacher forcing); target `y` [Tt] the
 * French sentence followed by `<eos>`, so y[t] = tgt_in[t + 1]. Every sequence is padded on the right with 0 (`<pad>`),
 * which the loss skips: use CrossEntropyLoss(ignore_index=0).
 */
import { Rng } from '../../../graph-core';
import type { Dataset } from '../dataset';
import { BOS, EOS, PAD, checkSize, makeVocab, pick, writePadded } from './lang';
import type { BuiltinDataset } from './types';

type Gender = 'm' | 'f';

interface Noun {
  readonly en: string;
  readonly fr: string;
  readonly g: Gender;
  readonly animate: boolean;
  readonly food: boolean;
}

const NOUNS: readonly Noun[] = [
  { en: 'car', fr: 'voiture', g: 'f', animate: false, food: false },
  { en: 'house', fr: 'maison', g: 'f', animate: false, food: false },
  { en: 'book', fr: 'livre', g: 'm', animate: false, food: false },
  { en: 'table', fr: 'table', g: 'f', animate: false, food: false },
  { en: 'flower', fr: 'fleur', g: 'f', animate: false, food: false },
  { en: 'dog', fr: 'chien', g: 'm', animate: true, food: false },
  { en: 'cat', fr: 'chat', g: 'm', animate: true, food: false },
  { en: 'horse', fr: 'cheval', g: 'm', animate: true, food: false },
  { en: 'boy', fr: 'garçon', g: 'm', animate: true, food: false },
  { en: 'girl', fr: 'fille', g: 'f', animate: true, food: false },
  { en: 'apple', fr: 'pomme', g: 'f', animate: false, food: true },
  { en: 'cake', fr: 'gâteau', g: 'm', animate: false, food: true },
  { en: 'bread', fr: 'pain', g: 'm', animate: false, food: true },
];

interface Adjective {
  readonly en: string;
  readonly m: string;
  readonly f: string;
}

/** Size adjectives: before the noun in both languages. */
const SIZES: readonly Adjective[] = [
  { en: 'big', m: 'grand', f: 'grande' },
  { en: 'small', m: 'petit', f: 'petite' },
];

/** Colour adjectives: before the noun in English, after it in French. */
const COLOURS: readonly Adjective[] = [
  { en: 'red', m: 'rouge', f: 'rouge' },
  { en: 'black', m: 'noir', f: 'noire' },
  { en: 'white', m: 'blanc', f: 'blanche' },
  { en: 'green', m: 'vert', f: 'verte' },
  { en: 'blue', m: 'bleu', f: 'bleue' },
];

interface Verb {
  /** English: 3rd person present, past, base form. */
  readonly en: readonly [string, string, string];
  /** French: present, past participle (with "a"), future. */
  readonly fr: readonly [string, string, string];
  /** The object must be food (and the subject animate). */
  readonly eats: boolean;
}

const VERBS: readonly Verb[] = [
  { en: ['sees', 'saw', 'see'], fr: ['voit', 'vu', 'verra'], eats: false },
  { en: ['likes', 'liked', 'like'], fr: ['aime', 'aimé', 'aimera'], eats: false },
  { en: ['follows', 'followed', 'follow'], fr: ['suit', 'suivi', 'suivra'], eats: false },
  { en: ['finds', 'found', 'find'], fr: ['trouve', 'trouvé', 'trouvera'], eats: false },
  { en: ['eats', 'ate', 'eat'], fr: ['mange', 'mangé', 'mangera'], eats: true },
];

type Tense = 'present' | 'past' | 'future';

interface NounPhrase {
  readonly noun: Noun;
  readonly definite: boolean;
  readonly size?: Adjective;
  readonly colour?: Adjective;
}

/** One sentence: subject, verb (tense, negation) and object. */
export interface ToySentence {
  readonly subject: NounPhrase;
  readonly verb: Verb;
  readonly tense: Tense;
  readonly negated: boolean;
  readonly object: NounPhrase;
}

function englishNp(np: NounPhrase): string[] {
  const words = [np.definite ? 'the' : 'a'];
  if (np.size) words.push(np.size.en);
  if (np.colour) words.push(np.colour.en);
  words.push(np.noun.en);
  return words;
}

/** French noun phrase; `partitive` (a negated indefinite object) uses "de" instead of un/une. */
function frenchNp(np: NounPhrase, partitive: boolean): string[] {
  const g = np.noun.g;
  const words = [np.definite ? (g === 'm' ? 'le' : 'la') : partitive ? 'de' : g === 'm' ? 'un' : 'une'];
  if (np.size) words.push(np.size[g]);
  words.push(np.noun.fr);
  if (np.colour) words.push(np.colour[g]);
  return words;
}

const startsWithVowel = (w: string) => /^[aeiouéèêàâîôû]/.test(w);

export function toEnglish(s: ToySentence): string[] {
  const [third, past, base] = s.verb.en;
  let verb: string[];
  if (s.tense === 'present') verb = s.negated ? ['does', 'not', base] : [third];
  else if (s.tense === 'past') verb = s.negated ? ['did', 'not', base] : [past];
  else verb = s.negated ? ['will', 'not', base] : ['will', base];
  return [...englishNp(s.subject), ...verb, ...englishNp(s.object)];
}

export function toFrench(s: ToySentence): string[] {
  const [present, participle, future] = s.verb.fr;
  let verb: string[];
  if (s.tense === 'past') verb = s.negated ? ["n'", 'a', 'pas', participle] : ['a', participle];
  else {
    const v = s.tense === 'present' ? present : future;
    verb = s.negated ? [startsWithVowel(v) ? "n'" : 'ne', v, 'pas'] : [v];
  }
  return [...frenchNp(s.subject, false), ...verb, ...frenchNp(s.object, s.negated && !s.object.definite)];
}

function randomNp(rng: Rng, nouns: readonly Noun[]): NounPhrase {
  const noun = pick(rng, nouns);
  const size = rng.next() < 0.35 ? pick(rng, SIZES) : undefined;
  const colour = rng.next() < 0.5 ? pick(rng, COLOURS) : undefined;
  return { noun, definite: rng.next() < 0.5, size, colour };
}

/** A random sentence of the toy grammar: only animate subjects eat, and they eat food. */
export function randomSentence(rng: Rng): ToySentence {
  const verb = pick(rng, VERBS);
  const subject = randomNp(rng, verb.eats ? NOUNS.filter((n) => n.animate) : NOUNS);
  const object = randomNp(rng, verb.eats ? NOUNS.filter((n) => n.food) : NOUNS);
  const tense = pick(rng, ['present', 'past', 'future'] as const);
  return { subject, verb, tense, negated: rng.next() < 0.35, object };
}

const EN_WORDS = ['the', 'a', 'does', 'did', 'will', 'not', ...SIZES.map((a) => a.en), ...COLOURS.map((a) => a.en), ...NOUNS.map((n) => n.en), ...VERBS.flatMap((v) => v.en)];
const FR_WORDS = [
  'le', 'la', 'un', 'une', 'de', 'ne', "n'", 'pas', 'a',
  ...SIZES.flatMap((a) => [a.m, a.f]), ...COLOURS.flatMap((a) => [a.m, a.f]), ...NOUNS.map((n) => n.fr), ...VERBS.flatMap((v) => v.fr),
];

/** One vocabulary for both languages: `<pad>` 0, `<bos>` 1, `<eos>` 2, then English words, then French words. */
export const translationVocab = makeVocab([...EN_WORDS, ...FR_WORDS], [PAD, BOS, EOS]);

/** Longest English sentence: 4-word noun phrases around "did not see". */
export const SRC_LEN = 11;
/** Longest French sentence ("n' a pas vu", 4 words, between 4-word noun phrases) plus `<bos>` or `<eos>`. */
export const TGT_LEN = 13;

/**
 * Translates an English sentence of the toy grammar (words separated by spaces) into French, e.g.
 * "the red car sees a dog" → "la voiture rouge voit un chien". Throws for a sentence outside the grammar.
 */
export function translate(english: string): string {
  const sentence = parseEnglish(english.trim().split(/\s+/));
  if (!sentence) throw new Error(`"${english}" is not a sentence of the toy grammar`);
  return toFrench(sentence).join(' ');
}

function parseNp(words: readonly string[], at: number): [NounPhrase, number] | undefined {
  const det = words[at];
  if (det !== 'the' && det !== 'a') return undefined;
  let i = at + 1;
  const size = SIZES.find((a) => a.en === words[i]);
  if (size) i++;
  const colour = COLOURS.find((a) => a.en === words[i]);
  if (colour) i++;
  const noun = NOUNS.find((n) => n.en === words[i]);
  if (!noun) return undefined;
  return [{ noun, definite: det === 'the', size, colour }, i + 1];
}

function parseEnglish(words: readonly string[]): ToySentence | undefined {
  const subj = parseNp(words, 0);
  if (!subj) return undefined;
  let i = subj[1];
  let tense: Tense;
  let negated = false;
  let verb: Verb | undefined;
  const w = words[i];
  if (w === 'does' || w === 'did' || w === 'will') {
    tense = w === 'does' ? 'present' : w === 'did' ? 'past' : 'future';
    i++;
    if (words[i] === 'not') {
      negated = true;
      i++;
    } else if (w !== 'will') return undefined;
    verb = VERBS.find((v) => v.en[2] === words[i]);
  } else {
    verb = VERBS.find((v) => v.en[0] === w);
    tense = 'present';
    if (!verb) {
      verb = VERBS.find((v) => v.en[1] === w);
      tense = 'past';
    }
  }
  if (!verb) return undefined;
  const obj = parseNp(words, i + 1);
  if (!obj || obj[1] !== words.length) return undefined;
  return { subject: subj[0], verb, tense, negated, object: obj[0] };
}

export const translation: BuiltinDataset = {
  info: {
    name: 'translation',
    title: 'Toy English → French translation',
    description:
      'Short English sentences and their French translations over a fixed vocabulary of ' +
      `${translationVocab.tokens.length} tokens. Word order and length differ: colours follow the noun, articles and adjectives agree ` +
      'with gender, "does not see" becomes "ne voit pas", "saw" becomes "a vu". Inputs src and tgt_in (<bos> + French), target y ' +
      '(French + <eos>); padding id 0 is ignored by CrossEntropyLoss(ignore_index=0).',
    lecture: 'Sequence-to-sequence models, attention and Transformers',
    origin: 'Generated by Layerloom from a small hand-written grammar (runtime/data/builtin/translation.ts); no external data.',
    task: 'sequence-to-sequence',
    vocab: translationVocab.tokens,
    defaultSplit: { val: 0.1, test: 0.1 },
  },
  defaultSize: 5000,
  load: async ({ seed, size }): Promise<Dataset> => {
    const n = checkSize('translation', size ?? translation.defaultSize);
    const rng = new Rng(seed);
    const src = new Int32Array(n * SRC_LEN);
    const tgtIn = new Int32Array(n * TGT_LEN);
    const y = new Int32Array(n * TGT_LEN);
    const id = translationVocab.id;
    for (let i = 0; i < n; i++) {
      const s = randomSentence(rng);
      const fr = toFrench(s).map(id);
      writePadded(src, i * SRC_LEN, SRC_LEN, toEnglish(s).map(id));
      writePadded(tgtIn, i * TGT_LEN, TGT_LEN, [id(BOS), ...fr]);
      writePadded(y, i * TGT_LEN, TGT_LEN, [...fr, id(EOS)]);
    }
    return {
      info: translation.info,
      size: n,
      inputs: { src: { shape: [SRC_LEN], dtype: 'int64' }, tgt_in: { shape: [TGT_LEN], dtype: 'int64' } },
      targets: { y: { shape: [TGT_LEN], dtype: 'int64' } },
      arrays: { src, tgt_in: tgtIn, y },
    };
  },
};
