import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/reshape.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: '[N, 784] → [N, 1, 28, 28]', params: { shape: [1, 28, 28] }, inputs: { in: ['N', 784] } },
  { name: 'default [-1] flattens', params: {}, inputs: { in: ['N', 3, 4] } },
  { name: 'an inferred entry', params: { shape: [16, -1] }, inputs: { in: ['N', 16, 5, 5] } },
  { name: 'an empty shape gives [N]', params: { shape: [] }, inputs: { in: ['N', 1] } },
];

describe('Reshape lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Reshape', c.params, c.inputs);
    });
});
