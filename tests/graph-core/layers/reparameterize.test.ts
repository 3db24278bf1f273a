import { expect, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, tensors } from '../../../graph-core';
import { graphAround, layerCases } from '../../helpers/layer-cases';

// No torch module: pytorch/examples' VAE writes mu + torch.exp(0.5 * logvar) * torch.randn_like(mu). No parameters.
layerCases('Reparameterize', [
  { name: 'a 2-D code', inputs: { mu: ['N', 2], logvar: ['N', 2] }, outputs: { z: ['N', 2] }, paramCount: 0, weights: {}, flops: 6 },
  { name: 'a 20-D code with log σ inputs', params: { parameterization: 'log_std' }, inputs: { mu: ['N', 20], logvar: ['N', 20] }, outputs: { z: ['N', 20] }, flops: 60 },
  { name: 'a spatial code [N, C, H, W]', inputs: { mu: ['N', 4, 3, 3], logvar: ['N', 4, 3, 3] }, outputs: { z: ['N', 4, 3, 3] } },
  { name: 'mu and logvar of different sizes are refused', inputs: { mu: ['N', 2], logvar: ['N', 3] }, errors: ['SHAPE_MISMATCH'], errorPort: 'logvar' },
  { name: 'a per-sample scalar (rank 1) is refused', inputs: { mu: ['N'], logvar: ['N'] }, errors: ['RANK_MISMATCH', 'RANK_MISMATCH'] },
  { name: 'an unknown parameterization is a bad param', params: { parameterization: 'std' }, inputs: { mu: ['N', 2], logvar: ['N', 2] }, errors: ['BAD_PARAM'] },
]);

const mu = tensors.fromArray([2, 2], [0.5, -1, 2, 0]);
const logvar = tensors.fromArray([2, 2], [0, 2, -2, 1]);
const eps = tensors.fromArray([2, 2], [1, -0.5, 0.25, 2]);

it('in train mode z = μ + exp(½·logvar)·ε with ε fed as standard normal noise', () => {
  const lowered = lowerLayers(inferShapes(graphAround('Reparameterize', {}, { mu: ['N', 2], logvar: ['N', 2] })), { mode: 'train', batch: 2 });
  expect(lowered.feeds.get('L.eps')).toEqual({ kind: 'normal' });
  const z = evaluateIr(lowered.ir, { in_mu_0: mu, in_logvar_0: logvar, 'L.eps': eps }, {})['L']!;
  const want = [0, 1, 2, 3].map((i) => mu.data[i]! + Math.exp(0.5 * logvar.data[i]!) * eps.data[i]!);
  Array.from(z.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
});

it('with log σ inputs z = μ + exp(log σ)·ε (the lecture\'s c = exp(δ)·e + m)', () => {
  const lowered = lowerLayers(inferShapes(graphAround('Reparameterize', { parameterization: 'log_std' }, { mu: ['N', 2], logvar: ['N', 2] })), { mode: 'train', batch: 2 });
  const z = evaluateIr(lowered.ir, { in_mu_0: mu, in_logvar_0: logvar, 'L.eps': eps }, {})['L']!;
  const want = [0, 1, 2, 3].map((i) => mu.data[i]! + Math.exp(logvar.data[i]!) * eps.data[i]!);
  Array.from(z.data).forEach((v, i) => expect(v).toBeCloseTo(want[i]!, 5));
});

it('in eval mode (export) z = μ and nothing is sampled', () => {
  const lowered = lowerLayers(inferShapes(graphAround('Reparameterize', {}, { mu: ['N', 2], logvar: ['N', 2] })), { mode: 'eval' });
  expect(lowered.feeds.size).toBe(0);
  expect(Array.from(evaluateIr(lowered.ir, { in_mu_0: mu, in_logvar_0: logvar }, {})['L']!.data)).toEqual(Array.from(mu.data));
});
