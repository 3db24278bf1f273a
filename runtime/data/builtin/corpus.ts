/**
 * A small English corpus written by Layerloom: sentences generated from a grammar with semantic categories
 * (people, animals, food, places, colours). People come in pairs that differ by gender, rank and age
 * (king/queen, prince/princess, man/woman, boy/girl), and each person sentence puts a word for each of the
 * three within two words of the person ("the wise king wears his crown", "the little girl feeds her cow"),
 * so a skip-gram model with window radius 2 learns king − man + woman ≈ queen.
 *
 * Two datasets use it: `corpus-skipgram` (word2vec pairs) and `corpus-chars` (a character language model).
 * The text generator is exported for the text importer and the templates.
 */
import { Rng } from '../../../graph-core';
import type { Dataset } from '../dataset';
import { checkSize, makeVocab, pick, writePadded } from './lang';
import type { BuiltinDataset } from './types';

interface Person {
  readonly word: string;
  readonly female: boolean;
  readonly royal: boolean;
  readonly young: boolean;
}

export const PEOPLE: readonly Person[] = [
  { word: 'king', female: false, royal: true, young: false },
  { word: 'queen', female: true, royal: true, young: false },
  { word: 'prince', female: false, royal: true, young: true },
  { word: 'princess', female: true, royal: true, young: true },
  { word: 'man', female: false, royal: false, young: false },
  { word: 'woman', female: true, royal: false, young: false },
  { word: 'boy', female: false, royal: false, young: true },
  { word: 'girl', female: true, royal: false, young: true },
];

/** Verb and the objects it takes, by rank: royal people rule and wear crowns, common people farm and cook. */
const ROYAL_DEEDS: readonly (readonly [string, readonly string[]])[] = [
  ['wears', ['crown', 'robe', 'jewels']],
  ['guards', ['castle', 'throne', 'treasure']],
  ['rules', ['kingdom', 'land', 'court']],
  ['visits', ['palace', 'castle', 'court']],
  ['commands', ['army', 'knights', 'guards']],
];
const COMMON_DEEDS: readonly (readonly [string, readonly string[]])[] = [
  ['feeds', ['cow', 'sheep', 'dog', 'horse']],
  ['sells', ['bread', 'apples', 'cheese', 'eggs']],
  ['ploughs', ['field', 'garden']],
  ['cleans', ['house', 'kitchen', 'cottage']],
  ['cooks', ['soup', 'bread', 'eggs', 'rice']],
];
const ADULT_WORDS = ['wise', 'old', 'tall'];
const YOUNG_WORDS = ['young', 'little', 'small'];
const MOODS = ['tired', 'happy', 'hungry', 'sad', 'proud'];
const ROYAL_HOMES = ['palace', 'castle'];
const COMMON_HOMES = ['village', 'cottage', 'farm'];

interface Animal {
  readonly word: string;
  readonly acts: readonly string[];
  readonly places: readonly string[];
  readonly eats: readonly string[];
}

const ANIMALS: readonly Animal[] = [
  { word: 'dog', acts: ['barks', 'runs', 'sleeps'], places: ['garden', 'house', 'field'], eats: ['meat', 'bones'] },
  { word: 'cat', acts: ['sleeps', 'hunts', 'purrs'], places: ['house', 'garden', 'barn'], eats: ['fish', 'mice'] },
  { word: 'horse', acts: ['runs', 'grazes', 'neighs'], places: ['field', 'barn', 'meadow'], eats: ['grass', 'hay', 'apples'] },
  { word: 'cow', acts: ['grazes', 'sleeps', 'moos'], places: ['field', 'meadow', 'barn'], eats: ['grass', 'hay'] },
  { word: 'sheep', acts: ['grazes', 'sleeps', 'runs'], places: ['meadow', 'field', 'barn'], eats: ['grass', 'hay'] },
  { word: 'bird', acts: ['sings', 'flies', 'nests'], places: ['forest', 'garden', 'tree'], eats: ['seeds', 'worms'] },
  { word: 'duck', acts: ['swims', 'quacks', 'flies'], places: ['river', 'lake', 'pond'], eats: ['seeds', 'bread'] },
  { word: 'fox', acts: ['hunts', 'hides', 'runs'], places: ['forest', 'woods', 'field'], eats: ['mice', 'eggs'] },
];
const ANIMAL_COLOURS = ['brown', 'black', 'white', 'grey', 'red'];

const FOODS = ['bread', 'cheese', 'soup', 'cake', 'apples', 'eggs', 'rice', 'honey', 'fish', 'milk'];
const FOOD_WORDS = ['fresh', 'sweet', 'hot', 'warm', 'tasty'];
const EATERS = ['we', 'they', 'you', 'i', 'the children', 'the people'];
const FOOD_PLACES = ['kitchen', 'market', 'inn', 'bakery'];

