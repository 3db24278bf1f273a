import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/unflatten.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'dense → image: [N, 784] → [N, 1, 28, 28]', params: { dim: 1, unflattened_size: [1, 28, 28] }, inputs: { in: ['N', 784] } },
  { name: 'defaults (dim 1, [1, -1])', params: {}, inputs: { in: ['N', 12] } },
  { name: 'negative dim with an inferred size', params: { dim: -1, unflattened_size: [3, -1] }, inputs: { in: ['N', 3, 12] } },
  { name: 'a middle dimension', params: { dim: 2, unflattened_size: [2, 3] }, inputs: { in: ['N', 4, 6, 5] } },
];

describe('Unflatten lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Unflatten', c.params, c.inputs);
    });
});
