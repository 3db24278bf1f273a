import { expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.Linear(in, out, bias).parameters()).
layerCases('Linear', [
  {
    name: 'MNIST hidden layer 784 → 128',
    params: { out_features: 128 },
    inputs: { in: ['N', 784] },
    outputs: { out: ['N', 128] },
    paramCount: 100480, // torch.nn.Linear(784, 128)
    weights: { weight: [128, 784], bias: [128] },
    flops: 2 * 784 * 128,
  },
  {
    name: 'per time step on [N, T, F]: 32 → 64',
    params: { out_features: 64 },
    inputs: { in: ['N', 10, 32] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 2112, // torch.nn.Linear(32, 64)
    weights: { weight: [64, 32], bias: [64] },
    flops: 2 * 10 * 32 * 64,
  },
  {
    name: 'without bias',
    params: { out_features: 5, bias: false },
    inputs: { in: ['N', 20] },
    outputs: { out: ['N', 5] },
    paramCount: 100, // torch.nn.Linear(20, 5, bias=False)
    weights: { weight: [5, 20] },
  },
  {
    name: 'an in_features that matches',
    params: { out_features: 1, in_features: 20 },
    inputs: { in: ['N', 20] },
    outputs: { out: ['N', 1] },
    paramCount: 21, // torch.nn.Linear(20, 1)
  },
  { name: 'an in_features that does not match', params: { in_features: 30 }, inputs: { in: ['N', 20] }, errors: ['SHAPE_MISMATCH'], errorPort: 'in' },
  {
    name: 'an unflattened input whose flattened size matches in_features',
    params: { in_features: 20 },
    inputs: { in: ['N', 4, 5] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'in',
  },
  { name: 'an image [N, C, H, W] is refused by rank', inputs: { in: ['N', 16, 5, 5] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'out_features 0 is a bad param', params: { out_features: 0 }, inputs: { in: ['N', 20] }, errors: ['BAD_PARAM'] },
]);

it('Linear offers to insert a Flatten when the flattened size is in_features', () => {
  const g = runCase('Linear', { name: 'fix', params: { in_features: 20 }, inputs: { in: ['N', 4, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'SHAPE_MISMATCH')!;
  expect(d.fix).toEqual({ title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e_in_0' });
});

it('Linear offers no Flatten when the flattened size does not match either', () => {
  const g = runCase('Linear', { name: 'no fix', params: { in_features: 30 }, inputs: { in: ['N', 4, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'SHAPE_MISMATCH')!;
  expect(d.port).toBe('in');
  expect(d.fix).toBeUndefined();
});

it('Linear offers to insert a Flatten for a rank-4 input', () => {
  const g = runCase('Linear', { name: 'rank fix', inputs: { in: ['N', 16, 5, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'RANK_MISMATCH')!;
  expect(d.fix).toEqual({ title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e_in_0' });
});