const COLOUR_FACTS: readonly (readonly [string, string])[] = [
  ['sky', 'blue'], ['sea', 'blue'], ['grass', 'green'], ['leaf', 'green'], ['sun', 'yellow'], ['lemon', 'yellow'],
  ['snow', 'white'], ['milk', 'white'], ['night', 'black'], ['coal', 'black'], ['rose', 'red'], ['cherry', 'red'],
  ['orange', 'orange'], ['carrot', 'orange'], ['cloud', 'grey'], ['stone', 'grey'],
];
const COLOURS = ['red', 'blue', 'green', 'yellow', 'white', 'black', 'orange', 'grey', 'brown', 'purple'];
const PAINTED = ['door', 'wall', 'boat', 'fence', 'cart'];

const PLACES = ['village', 'castle', 'forest', 'river', 'market', 'farm', 'palace', 'hill', 'lake', 'meadow', 'bridge', 'school'];
const GOERS = ['we', 'they', 'you', 'i', 'the children', 'the travellers'];

/** The person sentences: gender (his/her, he/she), rank (deed) and age (adjective) within two words of the person. */
function personSentence(rng: Rng): string[] {
  const p = pick(rng, PEOPLE);
  const age = pick(rng, p.young ? YOUNG_WORDS : ADULT_WORDS);
  const his = p.female ? 'her' : 'his';
  const he = p.female ? 'she' : 'he';
  const r = rng.next();
  if (r < 0.6) {
    const [verb, objects] = pick(rng, p.royal ? ROYAL_DEEDS : COMMON_DEEDS);
    return ['the', age, p.word, verb, his, pick(rng, objects)];
  }
  if (r < 0.8) return ['the', age, p.word, 'said', he, 'was', pick(rng, MOODS)];
  return ['the', age, p.word, 'lives', 'in', 'the', pick(rng, p.royal ? ROYAL_HOMES : COMMON_HOMES)];
}

function animalSentence(rng: Rng): string[] {
  const a = pick(rng, ANIMALS);
  const colour = pick(rng, ANIMAL_COLOURS);
  if (rng.next() < 0.6) return ['the', colour, a.word, pick(rng, a.acts), 'in', 'the', pick(rng, a.places)];
  return ['the', colour, a.word, 'eats', pick(rng, a.eats)];
}

function foodSentence(rng: Rng): string[] {
  const who = pick(rng, EATERS).split(' ');
  const food = pick(rng, FOODS);
  const r = rng.next();
  if (r < 0.4) return [...who, 'eat', pick(rng, FOOD_WORDS), food];
  if (r < 0.7) return [...who, pick(rng, ['buy', 'cook', 'share']), food, 'at', 'the', pick(rng, FOOD_PLACES)];
  return ['the', food, 'is', pick(rng, FOOD_WORDS)];
}

function colourSentence(rng: Rng): string[] {
  const r = rng.next();
  if (r < 0.5) {
    const [thing, colour] = pick(rng, COLOUR_FACTS);
    return ['the', thing, 'is', colour];
  }
  if (r < 0.75) return [pick(rng, COLOURS), 'flowers', 'grow', 'in', 'the', 'garden'];
  return [pick(rng, ['we', 'they', 'he', 'she']), 'paint', 'the', pick(rng, PAINTED), pick(rng, COLOURS)];
}

function placeSentence(rng: Rng): string[] {
  const [a, b] = [pick(rng, PLACES), pick(rng, PLACES)];
  const r = rng.next();
  if (r < 0.4) return [...pick(rng, GOERS).split(' '), 'walk', 'to', 'the', a];
  if (r < 0.7 && a !== b) return ['the', a, 'is', 'near', 'the', b];
  return ['the', 'road', 'leads', 'to', 'the', a];
}

/** One sentence as lowercase words, without the final full stop. */
export function corpusSentence(rng: Rng): string[] {
  const r = rng.next();
  if (r < 0.45) return personSentence(rng);
  if (r < 0.65) return animalSentence(rng);
  if (r < 0.8) return foodSentence(rng);
  if (r < 0.9) return colourSentence(rng);
  return placeSentence(rng);
}

/** `count` sentences of the corpus, as word lists; the same seed gives the same sentences. */
export function generateCorpusSentences(seed: number, count: number): string[][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => corpusSentence(rng));
}

/** The corpus as text: one lowercase sentence per line, each ending with a full stop, e.g. "the wise king wears his crown.\n". */
export function generateCorpusText(seed: number, count: number): string {
  return generateCorpusSentences(seed, count)
    .map((words) => `${words.join(' ')}.\n`)
    .join('');
}

