import { expect, it } from 'vitest';
import { inferShapes, lowerLayers } from '../../../graph-core';
import { graphAround, layerCases } from '../../helpers/layer-cases';

// No torch module (torchvision's RandomAffine is a transform, not an nn.Module); no parameters.
// Values against PyTorch: tests/train/random-shift-mode.test.ts.
layerCases('RandomShift', [
  { name: '±4 px on 28×28 digits', inputs: { in: ['N', 1, 28, 28] }, outputs: { out: ['N', 1, 28, 28] }, paramCount: 0, weights: {}, flops: 2 * 784 * 56 },
  { name: '±2 px on colour 32×32 images', params: { max_shift: 2 }, inputs: { in: ['N', 3, 32, 32] }, outputs: { out: ['N', 3, 32, 32] }, flops: 2 * 3 * 1024 * 64 },
  { name: 'max_shift 0 is allowed (no shift)', params: { max_shift: 0 }, inputs: { in: ['N', 1, 8, 8] }, outputs: { out: ['N', 1, 8, 8] } },
  { name: 'a flat vector is refused', inputs: { in: ['N', 784] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'circular fill (torch.roll)', params: { padding_mode: 'circular' }, inputs: { in: ['N', 1, 28, 28] }, outputs: { out: ['N', 1, 28, 28] }, paramCount: 0 },
  { name: 'an unknown padding mode is a bad param', params: { padding_mode: 'reflect' }, inputs: { in: ['N', 1, 8, 8] }, errors: ['BAD_PARAM'] },
  { name: 'a negative shift is a bad param', params: { max_shift: -1 }, inputs: { in: ['N', 1, 8, 8] }, errors: ['BAD_PARAM'] },
]);

it('feeds one shift matrix per sample and axis in train mode, and is the identity in eval mode', () => {
  const g = inferShapes(graphAround('RandomShift', { max_shift: 3 }, { in: ['N', 2, 5, 7] }));
  const train = lowerLayers(g, { mode: 'train', batch: 4 });
  expect(Object.fromEntries(train.feeds)).toEqual({
    'L.rows': { kind: 'shift', maxShift: 3, transposed: false, circular: false },
    'L.cols': { kind: 'shift', maxShift: 3, transposed: true, circular: false },
  });
  const shapes = Object.fromEntries(train.ir.inputs.map((i) => [i.name, train.ir.values[i.value]!.type.shape]));
  expect(shapes).toEqual({ in_in_0: [4, 2, 5, 7], 'L.rows': [4, 1, 5, 5], 'L.cols': [4, 1, 7, 7] });
  const evalMode = lowerLayers(g, { mode: 'eval' });
  expect(evalMode.feeds.size).toBe(0);
  expect(evalMode.ir.nodes).toEqual([]);
});
