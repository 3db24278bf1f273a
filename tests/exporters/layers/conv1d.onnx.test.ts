import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'Conv1d';

// The accepted configurations of tests/graph-core/layers/conv1d.test.ts, plus a depthwise convolution.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: '3→16, k5 over a length-100 signal', params: { out_channels: 16, kernel_size: 5 }, inputs: { in: ['N', 3, 100] } },
  { name: 'stride, padding and dilation', params: { out_channels: 4, kernel_size: 3, stride: 2, padding: 2, dilation: 2 }, inputs: { in: ['N', 8, 50] } },
  { name: 'groups=4 without bias', params: { out_channels: 12, kernel_size: 3, groups: 4, bias: false }, inputs: { in: ['N', 8, 20] } },
  { name: 'defaults: 16 filters of length 3', params: {}, inputs: { in: ['N', 1, 10] } },
  { name: 'depthwise (groups = channels) with stride 3 and padding 1', params: { out_channels: 6, kernel_size: 4, stride: 3, padding: 1, groups: 6 }, inputs: { in: ['N', 6, 17] } },
];

describe('Conv1d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.Conv1d', () => {
    expectTorchMatches(
      'conv1d',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
