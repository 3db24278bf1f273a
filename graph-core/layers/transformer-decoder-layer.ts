/**
 * One Transformer decoder block, as torch.nn.TransformerDecoderLayer with batch_first=True.
 *
 *   post-norm (norm_first = false):  x = norm1(x + SelfAttn(x));  x = norm2(x + CrossAttn(x, memory));  x = norm3(x + FF(x))
 *   pre-norm  (norm_first = true):   x = x + SelfAttn(norm1(x));  x = x + CrossAttn(norm2(x), memory);  x = x + FF(norm3(x))
 *   FF(x) = linear2(dropout(act(linear1(x)))),  act = ReLU or GELU
 *
 * SelfAttn (`self_attn`) is masked by default (`causal` = tgt_is_causal: position t sees only positions ≤ t);
 * CrossAttn (`multihead_attn`) takes its queries from the target and its keys and values from the encoder output
 * `memory`, whose feature size must equal D. Parameters (bias = true): 2·(4D² + 4D) (two attentions) + 2DF + F + D
 * (feed-forward) + 6D (three LayerNorms). FLOPs: both attentions (see multiheadAttentionFlops), the feed-forward
 * (4·T·D·F + T·F), three residual additions (T·D each) and three LayerNorms (7·T·D each).
 *
 * PyTorch: torch.nn.TransformerDecoderLayer(batch_first=True) · ONNX: MatMul, Softmax, Add, LayerNormalization, Relu/Gelu ·
 * Lecture: "Transformers (the decoder, masked self-attention and cross-attention)"
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

const DECODER_LAYER = {
  name: 'BatchFirstTransformerDecoderLayer',
  source: `class BatchFirstTransformerDecoderLayer(nn.TransformerDecoderLayer):
    """nn.TransformerDecoderLayer(batch_first=True); causal (the default) hides later target positions."""

    def __init__(self, d_model, nhead, causal=True, **kwargs):
        super().__init__(d_model, nhead, batch_first=True, **kwargs)
        self.causal = causal

    def forward(self, tgt, memory, tgt_key_padding_mask=None, memory_key_padding_mask=None):
        t = tgt.shape[1]
        mask = torch.ones(t, t, dtype=torch.bool, device=tgt.device).triu(1) if self.causal else None
        if tgt_key_padding_mask is not None:
            tgt_key_padding_mask = tgt_key_padding_mask.bool()
        if memory_key_padding_mask is not None:
            memory_key_padding_mask = memory_key_padding_mask.bool()
        return super().forward(
            tgt,
            memory,
            tgt_mask=mask,
            tgt_key_padding_mask=tgt_key_padding_mask,
            memory_key_padding_mask=memory_key_padding_mask,
        )
`,
};

export const TransformerDecoderLayer = defineLayer({
  kind: 'TransformerDecoderLayer',
  category: 'transformer',
  doc: {
    summary:
      'One decoder block of a Transformer: masked self-attention over the target so far, cross-attention to the ' +
      'encoder output (memory), then a position-wise feed-forward network; each part has a residual connection and a LayerNorm.',
    formula:
      'x = norm1(x + SelfAttn(x));  x = norm2(x + CrossAttn(x, memory));  x = norm3(x + linear2(act(linear1(x))));  ' +
      'params = 8D² + 2DF + 15D + F',
    torch: 'torch.nn.TransformerDecoderLayer (batch_first=True)',
    onnx: 'MatMul, Softmax, Add, LayerNormalization, Relu / Gelu',
    lecture: 'Transformers (the decoder block)',
  },
  params: {
    nhead: p.int({ default: 4, min: 1, doc: 'Number of attention heads; must divide the model size D.' }),
    dim_feedforward: p.int({ default: 2048, min: 1, doc: 'Hidden size F of the position-wise feed-forward network.' }),
    dropout: p.float({ default: 0.1, min: 0, max: 1, doc: 'Dropout probability (attention weights, feed-forward, residuals; training only).' }),
    activation: p.enum({ default: 'relu', choices: ['relu', 'gelu'], doc: 'Activation inside the feed-forward network.' }),
    layer_norm_eps: p.float({ default: 1e-5, min: 0, doc: 'eps of the three LayerNorms.' }),
    norm_first: p.bool({ default: false, doc: 'Pre-norm: normalise before each sub-layer instead of after the residual addition.' }),
    bias: p.bool({ default: true, doc: 'Learn biases in the attentions, the feed-forward layers and the LayerNorms.' }),
    causal: p.bool({ default: true, doc: 'Masked self-attention: each target position sees only itself and earlier ones (tgt_is_causal).' }),
  },
  inputs: {
    in: { doc: 'The target sequence (tgt) [N, T, D].', rank: 3, layout: '[N, T, D]' },
    memory: { doc: 'The encoder output [N, S, D].', rank: 3, layout: '[N, S, D]' },
    tgt_key_padding_mask: {
      doc: 'Optional [N, T] mask; true/1 marks a padding target position.',
      rank: 2,
      layout: '[N, T]',
      dtype: 'any',
      optional: true,
    },
    memory_key_padding_mask: {
      doc: 'Optional [N, S] mask; true/1 marks a padding memory position that is not attended to.',
      rank: 2,
      layout: '[N, S]',
      dtype: 'any',
      optional: true,
    },
  },
  outputs: { out: { doc: 'The decoded sequence [N, T, D].' } },
  inferShape: ({ params: q, in: { in: x, memory: m, tgt_key_padding_mask: tgtMask, memory_key_padding_mask: memMask } }) => {
    const t = x![1] as number;
    const d = x![2] as number;
    const s = m![1] as number;
    if (d % q.nhead !== 0) return fail('EMBED_DIM_NOT_DIVISIBLE_BY_HEADS', { embedDim: d, heads: q.nhead }, { port: 'in' });
    if (m![2] !== d) return fail('SHAPE_MISMATCH', { port: 'memory', expected: `[N, S, ${d}] (the same D as the target)`, got: m! }, { port: 'memory' });
    if (tgtMask && tgtMask[1] !== t)
      return fail('SHAPE_MISMATCH', { port: 'tgt_key_padding_mask', expected: fmtShape(['N', t]), got: tgtMask }, { port: 'tgt_key_padding_mask' });
    if (memMask && memMask[1] !== s)
      return fail('SHAPE_MISMATCH', { port: 'memory_key_padding_mask', expected: fmtShape(['N', s]), got: memMask }, { port: 'memory_key_padding_mask' });
    return ok({ out: x! });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const d = x![2] as number;
    const f = q.dim_feedforward;
    const attn = { embedDim: d, kdim: d, vdim: d, bias: q.bias };
    return {
      ...multiheadAttentionWeights('self_attn.', attn),
      ...multiheadAttentionWeights('multihead_attn.', attn),
      ...linearWeights('linear1.', d, f, q.bias),
      ...linearWeights('linear2.', f, d, q.bias),
      ...layerNormWeights('norm1.', d, q.bias),
      ...layerNormWeights('norm2.', d, q.bias),
      ...layerNormWeights('norm3.', d, q.bias),
    };
  },
  flops: ({ params: q, in: { in: x, memory: m } }) => {
    const t = x![1] as number;
    const d = x![2] as number;
    const s = m![1] as number;
    const selfAttention = multiheadAttentionFlops({ tq: t, tk: t, embedDim: d, kdim: d, vdim: d, heads: q.nhead });
    const crossAttention = multiheadAttentionFlops({ tq: t, tk: s, embedDim: d, kdim: d, vdim: d, heads: q.nhead });
    return selfAttention + crossAttention + feedForwardFlops(t, d, q.dim_feedforward) + 3 * (1 + LAYER_NORM_FLOPS_PER_ELEMENT) * t * d;
  },
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: DECODER_LAYER.name,
      args: [x![2] as number, q.nhead],
        kwargs: changed({
          dim_feedforward: [q.dim_feedforward, 2048],
          dropout: [q.dropout, 0.1],
          activation: [q.activation, 'relu'],
          layer_norm_eps: [q.layer_norm_eps, 1e-5],
          norm_first: [q.norm_first, false],
          // bias=False needs torch ≥ 2.1.
          bias: [q.bias, true],
          causal: [q.causal, true],
        }),
    },
    inputs: [
      'in',
      'memory',
      { port: 'tgt_key_padding_mask', kwarg: 'tgt_key_padding_mask' },
      { port: 'memory_key_padding_mask', kwarg: 'memory_key_padding_mask' },
    ],
    helper: DECODER_LAYER,
  }),
  lower: (ctx) => {
    const { ir, params: q, w } = ctx;
    const memory = ctx.x.memory!;
    const norm = (x: V, prefix: string) => layerNorm(ir, x, w, prefix, q.layer_norm_eps);
    const attention = (x: V, source: V, prefix: string, causal: boolean, mask: V | undefined, residualDropout: string) =>
      dropout(
        ctx,
        multiheadAttention(ctx, {
          query: x,
          key: source,
          value: source,
          heads: q.nhead,
          w,
          prefix,
          causal,
          keyPaddingMask: mask,
          dropout: q.dropout,
          dropoutName: `${prefix}dropout`,
        }).out,
        q.dropout,
        residualDropout,
      );
    const selfAttention = (x: V) => attention(x, x, 'self_attn.', q.causal, ctx.x.tgt_key_padding_mask, 'dropout1');
    const crossAttention = (x: V) => attention(x, memory, 'multihead_attn.', false, ctx.x.memory_key_padding_mask, 'dropout2');
    const feedForwardBlock = (x: V) => dropout(ctx, feedForward(ctx, x, w, q.activation, q.dropout), q.dropout, 'dropout3');
    let x = ctx.x.in!;
    if (q.norm_first) {
      x = ir.add(x, selfAttention(norm(x, 'norm1.')));
      x = ir.add(x, crossAttention(norm(x, 'norm2.')));
      x = ir.add(x, feedForwardBlock(norm(x, 'norm3.')));
    } else {
      x = norm(ir.add(x, selfAttention(x)), 'norm1.');
      x = norm(ir.add(x, crossAttention(x)), 'norm2.');
      x = norm(ir.add(x, feedForwardBlock(x)), 'norm3.');
    }
    return { out: x };
  },
});
