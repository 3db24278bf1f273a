import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

const KIND = 'MaxPool1d';

// The accepted configurations of tests/graph-core/layers/max-pool1d.test.ts, plus ceil_mode windows that would
// start in the right padding (torch drops them) and ceil_mode with dilation.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'k2 halves the length', params: { kernel_size: 2 }, inputs: { in: ['N', 16, 100] } },
  { name: 'k3, s2, p1 on an odd length', params: { kernel_size: 3, stride: 2, padding: 1 }, inputs: { in: ['N', 16, 99] } },
  { name: 'k3, s2 rounds down', params: { kernel_size: 3, stride: 2 }, inputs: { in: ['N', 4, 10] } },
  { name: 'ceil_mode rounds up', params: { kernel_size: 3, stride: 2, ceil_mode: true }, inputs: { in: ['N', 4, 10] } },
  { name: 'dilation widens the window', params: { kernel_size: 3, stride: 1, dilation: 2 }, inputs: { in: ['N', 2, 10] } },
  { name: 'ceil_mode drops a window starting in the right padding', params: { kernel_size: 2, stride: 3, padding: 1, ceil_mode: true }, inputs: { in: ['N', 3, 10] } },
  { name: 'ceil_mode with padding and dilation', params: { kernel_size: 3, stride: 2, padding: 1, dilation: 2, ceil_mode: true }, inputs: { in: ['N', 3, 11] } },
];

describe('MaxPool1d lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
    });

  it('matches torch.nn.MaxPool1d', () => {
    expectTorchMatches(
      'max_pool1d',
      CASES.map((c) => ({ params: c.params, ex: exportLayer(KIND, c.params, c.inputs, 2) })),
    );
  });
});
