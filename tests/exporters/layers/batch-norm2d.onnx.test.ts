import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

// The configurations of tests/graph-core/layers/batch-norm2d.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'after a ResNet conv: [N, 64, 32, 32]', params: {}, inputs: { in: ['N', 64, 32, 32] } },
  { name: 'LeNet-sized [N, 6, 28, 28]', params: {}, inputs: { in: ['N', 6, 28, 28] } },
  { name: 'affine=False keeps only the running statistics', params: { affine: false }, inputs: { in: ['N', 3, 8, 8] } },
  { name: 'track_running_stats=False: batch statistics', params: { track_running_stats: false }, inputs: { in: ['N', 3, 5, 7] } },
  { name: 'neither affine nor running statistics, another eps', params: { affine: false, track_running_stats: false, eps: 1e-2 }, inputs: { in: ['N', 2, 3, 4] } },
];

describe('BatchNorm2d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('BatchNorm2d', c.params, c.inputs);
      await expectOrtMatches(exportWithRandomState('BatchNorm2d', c.params, c.inputs, { seed: 3 }), 1e-5, c.name);
    });

  it('matches torch.nn.BatchNorm2d in eval mode, with random running statistics and affine parameters', () => {
    expectTorchMatches(
      'batch_norm2d',
      CASES.map((c) => ({ params: c.params, ex: exportWithRandomState('BatchNorm2d', c.params, c.inputs, { seed: 3 }) })),
    );
  });

  it('in train mode normalises with batch statistics, as torch.nn.BatchNorm2d in training', async () => {
    const cases = CASES.map((c) => ({ params: c.params, mode: 'train' as const, ex: exportWithRandomState('BatchNorm2d', c.params, c.inputs, { seed: 4, mode: 'train' }) }));
    for (const { ex } of cases) await expectOrtMatches(ex, 1e-5, 'train');
    expectTorchMatches('batch_norm2d', cases);
  });
});
