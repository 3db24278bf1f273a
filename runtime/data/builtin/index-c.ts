/** Built-in datasets of group c, the generators of the lecture templates; merged into the registry by ../registry.ts. */
import { noisySine, rotatedMoons, spamFeatures, xorClusters } from './lecture-points';
import { duplicates, firstToken, progressions, reverseSeq2seq } from './lecture-sequences';
import { synthDigits } from './synthdigits';
import type { BuiltinDataset } from './types';

export const builtins_c: readonly BuiltinDataset[] = [synthDigits, spamFeatures, xorClusters, noisySine, firstToken, duplicates, progressions, reverseSeq2seq, rotatedMoons];
