/**
 * Weight declarations and costs shared by MultiheadAttention, TransformerEncoderLayer and
 * TransformerDecoderLayer, with PyTorch's state_dict names and default initialisations.
 *
 * nn.MultiheadAttention: xavier_uniform_ on the input projections, U(±√(6/(fan_in + fan_out))) with
 * fan_in = size(1) and fan_out = size(0) of the weight as stored (so the packed in_proj_weight [3E, E]
 * gets √(6/(E + 3E))); in_proj_bias and out_proj.bias start at 0; out_proj.weight keeps nn.Linear's
 * U(±1/√E). nn.Linear: U(±1/√fan_in) for weight and bias. nn.LayerNorm: weight 1, bias 0.
 */
import type { WeightSpec } from '../../define-layer';
import { fanInUniform } from './init';

type Weights = Record<string, WeightSpec>;

/** xavier_uniform_ bound for a weight stored as [fanOut, fanIn]. */
export const xavierUniform = (fanIn: number, fanOut: number): number => Math.sqrt(6 / (fanIn + fanOut));

export interface MultiheadDims {
  /** E, the query (and output) size. */
  readonly embedDim: number;
  /** Size of each key vector (E for self-attention). */
  readonly kdim: number;
  /** Size of each value vector (E for self-attention). */
  readonly vdim: number;
  readonly bias: boolean;
}

/**
 * The parameters of nn.MultiheadAttention. With kdim = vdim = E torch packs the three input projections into
 * `in_proj_weight` [3E, E]; otherwise it keeps `q_proj_weight`, `k_proj_weight` and `v_proj_weight` apart.
 * `prefix` is the submodule path with its dot (e.g. 'self_attn.'), or '' for the module itself.
 */
export function multiheadAttentionWeights(prefix: string, d: MultiheadDims): Weights {
  const e = d.embedDim;
  const packed = d.kdim === e && d.vdim === e;
  const w: Weights = {};
  if (packed) w[`${prefix}in_proj_weight`] = { shape: [3 * e, e], init: { uniform: xavierUniform(e, 3 * e) } };
  else {
    w[`${prefix}q_proj_weight`] = { shape: [e, e], init: { uniform: xavierUniform(e, e) } };
    w[`${prefix}k_proj_weight`] = { shape: [e, d.kdim], init: { uniform: xavierUniform(d.kdim, e) } };
    w[`${prefix}v_proj_weight`] = { shape: [e, d.vdim], init: { uniform: xavierUniform(d.vdim, e) } };
  }
  if (d.bias) w[`${prefix}in_proj_bias`] = { shape: [3 * e], init: { constant: 0 } };
  w[`${prefix}out_proj.weight`] = { shape: [e, e], init: { uniform: fanInUniform(e) } };
  if (d.bias) w[`${prefix}out_proj.bias`] = { shape: [e], init: { constant: 0 } };
  return w;
}

/** nn.Linear(inFeatures, outFeatures, bias) under `prefix` (e.g. 'linear1.'). */
export function linearWeights(prefix: string, inFeatures: number, outFeatures: number, bias: boolean): Weights {
  const bound = fanInUniform(inFeatures);
  return {
    [`${prefix}weight`]: { shape: [outFeatures, inFeatures], init: { uniform: bound } },
    ...(bias ? { [`${prefix}bias`]: { shape: [outFeatures], init: { uniform: bound } } } : {}),
  };
}

/** nn.LayerNorm(size, bias) under `prefix` (e.g. 'norm1.', or '' for the module itself). */
export function layerNormWeights(prefix: string, size: number, bias = true): Weights {
  return {
    [`${prefix}weight`]: { shape: [size], init: { constant: 1 } },
    ...(bias ? { [`${prefix}bias`]: { shape: [size], init: { constant: 0 } } } : {}),
  };
}

/** LayerNorm cost per element: mean, centre, square, sum, normalise, scale, shift. */
export const LAYER_NORM_FLOPS_PER_ELEMENT = 7;

/** Softmax cost per score: exponential, sum, divide. */
export const SOFTMAX_FLOPS_PER_ELEMENT = 3;

export interface MultiheadCost {
  readonly tq: number;
  readonly tk: number;
  readonly embedDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly heads: number;
}

/**
 * FLOPs of one multi-head attention per sample: the Q, K, V projections (2·T·d_in·E each), the scores
 * QKᵀ and the weighted sum AV (2·Tq·Tk·E each, summed over heads), the softmax (3 per score, per head)
 * and the output projection (2·Tq·E²). Biases, the 1/√d_head scaling and masking are not counted.
 */
export function multiheadAttentionFlops(c: MultiheadCost): number {
  const e = c.embedDim;
  const projections = 2 * c.tq * e * e + 2 * c.tk * c.kdim * e + 2 * c.tk * c.vdim * e;
  const attend = 2 * c.tq * c.tk * e * 2 + SOFTMAX_FLOPS_PER_ELEMENT * c.heads * c.tq * c.tk;
  const output = 2 * c.tq * e * e;
  return projections + attend + output;
}

/**
 * FLOPs of the position-wise feed-forward block linear2(act(linear1(x))) over T positions:
 * two matrix products (2·T·D·F each) and one activation per hidden unit.
 */
export function feedForwardFlops(t: number, dModel: number, dimFeedforward: number): number {
  return 2 * (2 * t * dModel * dimFeedforward) + t * dimFeedforward;
}
