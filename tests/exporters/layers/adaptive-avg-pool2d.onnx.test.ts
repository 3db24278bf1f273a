import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'AdaptiveAvgPool2d';

// The accepted configurations of tests/graph-core/layers/adaptive-avg-pool2d.test.ts (each lowering path: global,
// evenly divided AveragePool, averaging matrices), plus sizes that divide along one axis only.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'global average pooling (ResNet head)', params: {}, inputs: { in: ['N', 512, 7, 7] } },
  { name: 'AlexNet 6×6 from 13×13 (overlapping windows)', params: { output_size: 6 }, inputs: { in: ['N', 256, 13, 13] } },
  { name: 'rectangular output_size', params: { output_size: [2, 3] }, inputs: { in: ['N', 4, 5, 7] } },
  { name: 'output_size equal to the input', params: { output_size: [5, 7] }, inputs: { in: ['N', 4, 5, 7] } },
  { name: 'evenly divided: 8×6 → 2×3', params: { output_size: [2, 3] }, inputs: { in: ['N', 3, 8, 6] } },
  { name: 'height divides, width does not: 6×7 → 3×3', params: { output_size: 3 }, inputs: { in: ['N', 3, 6, 7] } },
  { name: 'one row of windows: 4×7 → 1×3', params: { output_size: [1, 3] }, inputs: { in: ['N', 2, 4, 7] } },
  { name: 'height unchanged: 5×9 → 5×4', params: { output_size: [5, 4] }, inputs: { in: ['N', 2, 5, 9] } },
];

describe('AdaptiveAvgPool2d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.AdaptiveAvgPool2d', () => {
    expectTorchMatches(
      'adaptive_avg_pool2d',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