const ALL_WORDS: readonly string[] = [
  'the', 'in', 'is', 'at', 'to', 'near', 'eat', 'eats', 'said', 'was', 'lives', 'he', 'she', 'his', 'her',
  ...PEOPLE.map((p) => p.word), ...ADULT_WORDS, ...YOUNG_WORDS, ...MOODS, ...ROYAL_HOMES, ...COMMON_HOMES,
  ...[...ROYAL_DEEDS, ...COMMON_DEEDS].flatMap(([verb, objects]) => [verb, ...objects]),
  ...ANIMALS.flatMap((a) => [a.word, ...a.acts, ...a.places, ...a.eats]), ...ANIMAL_COLOURS,
  ...FOODS, ...FOOD_WORDS, ...EATERS.flatMap((e) => e.split(' ')), ...FOOD_PLACES, 'buy', 'cook', 'share',
  ...COLOUR_FACTS.flat(), ...COLOURS, 'flowers', 'grow', 'garden', 'we', 'they', 'paint', ...PAINTED,
  ...PLACES, ...GOERS.flatMap((g) => g.split(' ')), 'walk', 'road', 'leads',
];

/** Word vocabulary of the corpus: `<pad>` (never used) and every word the grammar can produce. */
export const corpusWordVocab = makeVocab(ALL_WORDS);

/** Character vocabulary: `<pad>`, newline, space, full stop, a–z. */
export const corpusCharVocab = makeVocab(['\n', ' ', '.', ...'abcdefghijklmnopqrstuvwxyz']);

/** Skip-gram window radius: each word predicts the words up to 2 positions before and after it in its sentence. */
export const SKIPGRAM_RADIUS = 2;
/** Characters per corpus-chars sample. */
export const CHARS_LEN = 32;

const ORIGIN =
  'Written by Layerloom: a generated corpus from a hand-written grammar (runtime/data/builtin/corpus.ts) over about ' +
  `${corpusWordVocab.tokens.length - 1} words; no external text.`;

export const corpusSkipgram: BuiltinDataset = {
  info: {
    name: 'corpus-skipgram',
    title: 'Word pairs for word2vec (skip-gram)',
    description:
      'Center/context word pairs (window radius 2) from a generated corpus about kings and queens, princes and princesses, men and ' +
      'women, boys and girls, animals, food, places and colours. x is the center word id, y a context word id; analogies such as ' +
      'king − man + woman ≈ queen are learnable.',
    lecture: 'Word embeddings (word2vec)',
    origin: ORIGIN,
    task: 'language-model',
    vocab: corpusWordVocab.tokens,
    defaultSplit: { val: 0.05, test: 0 },
  },
  defaultSize: 100_000,
  load: async ({ seed, size }): Promise<Dataset> => {
    const n = checkSize('corpus-skipgram', size ?? corpusSkipgram.defaultSize);
    const rng = new Rng(seed);
    const x = new Int32Array(n);
    const y = new Int32Array(n);
    let k = 0;
    while (k < n) {
      const ids = corpusSentence(rng).map(corpusWordVocab.id);
      for (let c = 0; c < ids.length && k < n; c++) {
        for (let o = -SKIPGRAM_RADIUS; o <= SKIPGRAM_RADIUS && k < n; o++) {
          const j = c + o;
          if (o === 0 || j < 0 || j >= ids.length) continue;
          x[k] = ids[c]!;
          y[k] = ids[j]!;
          k++;
        }
      }
    }
    return {
      info: corpusSkipgram.info,
      size: n,
      inputs: { x: { shape: [], dtype: 'int64' } },
      targets: { y: { shape: [], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};

export const corpusChars: BuiltinDataset = {
  info: {
    name: 'corpus-chars',
    title: 'Characters of a small English corpus',
    description:
      `Consecutive ${CHARS_LEN}-character pieces of a generated English corpus (one lowercase sentence per line): x is [${CHARS_LEN}] ` +
      'character ids, y the same piece shifted by one, so the model predicts each next character.',
    lecture: 'Character-level language models (RNN, LSTM, Transformer)',
    origin: ORIGIN,
    task: 'language-model',
    vocab: corpusCharVocab.tokens,
    defaultSplit: { val: 0.1, test: 0 },
  },
  defaultSize: 4000,
  load: async ({ seed, size }): Promise<Dataset> => {
    const n = checkSize('corpus-chars', size ?? corpusChars.defaultSize);
    const rng = new Rng(seed);
    const needed = n * CHARS_LEN + 1;
    const ids: number[] = [];
    while (ids.length < needed) {
      for (const ch of `${corpusSentence(rng).join(' ')}.\n`) ids.push(corpusCharVocab.id(ch));
    }
    const x = new Int32Array(n * CHARS_LEN);
    const y = new Int32Array(n * CHARS_LEN);
    for (let i = 0; i < n; i++) {
      const s = i * CHARS_LEN;
      writePadded(x, s, CHARS_LEN, ids.slice(s, s + CHARS_LEN));
      writePadded(y, s, CHARS_LEN, ids.slice(s + 1, s + CHARS_LEN + 1));
    }
    return {
      info: corpusChars.info,
      size: n,
      inputs: { x: { shape: [CHARS_LEN], dtype: 'int64' } },
      targets: { y: { shape: [CHARS_LEN], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};
