import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// torch has no module for this kind. Counts and shapes were checked with PyTorch 1.13 against a reference module
// with the same state_dict names: `weight = nn.Parameter(torch.empty(Dq, Dk))` for 'general';
// `W = nn.Linear(Dq + Dk, attn_dim, bias=False)` and `v = nn.Linear(attn_dim, 1, bias=False)` for 'additive'.
layerCases('Attention', [
  {
    name: 'scaled dot-product (default): Tq=4 queries over Tk=6 keys, Dv=8 values',
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8] },
    outputs: { context: ['N', 4, 8], weights: ['N', 4, 6] },
    paramCount: 0,
    weights: {},
    // scores 2·Tq·Tk·Dk + scaling Tq·Tk + softmax 3·Tq·Tk + weighted sum 2·Tq·Tk·Dv
    flops: 2 * 24 * 16 + 24 + 3 * 24 + 2 * 24 * 8,
  },
  {
    name: 'plain dot product with an [N, Tk] mask',
    params: { score: 'dot' },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8], mask: ['N', 6] },
    outputs: { context: ['N', 4, 8], weights: ['N', 4, 6] },
    paramCount: 0,
    flops: 2 * 24 * 16 + 3 * 24 + 2 * 24 * 8,
  },
  {
    name: 'general (bilinear) score learns W [Dq, Dk]; Dq ≠ Dk is fine; int64 [N, Tq, Tk] mask',
    params: { score: 'general' },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8], mask: { shape: ['N', 4, 6], dtype: 'int64' } },
    outputs: { context: ['N', 4, 8], weights: ['N', 4, 6] },
    paramCount: 192, // reference: nn.Parameter(torch.empty(16, 12)).numel()
    weights: { weight: [16, 12] },
  },
  {
    name: 'additive (Bahdanau) score with attn_dim=10',
    params: { score: 'additive', attn_dim: 10 },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8] },
    outputs: { context: ['N', 4, 8], weights: ['N', 4, 6] },
    paramCount: 290, // nn.Linear(28, 10, bias=False) + nn.Linear(10, 1, bias=False)
    weights: { 'W.weight': [10, 28], 'v.weight': [1, 10] },
  },
  {
    name: 'additive score with the default attn_dim=32',
    params: { score: 'additive' },
    inputs: { query: ['N', 3, 20], keys: ['N', 9, 20], values: ['N', 9, 5] },
    outputs: { context: ['N', 3, 5], weights: ['N', 3, 9] },
    paramCount: 1312, // nn.Linear(40, 32, bias=False) + nn.Linear(32, 1, bias=False)
    weights: { 'W.weight': [32, 40], 'v.weight': [1, 32] },
  },
  {
    name: 'dot-product scores need Dq = Dk',
    params: { score: 'dot' },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'keys',
  },
  {
    name: 'scaled_dot also needs Dq = Dk',
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 12], values: ['N', 6, 8] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'keys',
  },
  {
    name: 'one value per key',
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 5, 8] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'values',
  },
  {
    name: 'an [N, Tq] mask fits neither form',
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8], mask: ['N', 4] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'mask',
  },
  {
    name: 'a transposed [N, Tk, Tq] mask is refused',
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8], mask: ['N', 6, 4] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'mask',
  },
  {
    name: 'keys must be a sequence',
    inputs: { query: ['N', 4, 16], keys: ['N', 16], values: ['N', 6, 8] },
    errors: ['RANK_MISMATCH'],
    errorPort: 'keys',
  },
  {
    name: 'attn_dim 0 is a bad param',
    params: { score: 'additive', attn_dim: 0 },
    inputs: { query: ['N', 4, 16], keys: ['N', 6, 16], values: ['N', 6, 8] },
    errors: ['BAD_PARAM'],
  },
]);

describe('Attention initialisation', () => {
  it('uses the Linear bound 1/√fan_in for the learned scores', () => {
    const general = runCase('Attention', {
      name: 'init',
      params: { score: 'general' },
      inputs: { query: ['N', 4, 16], keys: ['N', 6, 9], values: ['N', 6, 8] },
    }).info.get('L')!.weights;
    expect(general['weight']!.init).toEqual({ uniform: 1 / 3 });
    const additive = runCase('Attention', {
      name: 'init',
      params: { score: 'additive', attn_dim: 4 },
      inputs: { query: ['N', 4, 16], keys: ['N', 6, 9], values: ['N', 6, 8] },
    }).info.get('L')!.weights;
    expect(additive['W.weight']!.init).toEqual({ uniform: 1 / 5 });
    expect(additive['v.weight']!.init).toEqual({ uniform: 1 / 2 });
  });
});
