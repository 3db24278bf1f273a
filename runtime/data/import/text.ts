/**
 * Text import for language models: the file becomes one stream of token ids, cut into windows.
 *
 * - `char` tokenisation: every Unicode character (code point) is a token, case kept, newlines included.
 * - `word` tokenisation: words (letters and digits, with inner apostrophes or hyphens, e.g. don't,
 *   well-known) and single punctuation marks are tokens; text is lower-cased; whitespace is dropped.
 * - The vocabulary: id 0 is `<pad>`, id 1 is `<unk>`, then tokens by frequency (most frequent first,
 *   ties by code point), up to `vocabSize` entries in all; rarer tokens become `<unk>`.
 * - Sample i starts at token i·stride: x = tokens[s … s+T−1], y = tokens[s+1 … s+T] (the next token), both
 *   [T] int64. There are ⌊(L − 1 − T) / stride⌋ + 1 samples for L tokens.
 */
import { DataError } from '../errors';
import { baseName, checkInteger, compareStrings, textOf, type ImportedDataset } from './common';

export interface TextOptions {
  /** Default 'char'. */
  readonly tokenize?: 'char' | 'word';
  /** Tokens per sample, T. Default 64 for characters, 16 for words. */
  readonly seqLen?: number;
  /** Tokens between the starts of two samples. Default: seqLen (samples do not overlap). */
  readonly stride?: number;
  /** Largest vocabulary, counting <pad> and <unk>. Default 10000. */
  readonly vocabSize?: number;
  /** Files larger than this are refused. Default 512 MiB. */
  readonly maxBytes?: number;
}

export const PAD = '<pad>';
export const UNK = '<unk>';

const WORD = /[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;

/** Splits text into tokens as the importer does. */
export function tokenize(text: string, mode: 'char' | 'word'): string[] {
  return mode === 'char' ? Array.from(text) : (text.toLowerCase().match(WORD) ?? []);
}

/** `<pad>`, `<unk>`, then the most frequent tokens (ties by code point), at most `size` entries. */
export function buildVocab(tokens: readonly string[], size: number): string[] {
  const counts = new Map<string, number>();
  for (const t of tokens) counts.set(t, (counts.get(t) ?? 0) + 1);
  const ranked = [...counts.entries()].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).map(([t]) => t);
  return [PAD, UNK, ...ranked.slice(0, Math.max(0, size - 2))];
}

/** Reads a text file into language-model samples. `file` names the file in messages and names the dataset. */
export function importText(file: string, content: Uint8Array | string, opts: TextOptions = {}): ImportedDataset {
  const mode = opts.tokenize ?? 'char';
  const seqLen = checkInteger(file, 'the sequence length', opts.seqLen ?? (mode === 'char' ? 64 : 16), 1);
  const stride = checkInteger(file, 'the stride', opts.stride ?? seqLen, 1);
  const vocabSize = checkInteger(file, 'the vocabulary size', opts.vocabSize ?? 10_000, 3);
  const text = textOf(file, content, opts.maxBytes).replace(/\r\n?/g, '\n');
  if (text.trim() === '') throw new DataError(`${file}: the file is empty`);

  const tokens = tokenize(text, mode);
  const unit = mode === 'char' ? 'characters' : 'words and marks';
  if (tokens.length < seqLen + 1)
    throw new DataError(
      `${file}: the text has ${tokens.length} ${unit}, but one sample needs ${seqLen + 1} (the sequence length ${seqLen} plus the next token); use a shorter sequence length or a longer text`,
    );

  const vocab = buildVocab(tokens, vocabSize);
  const ids = new Map(vocab.map((t, i) => [t, i]));
  const stream = Int32Array.from(tokens, (t) => ids.get(t) ?? 1);
  const n = Math.floor((stream.length - 1 - seqLen) / stride) + 1;
  const x = new Int32Array(n * seqLen);
  const y = new Int32Array(n * seqLen);
  for (let i = 0; i < n; i++) {
    const s = i * stride;
    x.set(stream.subarray(s, s + seqLen), i * seqLen);
    y.set(stream.subarray(s + 1, s + 1 + seqLen), i * seqLen);
  }

  const warnings: string[] = [];
  const distinct = new Set(tokens).size;
  if (distinct > vocabSize - 2) {
    let unknown = 0;
    for (const id of stream) if (id === 1) unknown++;
    warnings.push(`${file}: ${distinct - (vocabSize - 2)} rare tokens (${unknown} of ${tokens.length} in the text) are replaced by ${UNK}`);
  }
  const name = baseName(file);
  return {
    info: {
      name,
      title: name,
      description: `${n} windows of ${seqLen} ${mode === 'char' ? 'characters' : 'words'} from ${name} (${tokens.length} tokens, stride ${stride}, vocabulary ${vocab.length}); the target is the next token.`,
      origin: `your file ${name}`,
      task: 'language-model',
      vocab,
      defaultSplit: { val: 0.1, test: 0.1 },
    },
    size: n,
    inputs: { x: { shape: [seqLen], dtype: 'int64' } },
    targets: { y: { shape: [seqLen], dtype: 'int64' } },
    arrays: { x, y },
    warnings,
  };
}
