import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';

// The configurations of tests/graph-core/layers/multiply.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'a squeeze-and-excitation gate [N, C, 1, 1]', params: {}, inputs: { a: ['N', 16, 8, 8], b: ['N', 16, 1, 1] } },
  { name: 'a per-step mask [N, T, 1]', params: {}, inputs: { a: ['N', 10, 32], b: ['N', 10, 1] } },
  { name: 'same shapes', params: {}, inputs: { a: ['N', 6], b: ['N', 6] } },
];

describe('Multiply lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Multiply', c.params, c.inputs);
    });
});
