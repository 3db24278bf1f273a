/**
 * A toy part-of-speech tagging set. The words saw, book, fly, fish, watch, duck, ring and park are nouns in some
 * sentences and verbs in others ("I saw the duck", "they duck", "we can fish near the park", "my watch", "she will
 * book a table"), so a tagger must read the context, not just the word.
 *
 * x: [T] word ids, y: [T] tag ids, both padded on the right with 0; tag 0 is the padding tag, which the loss
 * skips: use CrossEntropyLoss(ignore_index=0).
 */
import { Rng } from '../../../graph-core';
import type { Dataset } from '../dataset';
import { PAD, checkSize, makeVocab, pick, writePadded } from './lang';
import type { BuiltinDataset } from './types';

/** Tag names, index = tag id. 0 is the padding tag. */
export const POS_TAGS = [PAD, 'PRON', 'V', 'DET', 'ADJ', 'N', 'MOD', 'PREP'] as const;
export type PosTag = Exclude<(typeof POS_TAGS)[number], typeof PAD>;

/** The words that are both nouns and verbs in this set. */
export const AMBIGUOUS_WORDS = ['saw', 'book', 'fly', 'fish', 'watch', 'duck', 'ring', 'park'] as const;

interface VerbEntry {
  /** Base form (after I/you/we/they or a modal) and past form. "saw" is both the base of "to saw" and the past of "see". */
  readonly base: string;
  readonly past: string;
  /** Nouns it can take as object; empty for an intransitive use. */
  readonly objects: readonly string[];
  /** Takes no object. */
  readonly intransitive: boolean;
}

const THINGS = ['table', 'letter', 'ticket', 'book', 'watch', 'ring', 'bell', 'car', 'boat'];
const CREATURES = ['dog', 'bird', 'duck', 'fish', 'fly', 'child', 'man', 'woman'];
const PLACES = ['park', 'river', 'garden', 'house', 'boat'];
const NOUNS = [...new Set([...THINGS, ...CREATURES, ...PLACES, 'saw', 'kite', 'wood', 'film'])];

const VERBS: readonly VerbEntry[] = [
  { base: 'saw', past: 'sawed', objects: ['wood', 'table'], intransitive: false },
  { base: 'see', past: 'saw', objects: [...CREATURES, ...THINGS, ...PLACES, 'saw', 'film'], intransitive: false },
  { base: 'book', past: 'booked', objects: ['table', 'ticket', 'boat'], intransitive: false },
  { base: 'fly', past: 'flew', objects: ['kite'], intransitive: true },
  { base: 'fish', past: 'fished', objects: [], intransitive: true },
  { base: 'watch', past: 'watched', objects: [...CREATURES, 'film', 'boat'], intransitive: true },
  { base: 'duck', past: 'ducked', objects: [], intransitive: true },
  { base: 'ring', past: 'rang', objects: ['bell'], intransitive: false },
  { base: 'park', past: 'parked', objects: ['car', 'boat'], intransitive: false },
  { base: 'read', past: 'read', objects: ['book', 'letter'], intransitive: true },
  { base: 'find', past: 'found', objects: [...THINGS, ...CREATURES, 'saw', 'kite'], intransitive: false },
  { base: 'like', past: 'liked', objects: [...CREATURES, ...THINGS, ...PLACES, 'film', 'kite'], intransitive: false },
  { base: 'sleep', past: 'slept', objects: [], intransitive: true },
];

const SUBJECT_PRONOUNS_PLAIN = ['I', 'you', 'we', 'they'];
const SUBJECT_PRONOUNS_3SG = ['he', 'she'];
const OBJECT_PRONOUNS = ['me', 'you', 'him', 'her', 'us', 'them', 'it'];
const DETERMINERS = ['the', 'a', 'my', 'his', 'our', 'this'];
const ADJECTIVES = ['old', 'new', 'small', 'big', 'red', 'quiet'];
const MODALS = ['can', 'will', 'must', 'should'];
const PREPOSITIONS = ['in', 'near', 'at', 'with'];

export interface TaggedWord {
  readonly word: string;
  readonly tag: PosTag;
}

