import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/log-softmax.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'class scores [N, 10] over the last dim', params: {}, inputs: { in: ['N', 10] } },
  { name: 'dim=-2 over the time steps of a sequence', params: { dim: -2 }, inputs: { in: ['N', 3, 4, 5] } },
  { name: 'per-token vocabulary scores [N, T, V]', params: { dim: 2 }, inputs: { in: ['N', 12, 100] } },
];

describe('LogSoftmax lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('LogSoftmax', c.params, c.inputs);
    });
});
