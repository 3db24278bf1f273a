/** Temporary registration list for layers being added in parallel; folded into index.ts afterwards. */
import type { AnyLayerDef } from '../define-layer';
import { BatchNorm1d } from './batch-norm1d';
import { BatchNorm2d } from './batch-norm2d';
import { Dropout } from './dropout';
import { ELU } from './elu';
import { GELU } from './gelu';
import { LayerNorm } from './layer-norm';
import { LeakyReLU } from './leaky-relu';
import { LogSoftmax } from './log-softmax';
import { Sigmoid } from './sigmoid';
import { SiLU } from './silu';
import { Softmax } from './softmax';
import { Tanh } from './tanh';

export const staging_b: readonly AnyLayerDef[] = [
  BatchNorm1d,
  BatchNorm2d,
  Dropout,
  ELU,
  GELU,
  LayerNorm,
  LeakyReLU,
  LogSoftmax,
  Sigmoid,
  SiLU,
  Softmax,
  Tanh,
];
