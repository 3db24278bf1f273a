import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/select-index.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'the class token x[:, 0]', params: {}, inputs: { in: ['N', 5, 16] } },
  { name: 'the last time step x[:, -1]', params: { index: -1 }, inputs: { in: ['N', 7, 4] } },
  { name: 'a middle dim', params: { dim: 2, index: 3 }, inputs: { in: ['N', 2, 4, 6] } },
  { name: 'negative dim, last index', params: { dim: -1, index: 4 }, inputs: { in: ['N', 3, 5] } },
  { name: 'the most negative valid index', params: { index: -5 }, inputs: { in: ['N', 5, 16] } },
];

describe('SelectIndex lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('SelectIndex', c.params, c.inputs);
    });
});
