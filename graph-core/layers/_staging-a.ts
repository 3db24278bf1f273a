/** Temporary registration list for layers being added in parallel; folded into index.ts afterwards. */
import type { AnyLayerDef } from '../define-layer';
import { Add } from './add';
import { BCEWithLogitsLoss } from './bce-with-logits-loss';
import { Concat } from './concat';
import { Max } from './max';
import { Mean } from './mean';
import { MSELoss } from './mse-loss';
import { Multiply } from './multiply';
import { Noise } from './noise';
import { Permute } from './permute';
import { Reshape } from './reshape';
import { SelectIndex } from './select-index';
import { Sum } from './sum';
import { Unflatten } from './unflatten';

export const staging_a: readonly AnyLayerDef[] = [
  Add,
  BCEWithLogitsLoss,
  Concat,
  Max,
  Mean,
  MSELoss,
  Multiply,
  Noise,
  Permute,
  Reshape,
  SelectIndex,
  Sum,
  Unflatten,
];
