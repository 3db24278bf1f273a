import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'Upsample';

// The accepted configurations of tests/graph-core/layers/upsample.test.ts, plus every lowering path: nearest by
// Resize (integer up-scales) or by Gather (torch's 1/scale_factor or float32 indices), bilinear by Resize or by
// interpolation matrices (when in·scale_factor is not an integer).
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'default: nearest, ×2', params: {}, inputs: { in: ['N', 3, 8, 8] } },
  { name: 'bilinear ×1.5 rounds down (5×7 → 7×10)', params: { scale_factor: 1.5, mode: 'bilinear' }, inputs: { in: ['N', 2, 5, 7] } },
  { name: 'size overrides scale_factor (nearest 9×10 → 3×11)', params: { size: [3, 11], scale_factor: 4 }, inputs: { in: ['N', 2, 9, 10] } },
  { name: 'a factor below 1 down-samples (nearest ×0.34)', params: { scale_factor: 0.34 }, inputs: { in: ['N', 2, 9, 10] } },
  { name: 'bilinear with align_corners, ×3', params: { scale_factor: 3, mode: 'bilinear', align_corners: true }, inputs: { in: ['N', 4, 4, 6] } },
  { name: 'nearest ×3', params: { scale_factor: 3 }, inputs: { in: ['N', 2, 4, 5] } },
  { name: 'nearest ×1.5', params: { scale_factor: 1.5 }, inputs: { in: ['N', 2, 5, 6] } },
  { name: 'nearest to size 4×4 from 6×6', params: { size: [4, 4] }, inputs: { in: ['N', 2, 6, 6] } },
  { name: 'bilinear ×2', params: { mode: 'bilinear' }, inputs: { in: ['N', 2, 4, 5] } },
  { name: 'bilinear ×0.5', params: { scale_factor: 0.5, mode: 'bilinear' }, inputs: { in: ['N', 2, 8, 6] } },
  { name: 'bilinear ×0.7 (9×10 → 6×7)', params: { scale_factor: 0.7, mode: 'bilinear' }, inputs: { in: ['N', 2, 9, 10] } },
  { name: 'bilinear to size 7×5 from 4×6', params: { size: [7, 5], mode: 'bilinear' }, inputs: { in: ['N', 2, 4, 6] } },
  { name: 'bilinear to size 1×3 from 4×6', params: { size: [1, 3], mode: 'bilinear' }, inputs: { in: ['N', 2, 4, 6] } },
  { name: 'bilinear with align_corners to size 1×5', params: { size: [1, 5], mode: 'bilinear', align_corners: true }, inputs: { in: ['N', 2, 4, 6] } },
  { name: 'bilinear with align_corners, ×1.5', params: { scale_factor: 1.5, mode: 'bilinear', align_corners: true }, inputs: { in: ['N', 2, 5, 7] } },
];

describe('Upsample lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.Upsample', () => {
    expectTorchMatches(
      'upsample',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
