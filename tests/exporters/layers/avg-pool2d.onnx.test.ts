import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'AvgPool2d';

// The accepted configurations of tests/graph-core/layers/avg-pool2d.test.ts, plus ceil_mode windows that run past
// the padding (torch divides by the clipped window with count_include_pad, by the real cells without).
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'LeNet S2: k2 halves 28×28', params: { kernel_size: 2 }, inputs: { in: ['N', 6, 28, 28] } },
  { name: 'k3, s2, p1 on 15×15', params: { kernel_size: 3, stride: 2, padding: 1 }, inputs: { in: ['N', 8, 15, 15] } },
  { name: 'count_include_pad=false', params: { kernel_size: 3, stride: 2, padding: 1, count_include_pad: false }, inputs: { in: ['N', 8, 15, 15] } },
  { name: 'rectangular kernel rounds down', params: { kernel_size: [2, 3] }, inputs: { in: ['N', 3, 7, 9] } },
  { name: 'rectangular kernel with ceil_mode', params: { kernel_size: [2, 3], ceil_mode: true }, inputs: { in: ['N', 3, 7, 9] } },
  { name: 'ceil_mode past the padding, count_include_pad', params: { kernel_size: 3, stride: 2, padding: 1, ceil_mode: true }, inputs: { in: ['N', 2, 8, 8] } },
  {
    name: 'ceil_mode past the padding, count_include_pad=false',
    params: { kernel_size: 3, stride: 2, padding: 1, ceil_mode: true, count_include_pad: false },
    inputs: { in: ['N', 2, 8, 8] },
  },
  { name: 'rectangular kernel, stride and padding with ceil_mode', params: { kernel_size: [3, 2], stride: [2, 1], padding: [1, 1], ceil_mode: true }, inputs: { in: ['N', 2, 7, 6] } },
];

describe('AvgPool2d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.AvgPool2d', () => {
    expectTorchMatches(
      'avg_pool2d',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
