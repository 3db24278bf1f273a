/** Built-in datasets of group b; merged into the registry by ../registry.ts. */
import { corpusChars, corpusSkipgram } from './corpus';
import { digits } from './digits';
import { pos } from './pos';
import { sentiment } from './sentiment';
import { translation } from './translation';
import type { BuiltinDataset } from './types';

export const builtins_b: readonly BuiltinDataset[] = [digits, translation, pos, sentiment, corpusSkipgram, corpusChars];
