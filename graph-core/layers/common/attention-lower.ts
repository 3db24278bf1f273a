/**
 * Lowering shared by MultiheadAttention, TransformerEncoderLayer and TransformerDecoderLayer (and the masks of
 * Attention): the attention core of torch.nn.functional.multi_head_attention_forward, the feed-forward block and
 * the LayerNorms of the Transformer layers, written with primitive IR ops.
 *
 * Attention, as PyTorch computes it (batch_first):
 *   q, k, v = query·W_qᵀ + b_q, key·W_kᵀ + b_k, value·W_vᵀ + b_v      (packed in_proj_weight rows [q; k; v])
 *   q = q / √d_head;  split heads: [N, T, E] → [N, h, T, d_head]
 *   weights = softmax(q·kᵀ + mask) over the keys,  out = merge_heads(weights·v)·W_oᵀ + b_o
 *
 * Masks are additive: 0 where a key may be attended to and MASKED_SCORE (−1e9) where it may not. exp(−1e9 − max)
 * is exactly 0 in float32, so masked keys get weight 0, as with PyTorch's −∞; a row whose keys are all masked
 * (possible only through a padding mask) gets uniform weights here where PyTorch gives NaN. Masks that arrive as
 * int64 are Cast to float32 first; no arithmetic is done on int64.
 */
import type { LowerCtx, LowerMode } from '../../define-layer';
import type { ParamSpecs } from '../../params';
import type { IrBuilder, V } from '../../ir/builder';

/** The score added where attention is masked out. */
export const MASKED_SCORE = -1e9;

/** What a lowering needs to insert training-time dropout: the mode and the runtime feed. */
export interface DropoutCtx {
  readonly ir: IrBuilder;
  readonly mode: LowerMode;
  readonly feed: LowerCtx<ParamSpecs>['feed'];
}

/**
 * Dropout with probability p: the identity in eval mode; in train mode the input times a mask the runtime feeds
 * (`<node>.<name>`, already scaled by 1/(1 − p)), as the Dropout layer does.
 */
export function dropout(c: DropoutCtx, x: V, p: number, name: string): V {
  return c.mode === 'train' && p > 0 ? c.ir.mul(x, c.feed(name, x.type, { kind: 'dropout', p })) : x;
}

/** nn.Linear on the last dim: x·Wᵀ (+ b), W stored [out, in]. */
export function linear(ir: IrBuilder, x: V, weight: V, bias?: V): V {
  const y = ir.matmul(x, ir.transpose(weight, [1, 0]));
  return bias ? ir.add(y, bias) : y;
}

/** nn.LayerNorm over the last dim, with the weights `<prefix>weight` and (when present) `<prefix>bias`. */
export function layerNorm(ir: IrBuilder, x: V, w: Readonly<Record<string, V>>, prefix: string, eps: number): V {
  return ir.layerNorm(x, w[`${prefix}weight`]!, w[`${prefix}bias`], x.type.shape.length - 1, eps);
}

/** The exact (erf) GELU: ½·x·(1 + erf(x/√2)). */
export function gelu(ir: IrBuilder, x: V): V {
  return ir.mul(ir.mul(x, ir.scalar(0.5)), ir.add(ir.erf(ir.mul(x, ir.scalar(Math.SQRT1_2))), ir.scalar(1)));
}

/** A mask as float32 (int64 and bool masks are Cast). */
function asFloat(ir: IrBuilder, mask: V): V {
  return mask.type.dtype === 'float32' ? mask : ir.cast(mask, 'float32');
}

/** Additive bias from a 0/1 padding mask where 1 (true) marks a key to ignore: mask · MASKED_SCORE. */
export function ignoreMaskBias(ir: IrBuilder, mask: V): V {
  return ir.mul(asFloat(ir, mask), ir.scalar(MASKED_SCORE));
}

/** Additive bias from a 0/1 mask where 1 (true) marks a key that may be attended to: (1 − mask) · MASKED_SCORE. */
export function keepMaskBias(ir: IrBuilder, mask: V): V {
  return ir.mul(ir.sub(ir.scalar(1), asFloat(ir, mask)), ir.scalar(MASKED_SCORE));
}

/** The causal bias [tq, tk]: MASKED_SCORE above the diagonal (key j after query i), 0 elsewhere. */
export function causalBias(ir: IrBuilder, tq: number, tk: number): V {
  const data = new Float32Array(tq * tk);
  for (let i = 0; i < tq; i++) for (let j = i + 1; j < tk; j++) data[i * tk + j] = MASKED_SCORE;
  return ir.tensor([tq, tk], data);
}

