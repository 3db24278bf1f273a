/** Temporary registration list for layers being added in parallel; folded into index.ts afterwards. */
import type { AnyLayerDef } from '../define-layer';
import { Attention } from './attention';
import { MultiheadAttention } from './multihead-attention';
import { ResidualLayerNorm } from './residual-layer-norm';
import { TransformerDecoderLayer } from './transformer-decoder-layer';
import { TransformerEncoderLayer } from './transformer-encoder-layer';

export const staging_e: readonly AnyLayerDef[] = [
  Attention,
  MultiheadAttention,
  ResidualLayerNorm,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
];
