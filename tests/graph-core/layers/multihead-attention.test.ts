import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts and shapes checked with PyTorch 1.13:
// m = torch.nn.MultiheadAttention(E, h, ..., batch_first=True); sum(p.numel() for p in m.parameters());
// out, w = m(q, k, v, average_attn_weights=False).
layerCases('MultiheadAttention', [
  {
    name: 'self-attention (query only): E=64, 8 heads, packed in_proj_weight',
    params: { num_heads: 8 },
    inputs: { query: ['N', 10, 64] },
    outputs: { out: ['N', 10, 64], weights: ['N', 8, 10, 10] },
    paramCount: 16640, // MultiheadAttention(64, 8) = 4·64² + 4·64
    weights: { in_proj_weight: [192, 64], in_proj_bias: [192], 'out_proj.weight': [64, 64], 'out_proj.bias': [64] },
  },
  {
    name: 'cross-attention with kdim=32, vdim=48 keeps separate q/k/v projections',
    inputs: { query: ['N', 5, 64], key: ['N', 7, 32], value: ['N', 7, 48] },
    outputs: { out: ['N', 5, 64], weights: ['N', 4, 5, 7] },
    paramCount: 13568, // MultiheadAttention(64, 4, kdim=32, vdim=48)
    weights: {
      q_proj_weight: [64, 64],
      k_proj_weight: [64, 32],
      v_proj_weight: [64, 48],
      in_proj_bias: [192],
      'out_proj.weight': [64, 64],
      'out_proj.bias': [64],
    },
  },
  {
    name: 'bias=false drops in_proj_bias and out_proj.bias',
    params: { bias: false },
    inputs: { query: ['N', 3, 32] },
    outputs: { out: ['N', 3, 32], weights: ['N', 4, 3, 3] },
    paramCount: 4096, // MultiheadAttention(32, 4, bias=False) = 4·32²
    weights: { in_proj_weight: [96, 32], 'out_proj.weight': [32, 32] },
  },
  {
    name: 'key only: value defaults to key (kdim = vdim = 16)',
    inputs: { query: ['N', 5, 64], key: ['N', 7, 16] },
    outputs: { out: ['N', 5, 64], weights: ['N', 4, 5, 7] },
    paramCount: 10496, // MultiheadAttention(64, 4, kdim=16, vdim=16)
  },
  {
    name: 'value only: key defaults to query (kdim = E, vdim = 48)',
    inputs: { query: ['N', 5, 64], value: ['N', 5, 48] },
    outputs: { out: ['N', 5, 64], weights: ['N', 4, 5, 5] },
    paramCount: 15616, // MultiheadAttention(64, 4, vdim=48)
    weights: {
      q_proj_weight: [64, 64],
      k_proj_weight: [64, 64],
      v_proj_weight: [64, 48],
      in_proj_bias: [192],
      'out_proj.weight': [64, 64],
      'out_proj.bias': [64],
    },
  },
  {
    name: 'bias=false with only vdim different: separate projections, no biases',
    params: { num_heads: 3, bias: false },
    inputs: { query: ['N', 3, 24], key: ['N', 4, 24], value: ['N', 4, 10] },
    outputs: { out: ['N', 3, 24], weights: ['N', 3, 3, 4] },
    paramCount: 1968, // MultiheadAttention(24, 3, kdim=24, vdim=10, bias=False)
    weights: { q_proj_weight: [24, 24], k_proj_weight: [24, 24], v_proj_weight: [24, 10], 'out_proj.weight': [24, 24] },
  },
  {
    name: 'causal self-attention with an int64 key_padding_mask',
    params: { num_heads: 2, causal: true, dropout: 0.1 },
    inputs: { query: ['N', 6, 16], key_padding_mask: { shape: ['N', 6], dtype: 'int64' } },
    outputs: { out: ['N', 6, 16], weights: ['N', 2, 6, 6] },
    paramCount: 1088, // MultiheadAttention(16, 2)
    // q, k, v projections + scores and weighted sum + softmax (3 per score per head) + output projection
    flops: 3 * (2 * 6 * 16 * 16) + 2 * (2 * 6 * 6 * 16) + 3 * 2 * 6 * 6 + 2 * 6 * 16 * 16,
  },
  {
    name: 'a float key_padding_mask is accepted too',
    inputs: { query: ['N', 5, 64], key: ['N', 7, 32], value: ['N', 7, 48], key_padding_mask: ['N', 7] },
    outputs: { out: ['N', 5, 64], weights: ['N', 4, 5, 7] },
    paramCount: 13568, // MultiheadAttention(64, 4, kdim=32, vdim=48)
  },
  {
    name: 'E=30 cannot be split into 4 heads',
    inputs: { query: ['N', 5, 30] },
    errors: ['EMBED_DIM_NOT_DIVISIBLE_BY_HEADS'],
    errorPort: 'query',
  },
  {
    name: 'keys and values of different lengths',
    inputs: { query: ['N', 5, 64], key: ['N', 7, 64], value: ['N', 8, 64] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'value',
  },
  {
    name: 'causal attention needs as many keys as queries',
    params: { causal: true },
    inputs: { query: ['N', 5, 64], key: ['N', 7, 64] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'key',
  },
  {
    name: 'key_padding_mask must be [N, Tk]',
    inputs: { query: ['N', 5, 64], key: ['N', 7, 64], key_padding_mask: ['N', 5] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'key_padding_mask',
  },
  { name: 'an unbatched-looking [N, E] query is refused by rank', inputs: { query: ['N', 64] }, errors: ['RANK_MISMATCH'], errorPort: 'query' },
  { name: 'integer ids must be embedded first', inputs: { query: { shape: ['N', 5, 64], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'query' },
  { name: 'num_heads 0 is a bad param', params: { num_heads: 0 }, inputs: { query: ['N', 5, 64] }, errors: ['BAD_PARAM'] },
]);

describe('MultiheadAttention initialisation', () => {
  it('uses xavier_uniform for the input projections, zero biases and the Linear bound for out_proj', () => {
    const w = runCase('MultiheadAttention', { name: 'init', params: { num_heads: 8 }, inputs: { query: ['N', 10, 64] } }).info.get('L')!.weights;
    expect(w['in_proj_weight']!.init).toEqual({ uniform: Math.sqrt(6 / (64 + 192)) });
    expect(w['in_proj_bias']!.init).toEqual({ constant: 0 });
    expect(w['out_proj.weight']!.init).toEqual({ uniform: 1 / 8 });
    expect(w['out_proj.bias']!.init).toEqual({ constant: 0 });
  });

  it('bounds each separate projection by its own fan-in and fan-out', () => {
    const w = runCase('MultiheadAttention', {
      name: 'init',
      inputs: { query: ['N', 5, 64], key: ['N', 7, 32], value: ['N', 7, 48] },
    }).info.get('L')!.weights;
    expect(w['q_proj_weight']!.init).toEqual({ uniform: Math.sqrt(6 / 128) });
    expect(w['k_proj_weight']!.init).toEqual({ uniform: Math.sqrt(6 / 96) });
    expect(w['v_proj_weight']!.init).toEqual({ uniform: Math.sqrt(6 / 112) });
  });
});
