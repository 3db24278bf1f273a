import { expect, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, tensors } from '../../../graph-core';
import { graphAround, layerCases } from '../../helpers/layer-cases';

// No torch module: the closed-form KL of pytorch/examples' VAE. No parameters. Values against PyTorch: tests/train/vae-torch.test.ts.
layerCases('KLDivergenceLoss', [
  { name: 'a 2-D code gives a scalar', inputs: { mu: ['N', 2], logvar: ['N', 2] }, outputs: { out: [] }, paramCount: 0, weights: {}, flops: 12 },
  { name: 'β-VAE weight 4 on a 16-D code', params: { beta: 4 }, inputs: { mu: ['N', 16], logvar: ['N', 16] }, outputs: { out: [] }, flops: 96 },
  { name: 'mu and logvar of different sizes are refused', inputs: { mu: ['N', 4], logvar: ['N', 2] }, errors: ['SHAPE_MISMATCH'], errorPort: 'logvar' },
  { name: 'a negative β is a bad param', params: { beta: -1 }, inputs: { mu: ['N', 2], logvar: ['N', 2] }, errors: ['BAD_PARAM'] },
]);

it('is zero exactly when the code is the prior N(0, 1), and sums over the code, averaging over the batch', () => {
  const run = (mu: number[], lv: number[], params = {}) => {
    const lowered = lowerLayers(inferShapes(graphAround('KLDivergenceLoss', params, { mu: ['N', 2], logvar: ['N', 2] })), { mode: 'eval', includeLosses: true });
    const t = (v: number[]) => tensors.fromArray([2, 2], v);
    return evaluateIr(lowered.ir, { in_mu_0: t(mu), in_logvar_0: t(lv) }, {})['L']!.data[0]!;
  };
  expect(run([0, 0, 0, 0], [0, 0, 0, 0])).toBe(0);
  // KL(N(μ, 1) ‖ N(0, 1)) = μ²/2: samples (1, 0) and (0, 2) give 0.5 and 2, mean 1.25.
  expect(run([1, 0, 0, 2], [0, 0, 0, 0])).toBeCloseTo(1.25, 6);
  // KL(N(0, σ²) ‖ N(0, 1)) = ½(σ² − 1 − log σ²); log σ² = 1 in one element of four.
  expect(run([0, 0, 0, 0], [1, 0, 0, 0])).toBeCloseTo((0.5 * (Math.E - 1 - 1)) / 2, 6);
  expect(run([1, 0, 0, 2], [0, 0, 0, 0], { beta: 0.5 })).toBeCloseTo(0.625, 6);
  // log σ = 0.5 is log σ² = 1.
  expect(run([0, 0, 0, 0], [0.5, 0, 0, 0], { parameterization: 'log_std' })).toBeCloseTo((0.5 * (Math.E - 2)) / 2, 6);
});
