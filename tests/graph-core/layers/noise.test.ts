import { expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// No torch module: the equivalent is torch.randn(N, size), e.g. torch.randn(2, 100).shape == (2, 100). No parameters.
layerCases('Noise', [
  { name: 'default latent size 16', inputs: {}, outputs: { out: ['N', 16] }, paramCount: 0, weights: {}, flops: 0 },
  { name: 'a DCGAN latent of size 100', params: { size: 100 }, inputs: {}, outputs: { out: ['N', 100] }, paramCount: 0 },
  { name: 'size 1', params: { size: 1 }, inputs: {}, outputs: { out: ['N', 1] }, paramCount: 0 },
  { name: 'size 0 is a bad param', params: { size: 0 }, inputs: {}, errors: ['BAD_PARAM'] },
  { name: 'a non-integer size is a bad param', params: { size: 2.5 }, inputs: {}, errors: ['BAD_PARAM'] },
]);

it('Noise produces float32 values', () => {
  const g = runCase('Noise', { name: 'dtype', params: { size: 8 }, inputs: {} });
  expect(g.info.get('L')!.outputs.out).toEqual({ shape: ['N', 8], dtype: 'float32' });
});
