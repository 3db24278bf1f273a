import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.LayerNorm(D).parameters()), checked with PyTorch 1.13,
// and nn.LayerNorm(D)(x + sublayer).shape for the outputs.
layerCases('ResidualLayerNorm', [
  {
    name: 'Add & Norm on a [N, T, D] sequence',
    inputs: { in: ['N', 10, 64], sublayer: ['N', 10, 64] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 128, // nn.LayerNorm(64)
    weights: { weight: [64], bias: [64] },
    flops: 8 * 10 * 64,
  },
  {
    name: 'on [N, F] features',
    params: { eps: 1e-6 },
    inputs: { in: ['N', 20], sublayer: ['N', 20] },
    outputs: { out: ['N', 20] },
    paramCount: 40, // nn.LayerNorm(20)
    weights: { weight: [20], bias: [20] },
  },
  {
    name: 'normalises only the last dimension of a rank-4 tensor',
    inputs: { in: ['N', 3, 4, 10], sublayer: ['N', 3, 4, 10] },
    outputs: { out: ['N', 3, 4, 10] },
    paramCount: 20, // nn.LayerNorm(10)
    weights: { weight: [10], bias: [10] },
  },
  {
    name: 'the sub-layer changed the feature size',
    inputs: { in: ['N', 10, 64], sublayer: ['N', 10, 32] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'sublayer',
  },
  {
    name: 'shapes must be identical, not merely broadcastable',
    inputs: { in: ['N', 10, 64], sublayer: ['N', 1, 64] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'sublayer',
  },
  { name: 'a bare batch of scalars has nothing to normalise', inputs: { in: ['N'], sublayer: ['N'] }, errors: ['RANK_MISMATCH', 'RANK_MISMATCH'], errorPort: 'in' },
  { name: 'a negative eps is a bad param', params: { eps: -1 }, inputs: { in: ['N', 8], sublayer: ['N', 8] }, errors: ['BAD_PARAM'] },
]);

describe('ResidualLayerNorm initialisation', () => {
  it('starts as a plain normalisation: weight 1, bias 0', () => {
    const w = runCase('ResidualLayerNorm', { name: 'init', inputs: { in: ['N', 4], sublayer: ['N', 4] } }).info.get('L')!.weights;
    expect(w['weight']!.init).toEqual({ constant: 1 });
    expect(w['bias']!.init).toEqual({ constant: 0 });
  });
});
