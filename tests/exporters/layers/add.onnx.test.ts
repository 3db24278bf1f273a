import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/add.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'a residual connection: same shapes', params: {}, inputs: { a: ['N', 4, 8], b: ['N', 4, 8] } },
  { name: 'a per-channel bias [N, C, 1, 1]', params: {}, inputs: { a: ['N', 16, 8, 8], b: ['N', 16, 1, 1] } },
  { name: 'both sides broadcast', params: {}, inputs: { a: ['N', 1, 5], b: ['N', 4, 1] } },
];

describe('Add lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Add', c.params, c.inputs);
    });
});