export interface MultiheadArgs {
  /** [N, Tq, E]. */
  readonly query: V;
  /** [N, Tk, kdim]; pass the query value itself for self-attention. */
  readonly key: V;
  /** [N, Tk, vdim]; pass the key value itself when keys and values are the same tensor. */
  readonly value: V;
  readonly heads: number;
  /** The node's weights, by torch name. */
  readonly w: Readonly<Record<string, V>>;
  /** Prefix of the nn.MultiheadAttention weights, with its dot ('self_attn.'), or '' for the module itself. */
  readonly prefix: string;
  /** Mask keys after each query (needs Tq = Tk). */
  readonly causal: boolean;
  /** [N, Tk], 1/true = padding key to ignore; float32 or int64. */
  readonly keyPaddingMask?: V;
  /** Dropout probability on the attention weights (train mode only). */
  readonly dropout: number;
  /** Feed name of that dropout's mask. */
  readonly dropoutName: string;
}

/**
 * nn.MultiheadAttention(batch_first=True) forward: returns the output [N, Tq, E] and the per-head attention
 * weights [N, h, Tq, Tk] (average_attn_weights=False; after dropout in train mode, as PyTorch returns them).
 */
export function multiheadAttention(c: DropoutCtx, a: MultiheadArgs): { out: V; weights: V } {
  const { ir } = c;
  const { query, key, value, heads: h, prefix } = a;
  const W = (name: string): V | undefined => a.w[`${prefix}${name}`];
  const tq = query.type.shape[1] as number;
  const e = query.type.shape[2] as number;
  const tk = key.type.shape[1] as number;
  const hd = e / h;
  const inW = W('in_proj_weight');
  const inB = W('in_proj_bias');
  const rows = (t: V | undefined, from: number, to: number) => (t ? ir.slice(t, 0, from, to) : undefined);

  let q: V;
  let k: V;
  let v: V;
  if (inW) {
    // Packed [3E, E]: rows 0..E project the queries, E..2E the keys, 2E..3E the values.
    if (query === key && key === value) [q, k, v] = ir.split(linear(ir, query, inW, inB), 2, [e, e, e]) as [V, V, V];
    else {
      q = linear(ir, query, rows(inW, 0, e)!, rows(inB, 0, e));
      if (key === value) [k, v] = ir.split(linear(ir, key, rows(inW, e, 3 * e)!, rows(inB, e, 3 * e)), 2, [e, e]) as [V, V];
      else {
        k = linear(ir, key, rows(inW, e, 2 * e)!, rows(inB, e, 2 * e));
        v = linear(ir, value, rows(inW, 2 * e, 3 * e)!, rows(inB, 2 * e, 3 * e));
      }
    }
  } else {
    q = linear(ir, query, W('q_proj_weight')!, rows(inB, 0, e));
    k = linear(ir, key, W('k_proj_weight')!, rows(inB, e, 2 * e));
    v = linear(ir, value, W('v_proj_weight')!, rows(inB, 2 * e, 3 * e));
  }

  // PyTorch scales the projected queries, then adds the mask to q·kᵀ.
  q = ir.div(q, ir.scalar(Math.sqrt(hd)));
  const qh = ir.transpose(ir.reshape(q, ['N', tq, h, hd]), [0, 2, 1, 3]); // [N, h, Tq, hd]
  const kt = ir.transpose(ir.reshape(k, ['N', tk, h, hd]), [0, 2, 3, 1]); // [N, h, hd, Tk]
  const vh = ir.transpose(ir.reshape(v, ['N', tk, h, hd]), [0, 2, 1, 3]); // [N, h, Tk, hd]
  let scores = ir.matmul(qh, kt); // [N, h, Tq, Tk]

  let bias: V | undefined = a.causal ? causalBias(ir, tq, tk) : undefined;
  if (a.keyPaddingMask) {
    const pad = ir.reshape(ignoreMaskBias(ir, a.keyPaddingMask), ['N', 1, 1, tk]);
    bias = bias ? ir.add(pad, bias) : pad;
  }
  if (bias) scores = ir.add(scores, bias);

  const weights = dropout(c, ir.softmax(scores, 3), a.dropout, a.dropoutName);
  const heads = ir.matmul(weights, vh); // [N, h, Tq, hd]
  const merged = ir.reshape(ir.transpose(heads, [0, 2, 1, 3]), ['N', tq, e]);
  return { out: linear(ir, merged, W('out_proj.weight')!, W('out_proj.bias')), weights };
}

/** The Transformer layers' position-wise feed-forward block: linear2(dropout(act(linear1(x)))). */
export function feedForward(c: DropoutCtx, x: V, w: Readonly<Record<string, V>>, activation: 'relu' | 'gelu', p: number): V {
  const { ir } = c;
  const hidden = linear(ir, x, w['linear1.weight']!, w['linear1.bias']);
  const act = activation === 'gelu' ? gelu(ir, hidden) : ir.relu(hidden);
  return linear(ir, dropout(c, act, p, 'dropout'), w['linear2.weight']!, w['linear2.bias']);
}
