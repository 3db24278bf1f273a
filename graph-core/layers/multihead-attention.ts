/**
 * Multi-head scaled dot-product attention, as torch.nn.MultiheadAttention with batch_first=True.
 *
 *   headᵢ = softmax((Q·W_qᵢ)(K·W_kᵢ)ᵀ / √d_head) · (V·W_vᵢ),   d_head = E / num_heads
 *   out   = concat(head₁ … head_h) · W_oᵀ + b_o
 *
 * `key` defaults to `query` and `value` to `key`, so connecting only `query` gives self-attention. kdim and
 * vdim are inferred from `key` and `value`. `weights` is the per-head attention map (average_attn_weights=False).
 * `causal` adds the upper-triangular mask (position t attends only to positions ≤ t). FLOPs: see
 * multiheadAttentionFlops (projections, scores, softmax, weighted sum, output projection).
 *
 * PyTorch: torch.nn.MultiheadAttention(batch_first=True) · ONNX: MatMul, Softmax, Reshape, Transpose (Attention in
 * com.microsoft) · Lecture: "Attention and Transformers"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape } from '../shape';
import { multiheadAttention } from './common/attention-lower';
import { multiheadAttentionFlops, multiheadAttentionWeights } from './common/attention-weights';
import { changed } from './common/torch';

const MULTIHEAD_ATTENTION = {
  name: 'BatchFirstMultiheadAttention',
  source: `class BatchFirstMultiheadAttention(nn.MultiheadAttention):
    """nn.MultiheadAttention(batch_first=True) returning (out, weights per head [N, heads, Tq, Tk]).

    key defaults to the query and value to the key (self-attention); causal hides later positions;
    key_padding_mask is 1 (True) for keys to ignore.
    """

    def __init__(self, embed_dim, num_heads, causal=False, **kwargs):
        super().__init__(embed_dim, num_heads, batch_first=True, **kwargs)
        self.causal = causal

    def forward(self, query, key=None, value=None, key_padding_mask=None):
        key = query if key is None else key
        value = key if value is None else value
        t = query.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool, device=query.device).triu(1) if self.causal else None
        if mask is None and self.in_proj_bias is None:
            # torch 1.13's fused inference path fails without biases; an explicit (empty) mask avoids it.
            mask = torch.zeros(t, key.shape[1], dtype=torch.bool, device=query.device)
        if key_padding_mask is not None:
            key_padding_mask = key_padding_mask.bool()
        return super().forward(
            query, key, value, key_padding_mask=key_padding_mask, attn_mask=mask, average_attn_weights=False
        )
`,
};

export const MultiheadAttention = defineLayer({
  kind: 'MultiheadAttention',
  category: 'attention',
  doc: {
    summary:
      'Runs num_heads attentions side by side, each on its own learned projection of the queries, keys and values, ' +
      'and mixes their results. Connect only `query` for self-attention; connect `key`/`value` for cross-attention.',
    formula: 'headᵢ = softmax(Q W_qᵢ (K W_kᵢ)ᵀ / √(E/h)) · V W_vᵢ;  out = [head₁ … head_h] W_oᵀ + b_o;  params = 4E² + 4E (kdim = vdim = E)',
    torch: 'torch.nn.MultiheadAttention (batch_first=True)',
    onnx: 'MatMul, Softmax, Reshape, Transpose (com.microsoft Attention / MultiHeadAttention)',
    lecture: 'Attention and Transformers (multi-head attention)',
  },
  params: {
    num_heads: p.int({ default: 4, min: 1, doc: 'Number of parallel heads; must divide the embedding size E.' }),
    dropout: p.float({ default: 0, min: 0, max: 1, doc: 'Dropout probability on the attention weights (training only).' }),
    bias: p.bool({ default: true, doc: 'Learn biases for the input and output projections.' }),
    causal: p.bool({ default: false, doc: 'Masked self-attention: each position attends only to itself and earlier positions (needs Tq = Tk).' }),
  },
  inputs: {
    query: { doc: 'Queries [N, Tq, E].', rank: 3, layout: '[N, Tq, E]' },
    key: { doc: 'Keys [N, Tk, kdim]; unconnected means the queries (self-attention).', rank: 3, layout: '[N, Tk, kdim]', optional: true },
    value: { doc: 'Values [N, Tk, vdim]; unconnected means the keys.', rank: 3, layout: '[N, Tk, vdim]', optional: true },
    key_padding_mask: {
      doc: 'Optional [N, Tk] mask; true/1 marks a padding key that is ignored.',
      rank: 2,
      layout: '[N, Tk]',
      dtype: 'any',
      optional: true,
    },
  },
  outputs: {
    out: { doc: 'Attended values [N, Tq, E].' },
    weights: { doc: 'Attention weights per head [N, num_heads, Tq, Tk]; each row sums to 1.' },
  },
  inferShape: ({ params: q, in: { query, key, value, key_padding_mask: mask } }) => {
    const tq = query![1] as number;
    const e = query![2] as number;
    if (e % q.num_heads !== 0) return fail('EMBED_DIM_NOT_DIVISIBLE_BY_HEADS', { embedDim: e, heads: q.num_heads }, { port: 'query' });
    const k = key ?? query!;
    const tk = k[1] as number;
    if (value && value[1] !== tk)
      return fail('SHAPE_MISMATCH', { port: 'value', expected: `[N, ${tk}, vdim] (as many values as keys)`, got: value }, { port: 'value' });
    if (q.causal && tk !== tq)
      return fail('SHAPE_MISMATCH', { port: 'key', expected: `[N, ${tq}, ${k[2]}] (causal attention needs Tq = Tk)`, got: k }, { port: 'key' });
    if (mask && mask[1] !== tk)
      return fail('SHAPE_MISMATCH', { port: 'key_padding_mask', expected: fmtShape(['N', tk]), got: mask }, { port: 'key_padding_mask' });
    return ok({ out: ['N', tq, e], weights: ['N', q.num_heads, tq, tk] });
  },
  weights: ({ params: q, in: { query, key, value } }) => {
    const k = key ?? query!;
    const v = value ?? k;
    return multiheadAttentionWeights('', { embedDim: query![2] as number, kdim: k[2] as number, vdim: v[2] as number, bias: q.bias });
  },
  flops: ({ params: q, in: { query, key, value } }) => {
    const k = key ?? query!;
    const v = value ?? k;
    return multiheadAttentionFlops({
      tq: query![1] as number,
      tk: k[1] as number,
      embedDim: query![2] as number,
      kdim: k[2] as number,
      vdim: v[2] as number,
      heads: q.num_heads,
    });
  },
  torch: ({ params: q, in: { query, key, value } }) => {
    const e = query![2] as number;
    const kdim = (key ?? query!)[2] as number;
    const vdim = (value ?? key ?? query!)[2] as number;
    return {
      module: {
        fn: MULTIHEAD_ATTENTION.name,
        args: [e, q.num_heads],
        kwargs: changed({ dropout: [q.dropout, 0], bias: [q.bias, true], kdim: [kdim, e], vdim: [vdim, e], causal: [q.causal, false] }),
      },
      inputs: ['query', { port: 'key', kwarg: 'key' }, { port: 'value', kwarg: 'value' }, { port: 'key_padding_mask', kwarg: 'key_padding_mask' }],
      returns: ['out', 'weights'],
      helper: MULTIHEAD_ATTENTION,
    };
  },
  lower: (ctx) => {
    const { query, key, value, key_padding_mask: mask } = ctx.x;
    const k = key ?? query!;
    return multiheadAttention(ctx, {
      query: query!,
      key: k,
      value: value ?? k,
      heads: ctx.params.num_heads,
      w: ctx.w,
      prefix: '',
      causal: ctx.params.causal,
      keyPaddingMask: mask,
      dropout: ctx.params.dropout,
      dropoutName: 'dropout',
    });
  },
});
