import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

// The configurations of tests/graph-core/layers/batch-norm1d.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'features [N, 16]', params: {}, inputs: { in: ['N', 16] } },
  { name: 'sequences [N, C, L] = [N, 16, 100]', params: {}, inputs: { in: ['N', 16, 100] } },
  { name: 'affine=False keeps only the running statistics', params: { affine: false }, inputs: { in: ['N', 16] } },
  { name: 'affine=False on sequences, another eps', params: { affine: false, eps: 1e-3 }, inputs: { in: ['N', 4, 6] } },
  { name: 'track_running_stats=False: batch statistics', params: { track_running_stats: false, momentum: 0.01, eps: 1e-3 }, inputs: { in: ['N', 8, 20] } },
  { name: 'neither affine nor running statistics', params: { affine: false, track_running_stats: false }, inputs: { in: ['N', 32] } },
];

describe('BatchNorm1d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('BatchNorm1d', c.params, c.inputs);
      await expectOrtMatches(exportWithRandomState('BatchNorm1d', c.params, c.inputs, { seed: 3 }), 1e-5, c.name);
    });

  it('matches torch.nn.BatchNorm1d in eval mode, with random running statistics and affine parameters', () => {
    expectTorchMatches(
      'batch_norm1d',
      CASES.map((c) => ({ params: c.params, ex: exportWithRandomState('BatchNorm1d', c.params, c.inputs, { seed: 3 }) })),
    );
  });

  it('in train mode normalises with batch statistics, as torch.nn.BatchNorm1d in training', async () => {
    const cases = CASES.map((c) => ({ params: c.params, mode: 'train' as const, ex: exportWithRandomState('BatchNorm1d', c.params, c.inputs, { seed: 4, mode: 'train' }) }));
    for (const { ex } of cases) await expectOrtMatches(ex, 1e-5, 'train');
    expectTorchMatches('batch_norm1d', cases);
  });
});
