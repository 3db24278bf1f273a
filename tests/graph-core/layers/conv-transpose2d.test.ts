import { describe, expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.ConvTranspose2d(...).parameters()); shapes checked with PyTorch 1.13.
layerCases('ConvTranspose2d', [
  {
    name: 'DCGAN up-sampling block: 64→32, k4, s2, p1 doubles 4×4 to 8×8',
    params: { out_channels: 32, kernel_size: 4, stride: 2, padding: 1 },
    inputs: { in: ['N', 64, 4, 4] },
    outputs: { out: ['N', 32, 8, 8] },
    paramCount: 32800, // nn.ConvTranspose2d(64, 32, 4, stride=2, padding=1)
    weights: { weight: [64, 32, 4, 4], bias: [32] },
    flops: 2 * 64 * 4 * 4 * 32 * 16,
  },
  {
    name: 'output_padding reaches an exact 14×14 from 7×7',
    params: { out_channels: 8, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 },
    inputs: { in: ['N', 16, 7, 7] },
    outputs: { out: ['N', 8, 14, 14] },
    paramCount: 1160, // nn.ConvTranspose2d(16, 8, 3, stride=2, padding=1, output_padding=1)
    weights: { weight: [16, 8, 3, 3], bias: [8] },
  },
  {
    name: 'groups, dilation, rectangular kernel and output_padding below dilation',
    params: { out_channels: 6, kernel_size: [3, 2], stride: [1, 2], dilation: [2, 1], groups: 2, output_padding: [1, 1], bias: false },
    inputs: { in: ['N', 4, 5, 6] },
    outputs: { out: ['N', 6, 10, 13] },
    paramCount: 72, // nn.ConvTranspose2d(4, 6, (3, 2), stride=(1, 2), dilation=(2, 1), groups=2, output_padding=(1, 1), bias=False)
    weights: { weight: [4, 3, 3, 2] },
  },
  {
    name: 'defaults: 16 channels, k3, s1 grows 5×5 to 7×7',
    inputs: { in: ['N', 3, 5, 5] },
    outputs: { out: ['N', 16, 7, 7] },
    paramCount: 448, // nn.ConvTranspose2d(3, 16, 3)
    weights: { weight: [3, 16, 3, 3], bias: [16] },
  },
  {
    name: 'output_padding not smaller than stride or dilation',
    params: { output_padding: 1 },
    inputs: { in: ['N', 3, 5, 5] },
    errors: ['BAD_PARAM'],
  },
  {
    name: 'padding that crops the whole output',
    params: { kernel_size: 1, padding: 3 },
    inputs: { in: ['N', 3, 5, 5] },
    errors: ['BAD_PARAM'],
  },
  { name: 'channels not divisible by groups', params: { groups: 2 }, inputs: { in: ['N', 3, 5, 5] }, errors: ['NOT_DIVISIBLE'], errorPort: 'in' },
  { name: 'a sequence [N, C, L] is refused by rank', inputs: { in: ['N', 3, 5] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
]);

describe('ConvTranspose2d initialisation', () => {
  it('uses fan_in = (out_channels/groups)·kh·kw, as torch computes it from weight.size(1)', () => {
    // torch.nn.init._calculate_fan_in_and_fan_out(nn.ConvTranspose2d(4, 6, (3, 2), groups=2).weight)[0] == 18
    const g = runCase('ConvTranspose2d', { name: '', params: { out_channels: 6, kernel_size: [3, 2], groups: 2 }, inputs: { in: ['N', 4, 5, 6] } });
    const w = g.info.get('L')!.weights;
    expect(w['weight']!.init).toEqual({ uniform: 1 / Math.sqrt(18) });
    expect(w['bias']!.init).toEqual({ uniform: 1 / Math.sqrt(18) });
  });
});