function nounPhrase(rng: Rng, nouns: readonly string[]): TaggedWord[] {
  const out: TaggedWord[] = [{ word: pick(rng, DETERMINERS), tag: 'DET' }];
  if (rng.next() < 0.3) out.push({ word: pick(rng, ADJECTIVES), tag: 'ADJ' });
  out.push({ word: pick(rng, nouns), tag: 'N' });
  return out;
}

/**
 * One random tagged sentence: subject (pronoun or noun phrase), verb (base after I/you/we/they or a modal, else
 * past), an object if the verb takes one, and sometimes a prepositional phrase.
 */
export function randomTaggedSentence(rng: Rng): TaggedWord[] {
  const out: TaggedWord[] = [];
  const r = rng.next();
  let plain = false;
  if (r < 0.4) {
    out.push({ word: pick(rng, SUBJECT_PRONOUNS_PLAIN), tag: 'PRON' });
    plain = true;
  } else if (r < 0.55) out.push({ word: pick(rng, SUBJECT_PRONOUNS_3SG), tag: 'PRON' });
  else out.push(...nounPhrase(rng, CREATURES));
  const verb = pick(rng, VERBS);
  const form = rng.next();
  if (form < 0.4) {
    out.push({ word: pick(rng, MODALS), tag: 'MOD' }, { word: verb.base, tag: 'V' });
  } else if (plain && form < 0.7) out.push({ word: verb.base, tag: 'V' });
  else out.push({ word: verb.past, tag: 'V' });
  const transitive = verb.objects.length > 0 && (!verb.intransitive || rng.next() < 0.6);
  if (transitive) {
    if (rng.next() < 0.15) out.push({ word: pick(rng, OBJECT_PRONOUNS), tag: 'PRON' });
    else out.push(...nounPhrase(rng, verb.objects));
  }
  if (rng.next() < (transitive ? 0.3 : 0.8)) out.push({ word: pick(rng, PREPOSITIONS), tag: 'PREP' }, ...nounPhrase(rng, PLACES));
  return out;
}

/** Longest sentence: DET ADJ N MOD V DET ADJ N PREP DET ADJ N. */
export const POS_LEN = 12;

export const posVocab = makeVocab([
  ...SUBJECT_PRONOUNS_PLAIN, ...SUBJECT_PRONOUNS_3SG, ...OBJECT_PRONOUNS, ...DETERMINERS, ...ADJECTIVES, ...MODALS, ...PREPOSITIONS,
  ...NOUNS, ...VERBS.flatMap((v) => [v.base, v.past]),
]);

const tagId = (t: PosTag) => POS_TAGS.indexOf(t);

export const pos: BuiltinDataset = {
  info: {
    name: 'pos',
    title: 'Toy part-of-speech tagging',
    description:
      'Short English sentences with one tag per word (PRON, V, DET, ADJ, N, MOD, PREP). The words saw, book, fly, fish, watch, ' +
      'duck, ring and park are nouns or verbs depending on context. x and y are [12] ids padded with 0; tag 0 is padding, ignored ' +
      'by CrossEntropyLoss(ignore_index=0).',
    lecture: 'Recurrent networks: sequence labelling (one output per time step)',
    origin: 'Generated by Layerloom from a small hand-written grammar (runtime/data/builtin/pos.ts); no external data.',
    task: 'sequence-labelling',
    classNames: POS_TAGS,
    vocab: posVocab.tokens,
    defaultSplit: { val: 0.1, test: 0.1 },
  },
  defaultSize: 4000,
  load: async ({ seed, size }): Promise<Dataset> => {
    const n = checkSize('pos', size ?? pos.defaultSize);
    const rng = new Rng(seed);
    const x = new Int32Array(n * POS_LEN);
    const y = new Int32Array(n * POS_LEN);
    for (let i = 0; i < n; i++) {
      const s = randomTaggedSentence(rng);
      writePadded(x, i * POS_LEN, POS_LEN, s.map((w) => posVocab.id(w.word)));
      writePadded(y, i * POS_LEN, POS_LEN, s.map((w) => tagId(w.tag)));
    }
    return {
      info: pos.info,
      size: n,
      inputs: { x: { shape: [POS_LEN], dtype: 'int64' } },
      targets: { y: { shape: [POS_LEN], dtype: 'int64' } },
      arrays: { x, y },
    };
  },
};
