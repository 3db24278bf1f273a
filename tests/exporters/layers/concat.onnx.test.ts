import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/concat.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'channels of two feature maps', params: {}, inputs: { in: [['N', 3, 8, 8], ['N', 5, 8, 8]] } },
  { name: 'three inputs on the last dim', params: { dim: -1 }, inputs: { in: [['N', 4, 2], ['N', 4, 3], ['N', 4, 5]] } },
  { name: 'a sequence along time', params: { dim: 2 }, inputs: { in: [['N', 3, 4], ['N', 3, 6]] } },
  { name: 'a single input passes through', params: {}, inputs: { in: [['N', 7]] } },
];

describe('Concat lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Concat', c.params, c.inputs);
    });
});
