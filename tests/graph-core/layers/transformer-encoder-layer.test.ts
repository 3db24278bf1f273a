import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts and output shapes checked with PyTorch 1.13:
// e = torch.nn.TransformerEncoderLayer(D, nhead, dim_feedforward=F, batch_first=True); sum(p.numel() for p in e.parameters());
// e(x, src_key_padding_mask=m).shape. Torch 1.13 has no `bias` argument: the bias=false count is computed by hand
// (4D² + 2DF + 2D) and equals sum(p.numel() for n, p in e.named_parameters() if not n.endswith('bias')) on 1.13.
const D64 = {
  'self_attn.in_proj_weight': [192, 64],
  'self_attn.in_proj_bias': [192],
  'self_attn.out_proj.weight': [64, 64],
  'self_attn.out_proj.bias': [64],
  'linear1.weight': [128, 64],
  'linear1.bias': [128],
  'linear2.weight': [64, 128],
  'linear2.bias': [64],
  'norm1.weight': [64],
  'norm1.bias': [64],
  'norm2.weight': [64],
  'norm2.bias': [64],
};

layerCases('TransformerEncoderLayer', [
  {
    name: 'D=64, 4 heads, F=128',
    params: { dim_feedforward: 128 },
    inputs: { in: ['N', 10, 64] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 33472, // TransformerEncoderLayer(64, 4, dim_feedforward=128)
    weights: D64,
  },
  {
    name: 'the default dim_feedforward=2048 on D=32',
    inputs: { in: ['N', 5, 32] },
    outputs: { out: ['N', 5, 32] },
    paramCount: 137504, // TransformerEncoderLayer(32, 4)
  },
  {
    name: 'the base Transformer size: D=512, 8 heads, with a padding mask',
    params: { nhead: 8 },
    inputs: { in: ['N', 20, 512], src_key_padding_mask: { shape: ['N', 20], dtype: 'int64' } },
    outputs: { out: ['N', 20, 512] },
    paramCount: 3152384, // TransformerEncoderLayer(512, 8)
  },
  {
    name: 'pre-norm with GELU does not change the parameters',
    params: { nhead: 6, dim_feedforward: 96, norm_first: true, activation: 'gelu', causal: true, dropout: 0 },
    inputs: { in: ['N', 9, 48], src_key_padding_mask: ['N', 9] },
    outputs: { out: ['N', 9, 48] },
    paramCount: 18960, // TransformerEncoderLayer(48, 6, dim_feedforward=96, norm_first=True, activation='gelu')
  },
  {
    name: 'bias=false drops every bias, LayerNorm biases included',
    params: { dim_feedforward: 128, bias: false },
    inputs: { in: ['N', 10, 64] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 32896, // by hand: 4·64² + 2·64·128 + 2·64 (torch ≥ 2.1 TransformerEncoderLayer(64, 4, 128, bias=False))
    weights: {
      'self_attn.in_proj_weight': [192, 64],
      'self_attn.out_proj.weight': [64, 64],
      'linear1.weight': [128, 64],
      'linear2.weight': [64, 128],
      'norm1.weight': [64],
      'norm2.weight': [64],
    },
  },
  {
    name: 'FLOPs: self-attention, feed-forward, two residual additions and two LayerNorms',
    params: { nhead: 2, dim_feedforward: 32 },
    inputs: { in: ['N', 6, 16] },
    outputs: { out: ['N', 6, 16] },
    paramCount: 2224, // TransformerEncoderLayer(16, 2, dim_feedforward=32)
    flops:
      4 * (2 * 6 * 16 * 16) + 2 * (2 * 6 * 6 * 16) + 3 * 2 * 6 * 6 + // attention
      2 * (2 * 6 * 16 * 32) + 6 * 32 + // feed-forward
      2 * 8 * 6 * 16, // Add & Norm twice
  },
  { name: 'D=30 cannot be split into 4 heads', inputs: { in: ['N', 10, 30] }, errors: ['EMBED_DIM_NOT_DIVISIBLE_BY_HEADS'], errorPort: 'in' },
  {
    name: 'the padding mask must cover every position',
    inputs: { in: ['N', 10, 64], src_key_padding_mask: ['N', 9] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'src_key_padding_mask',
  },
  { name: 'a [N, D] input is refused by rank', inputs: { in: ['N', 64] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'an unknown activation is a bad param', params: { activation: 'tanh' }, inputs: { in: ['N', 10, 64] }, errors: ['BAD_PARAM'] },
]);

describe('TransformerEncoderLayer initialisation', () => {
  it('keeps the MultiheadAttention and Linear defaults', () => {
    const w = runCase('TransformerEncoderLayer', { name: 'init', params: { dim_feedforward: 128 }, inputs: { in: ['N', 10, 64] } }).info.get('L')!
      .weights;
    expect(w['self_attn.in_proj_weight']!.init).toEqual({ uniform: Math.sqrt(6 / 256) });
    expect(w['self_attn.in_proj_bias']!.init).toEqual({ constant: 0 });
    expect(w['linear1.weight']!.init).toEqual({ uniform: 1 / 8 });
    expect(w['linear2.bias']!.init).toEqual({ uniform: 1 / Math.sqrt(128) });
    expect(w['norm2.weight']!.init).toEqual({ constant: 1 });
  });
});
