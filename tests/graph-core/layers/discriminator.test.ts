import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts and shapes checked with PyTorch 1.13 on the equivalent module
//   layers = nn.Sequential(nn.Linear(F, h1), nn.LeakyReLU(0.2), …, nn.Linear(h_k, 1)) applied to x.flatten(1),
// written below as Disc(F, hidden_sizes): sum(p.numel() for p in Disc(...).parameters()).
layerCases('Discriminator', [
  {
    name: 'defaults on MNIST images: 784 → 64 → 64 → 1',
    inputs: { in: ['N', 1, 28, 28] },
    outputs: { out: ['N', 1] },
    paramCount: 54465, // Disc(784, [64, 64])
    weights: {
      'layers.0.weight': [64, 784], 'layers.0.bias': [64],
      'layers.2.weight': [64, 64], 'layers.2.bias': [64],
      'layers.4.weight': [1, 64], 'layers.4.bias': [1],
    },
    flops: 2 * (784 * 64 + 64 * 64 + 64 * 1) + 64 + 64,
  },
  {
    name: 'one hidden layer on flat features',
    params: { hidden_sizes: [128], negative_slope: 0.01 },
    inputs: { in: ['N', 100] },
    outputs: { out: ['N', 1] },
    paramCount: 13057, // Disc(100, [128])
    weights: { 'layers.0.weight': [128, 100], 'layers.0.bias': [128], 'layers.2.weight': [1, 128], 'layers.2.bias': [1] },
  },
  {
    name: 'no hidden layers: a single Linear to the logit',
    params: { hidden_sizes: [] },
    inputs: { in: ['N', 3, 8, 8] },
    outputs: { out: ['N', 1] },
    paramCount: 193, // Disc(192, [])
    weights: { 'layers.0.weight': [1, 192], 'layers.0.bias': [1] },
    flops: 2 * 192,
  },
  {
    name: 'three hidden layers on a sequence input',
    params: { hidden_sizes: [32, 16, 8] },
    inputs: { in: ['N', 5, 4] },
    outputs: { out: ['N', 1] },
    paramCount: 1345, // Disc(20, [32, 16, 8])
    weights: {
      'layers.0.weight': [32, 20], 'layers.0.bias': [32],
      'layers.2.weight': [16, 32], 'layers.2.bias': [16],
      'layers.4.weight': [8, 16], 'layers.4.bias': [8],
      'layers.6.weight': [1, 8], 'layers.6.bias': [1],
    },
  },
  { name: 'a per-sample scalar [N] is refused by rank', inputs: { in: ['N'] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'class ids are refused', inputs: { in: { shape: ['N', 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
  { name: 'a hidden size of 0 is a bad param', params: { hidden_sizes: [64, 0] }, inputs: { in: ['N', 10] }, errors: ['BAD_PARAM'] },
]);

describe('Discriminator initialisation', () => {
  it('uses U(±1/√fan_in) per Linear, as torch', () => {
    const g = runCase('Discriminator', { name: 'init', params: { hidden_sizes: [16] }, inputs: { in: ['N', 4, 4, 4] } });
    const weights = g.info.get('L')!.weights;
    expect(weights['layers.0.weight']!.init).toEqual({ uniform: 1 / 8 });
    expect(weights['layers.0.bias']!.init).toEqual({ uniform: 1 / 8 });
    expect(weights['layers.2.weight']!.init).toEqual({ uniform: 1 / 4 });
    expect(weights['layers.2.bias']!.init).toEqual({ uniform: 1 / 4 });
  });
});
