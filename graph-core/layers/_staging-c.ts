/** Temporary registration list for layers being added in parallel; folded into index.ts afterwards. */
import type { AnyLayerDef } from '../define-layer';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d';
import { AvgPool2d } from './avg-pool2d';
import { Conv1d } from './conv1d';
import { ConvTranspose2d } from './conv-transpose2d';
import { Embedding } from './embedding';
import { MaxPool1d } from './max-pool1d';
import { PositionalEncoding } from './positional-encoding';
import { Upsample } from './upsample';

export const staging_c: readonly AnyLayerDef[] = [
  AdaptiveAvgPool2d,
  AvgPool2d,
  Conv1d,
  ConvTranspose2d,
  Embedding,
  MaxPool1d,
  PositionalEncoding,
  Upsample,
];
