import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'ConvTranspose2d';

// The accepted configurations of tests/graph-core/layers/conv-transpose2d.test.ts, plus padding with stride 3,
// dilation and output_padding, and an output_padding torch accepts only for being below the dilation.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'DCGAN block: 64→32, k4, s2, p1 doubles 4×4', params: { out_channels: 32, kernel_size: 4, stride: 2, padding: 1 }, inputs: { in: ['N', 64, 4, 4] } },
  { name: 'output_padding reaches 14×14 from 7×7', params: { out_channels: 8, kernel_size: 3, stride: 2, padding: 1, output_padding: 1 }, inputs: { in: ['N', 16, 7, 7] } },
  {
    name: 'groups, dilation, rectangular kernel, output_padding below dilation, no bias',
    params: { out_channels: 6, kernel_size: [3, 2], stride: [1, 2], dilation: [2, 1], groups: 2, output_padding: [1, 1], bias: false },
    inputs: { in: ['N', 4, 5, 6] },
  },
  { name: 'defaults: 16 channels, k3, s1', params: {}, inputs: { in: ['N', 3, 5, 5] } },
  {
    name: 'stride 3, padding (1, 2), output_padding (2, 1), dilation (1, 2)',
    params: { out_channels: 4, kernel_size: 3, stride: 3, padding: [1, 2], output_padding: [2, 1], dilation: [1, 2] },
    inputs: { in: ['N', 2, 4, 5] },
  },
  {
    name: 'output_padding not below the stride but below the dilation, with padding ≥ output_padding',
    params: { out_channels: 3, kernel_size: 2, stride: 1, padding: [2, 1], dilation: 3, output_padding: [2, 1], groups: 3 },
    inputs: { in: ['N', 3, 5, 4] },
  },
];

describe('ConvTranspose2d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.ConvTranspose2d', () => {
    expectTorchMatches(
      'conv_transpose2d',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
