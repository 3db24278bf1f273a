/**
 * One Transformer encoder block, as torch.nn.TransformerEncoderLayer with batch_first=True.
 *
 *   post-norm (norm_first = false):  x = norm1(x + SelfAttn(x));  x = norm2(x + FF(x))
 *   pre-norm  (norm_first = true):   x = x + SelfAttn(norm1(x));  x = x + FF(norm2(x))
 *   FF(x) = linear2(dropout(act(linear1(x)))),  act = ReLU or GELU
 *
 * SelfAttn is nn.MultiheadAttention(D, nhead) with queries = keys = values = x; `causal` applies the
 * upper-triangular mask (is_causal) and `src_key_padding_mask` ignores padded positions. D is inferred from the
 * input. Parameters (bias = true): 4D² + 4D (attention) + 2DF + F + D (feed-forward) + 4D (two LayerNorms).
 * FLOPs: the attention (see multiheadAttentionFlops), the feed-forward (4·T·D·F + T·F for the activation),
 * two residual additions (T·D each) and two LayerNorms (7·T·D each).
 *
 * PyTorch: torch.nn.TransformerEncoderLayer(batch_first=True) · ONNX: MatMul, Softmax, Add, LayerNormalization, Relu/Gelu ·
 * Lecture: "Transformers (the encoder)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import type { V } from '../ir/builder';
import { p } from '../params';
import { fmtShape } from '../shape';
import {
  LAYER_NORM_FLOPS_PER_ELEMENT,
  feedForwardFlops,
  layerNormWeights,
  linearWeights,
  multiheadAttentionFlops,
  multiheadAttentionWeights,
} from './common/attention-weights';
import { dropout, feedForward, layerNorm, multiheadAttention } from './common/attention-lower';
import { changed } from './common/torch';

const ENCODER_LAYER = {
  name: 'BatchFirstTransformerEncoderLayer',
  source: `class BatchFirstTransformerEncoderLayer(nn.TransformerEncoderLayer):
    """nn.TransformerEncoderLayer(batch_first=True); causal hides later positions, padding masks are 1 to ignore."""

    def __init__(self, d_model, nhead, causal=False, **kwargs):
        super().__init__(d_model, nhead, batch_first=True, **kwargs)
        self.causal = causal

    def forward(self, src, src_key_padding_mask=None):
        t = src.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool, device=src.device).triu(1) if self.causal else None
        if src_key_padding_mask is not None:
            src_key_padding_mask = src_key_padding_mask.bool()
        return super().forward(src, src_mask=mask, src_key_padding_mask=src_key_padding_mask)
`,
};

export const TransformerEncoderLayer = defineLayer({
  kind: 'TransformerEncoderLayer',
  category: 'transformer',
  doc: {
    summary:
      'One encoder block of a Transformer: multi-head self-attention lets every position look at every other one, ' +
      'then a small two-layer network processes each position; each part has a residual connection and a LayerNorm.',
    formula:
      'x = norm1(x + SelfAttn(x));  x = norm2(x + linear2(act(linear1(x))))  (norm_first: x = x + SelfAttn(norm1(x)), …);  ' +
      'params = 4D² + 2DF + 9D + F',
    torch: 'torch.nn.TransformerEncoderLayer (batch_first=True)',
    onnx: 'MatMul, Softmax, Add, LayerNormalization, Relu / Gelu',
    lecture: 'Transformers (the encoder block)',
  },
  params: {
    nhead: p.int({ default: 4, min: 1, doc: 'Number of attention heads; must divide the model size D.' }),
    dim_feedforward: p.int({ default: 2048, min: 1, doc: 'Hidden size F of the position-wise feed-forward network.' }),
    dropout: p.float({ default: 0.1, min: 0, max: 1, doc: 'Dropout probability (attention weights, feed-forward, residuals; training only).' }),
    activation: p.enum({ default: 'relu', choices: ['relu', 'gelu'], doc: 'Activation inside the feed-forward network.' }),
    layer_norm_eps: p.float({ default: 1e-5, min: 0, doc: 'eps of both LayerNorms.' }),
    norm_first: p.bool({ default: false, doc: 'Pre-norm: normalise before each sub-layer instead of after the residual addition.' }),
    bias: p.bool({ default: true, doc: 'Learn biases in the attention, the feed-forward layers and the LayerNorms.' }),
    causal: p.bool({ default: false, doc: 'Each position attends only to itself and earlier positions (is_causal).' }),
  },
  inputs: {
    in: { doc: 'The sequence [N, T, D].', rank: 3, layout: '[N, T, D]' },
    src_key_padding_mask: {
      doc: 'Optional [N, T] mask; true/1 marks a padding position that is not attended to.',
      rank: 2,
      layout: '[N, T]',
      dtype: 'any',
      optional: true,
    },
  },
  outputs: { out: { doc: 'The encoded sequence [N, T, D].' } },
  inferShape: ({ params: q, in: { in: x, src_key_padding_mask: mask } }) => {
    const t = x![1] as number;
    const d = x![2] as number;
    if (d % q.nhead !== 0) return fail('EMBED_DIM_NOT_DIVISIBLE_BY_HEADS', { embedDim: d, heads: q.nhead }, { port: 'in' });
    if (mask && mask[1] !== t)
      return fail('SHAPE_MISMATCH', { port: 'src_key_padding_mask', expected: fmtShape(['N', t]), got: mask }, { port: 'src_key_padding_mask' });
    return ok({ out: x! });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const d = x![2] as number;
    const f = q.dim_feedforward;
    return {
      ...multiheadAttentionWeights('self_attn.', { embedDim: d, kdim: d, vdim: d, bias: q.bias }),
      ...linearWeights('linear1.', d, f, q.bias),
      ...linearWeights('linear2.', f, d, q.bias),
      ...layerNormWeights('norm1.', d, q.bias),
      ...layerNormWeights('norm2.', d, q.bias),
    };
  },
  flops: ({ params: q, in: { in: x } }) => {
    const t = x![1] as number;
    const d = x![2] as number;
    const attention = multiheadAttentionFlops({ tq: t, tk: t, embedDim: d, kdim: d, vdim: d, heads: q.nhead });
    return attention + feedForwardFlops(t, d, q.dim_feedforward) + 2 * (1 + LAYER_NORM_FLOPS_PER_ELEMENT) * t * d;
  },
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: ENCODER_LAYER.name,
      args: [x![2] as number, q.nhead],
        kwargs: changed({
          dim_feedforward: [q.dim_feedforward, 2048],
          dropout: [q.dropout, 0.1],
          activation: [q.activation, 'relu'],
          layer_norm_eps: [q.layer_norm_eps, 1e-5],
          norm_first: [q.norm_first, false],
          // bias=False needs torch ≥ 2.1.
          bias: [q.bias, true],
          causal: [q.causal, false],
        }),
    },
    inputs: ['in', { port: 'src_key_padding_mask', kwarg: 'src_key_padding_mask' }],
    helper: ENCODER_LAYER,
  }),
  lower: (ctx) => {
    const { ir, params: q, w } = ctx;
    const mask = ctx.x.src_key_padding_mask;
    const norm = (x: V, prefix: string) => layerNorm(ir, x, w, prefix, q.layer_norm_eps);
    const selfAttention = (x: V) =>
      dropout(
        ctx,
        multiheadAttention(ctx, {
          query: x,
          key: x,
          value: x,
          heads: q.nhead,
          w,
          prefix: 'self_attn.',
          causal: q.causal,
          keyPaddingMask: mask,
          dropout: q.dropout,
          dropoutName: 'self_attn.dropout',
        }).out,
        q.dropout,
        'dropout1',
      );
    const feedForwardBlock = (x: V) => dropout(ctx, feedForward(ctx, x, w, q.activation, q.dropout), q.dropout, 'dropout2');
    let x = ctx.x.in!;
    if (q.norm_first) {
      x = ir.add(x, selfAttention(norm(x, 'norm1.')));
      x = ir.add(x, feedForwardBlock(norm(x, 'norm2.')));
    } else {
      x = norm(ir.add(x, selfAttention(x)), 'norm1.');
      x = norm(ir.add(x, feedForwardBlock(x)), 'norm2.');
    }
    return { out: x };
  },
});
