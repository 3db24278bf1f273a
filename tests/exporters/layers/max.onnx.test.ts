import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/max.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'over time: [N, T, F] → [N, F]', params: {}, inputs: { in: ['N', 10, 32] } },
  { name: 'last dim with keepdim', params: { dim: -1, keepdim: true }, inputs: { in: ['N', 10, 32] } },
  { name: 'a middle dim of an image', params: { dim: 2 }, inputs: { in: ['N', 3, 8, 8] } },
  { name: 'channels with keepdim, negative dim', params: { dim: -3, keepdim: true }, inputs: { in: ['N', 3, 8, 8] } },
];

describe('Max lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Max', c.params, c.inputs);
    });
});
