import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/permute.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'default [0, 2, 1]: [N, T, F] → [N, F, T]', params: {}, inputs: { in: ['N', 5, 8] } },
  { name: 'channels last', params: { dims: [0, 2, 3, 1] }, inputs: { in: ['N', 3, 32, 32] } },
  { name: 'negative entries', params: { dims: [0, -1, -2] }, inputs: { in: ['N', 4, 6] } },
  { name: 'swap the last two of four', params: { dims: [0, 1, 3, 2] }, inputs: { in: ['N', 3, 4, 5] } },
];

describe('Permute lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Permute', c.params, c.inputs);
    });
});
