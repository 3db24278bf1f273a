/** Temporary registration list for layers being added in parallel; folded into index.ts afterwards. */
import type { AnyLayerDef } from '../define-layer';
import { ClassToken } from './class-token';
import { Discriminator } from './discriminator';
import { GRU } from './gru';
import { LSTM } from './lstm';
import { PatchEmbedding } from './patch-embedding';
import { RNN } from './rnn';

export const staging_d: readonly AnyLayerDef[] = [ClassToken, Discriminator, GRU, LSTM, PatchEmbedding, RNN];
