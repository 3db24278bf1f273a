/**
 * The layer catalogue: one import per file, in alphabetical order. Everything the product knows about
 * a layer kind is in its file; this list is the only registration step.
 */
import type { AnyLayerDef } from '../define-layer';
import { AdaptiveAvgPool2d } from './adaptive-avg-pool2d';
import { Add } from './add';
import { Attention } from './attention';
import { AvgPool2d } from './avg-pool2d';
import { BatchNorm1d } from './batch-norm1d';
import { BatchNorm2d } from './batch-norm2d';
import { BCEWithLogitsLoss } from './bce-with-logits-loss';
import { ClassToken } from './class-token';
import { Concat } from './concat';
import { Conv1d } from './conv1d';
import { Conv2d } from './conv2d';
import { ConvTranspose2d } from './conv-transpose2d';
import { CrossEntropyLoss } from './cross-entropy-loss';
import { Discriminator } from './discriminator';
import { Dropout } from './dropout';
import { ELU } from './elu';
import { Embedding } from './embedding';
import { Flatten } from './flatten';
import { GELU } from './gelu';
import { GradientReversal } from './gradient-reversal';
import { GRU } from './gru';
import { Input } from './input';
import { KLDivergenceLoss } from './kl-divergence-loss';
import { LayerNorm } from './layer-norm';
import { LeakyReLU } from './leaky-relu';
import { Linear } from './linear';
import { LogSoftmax } from './log-softmax';
import { LSTM } from './lstm';
import { Max } from './max';
import { MaxPool1d } from './max-pool1d';
import { MaxPool2d } from './max-pool2d';
import { Mean } from './mean';
import { MSELoss } from './mse-loss';
import { MultiheadAttention } from './multihead-attention';
import { Multiply } from './multiply';
import { Noise } from './noise';
import { OnnxOp } from './onnx-op';
import { PatchEmbedding } from './patch-embedding';
import { Permute } from './permute';
import { PositionalEncoding } from './positional-encoding';
import { RandomShift } from './random-shift';
import { ReLU } from './relu';
import { Reparameterize } from './reparameterize';
import { Reshape } from './reshape';
import { ResidualLayerNorm } from './residual-layer-norm';
import { RNN } from './rnn';
import { SelectIndex } from './select-index';
import { Sigmoid } from './sigmoid';
import { SiLU } from './silu';
import { Softmax } from './softmax';
import { Sum } from './sum';
import { Tanh } from './tanh';
import { TransformerDecoderLayer } from './transformer-decoder-layer';
import { TransformerEncoderLayer } from './transformer-encoder-layer';
import { Unflatten } from './unflatten';
import { Upsample } from './upsample';

export const layers = [
  AdaptiveAvgPool2d,
  Add,
  Attention,
  AvgPool2d,
  BatchNorm1d,
  BatchNorm2d,
  BCEWithLogitsLoss,
  ClassToken,
  Concat,
  Conv1d,
  Conv2d,
  ConvTranspose2d,
  CrossEntropyLoss,
  Discriminator,
  Dropout,
  ELU,
  Embedding,
  Flatten,
  GELU,
  GradientReversal,
  GRU,
  Input,
  KLDivergenceLoss,
  LayerNorm,
  LeakyReLU,
  Linear,
  LogSoftmax,
  LSTM,
  Max,
  MaxPool1d,
  MaxPool2d,
  Mean,
  MSELoss,
  MultiheadAttention,
  Multiply,
  Noise,
  OnnxOp,
  PatchEmbedding,
  Permute,
  PositionalEncoding,
  RandomShift,
  ReLU,
  Reparameterize,
  Reshape,
  ResidualLayerNorm,
  RNN,
  SelectIndex,
  Sigmoid,
  SiLU,
  Softmax,
  Sum,
  Tanh,
  TransformerDecoderLayer,
  TransformerEncoderLayer,
  Unflatten,
  Upsample,
] as const;

export type LayerKind = (typeof layers)[number]['kind'];

/** Every layer definition, in catalogue order. */
export const allLayers: readonly AnyLayerDef[] = layers.map((l) => l as unknown as AnyLayerDef);

export const layerByKind: ReadonlyMap<string, AnyLayerDef> = new Map(allLayers.map((l) => [l.kind, l]));

export function getLayer(kind: string): AnyLayerDef | undefined {
  return layerByKind.get(kind);
}
