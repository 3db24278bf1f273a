import { expect, it } from 'vitest';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Input is the argument of forward(): no module, no parameters.
layerCases('Input', [
  { name: 'an MNIST image [1, 28, 28]', params: { shape: [1, 28, 28] }, inputs: {}, outputs: { out: ['N', 1, 28, 28] }, paramCount: 0, weights: {} },
  { name: 'int64 token ids [32]', params: { shape: [32], dtype: 'int64' }, inputs: {}, outputs: { out: ['N', 32] }, paramCount: 0 },
  { name: 'the default [2]', inputs: {}, outputs: { out: ['N', 2] } },
  { name: 'one number per sample', params: { shape: [] }, inputs: {}, outputs: { out: ['N'] } },
  { name: 'a zero size is a bad param', params: { shape: [0, 28] }, inputs: {}, errors: ['BAD_PARAM'] },
  { name: 'an unknown dtype is a bad param', params: { shape: [4], dtype: 'float16' }, inputs: {}, errors: ['BAD_PARAM'] },
]);

it('Input carries its dtype: float32 images, int64 token ids', () => {
  const image = runCase('Input', { name: 'image', params: { shape: [3, 32, 32] }, inputs: {} });
  expect(image.info.get('L')!.outputs.out).toEqual({ shape: ['N', 3, 32, 32], dtype: 'float32' });
  const ids = runCase('Input', { name: 'ids', params: { shape: [32], dtype: 'int64' }, inputs: {} });
  expect(ids.info.get('L')!.outputs.out).toEqual({ shape: ['N', 32], dtype: 'int64' });
});
