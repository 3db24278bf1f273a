import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

const KIND = 'ResidualLayerNorm';

// The accepted configurations of tests/graph-core/layers/residual-layer-norm.test.ts, plus a larger eps.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'Add & Norm on a [N, T, D] sequence', params: {}, inputs: { in: ['N', 10, 64], sublayer: ['N', 10, 64] } },
  { name: 'on [N, F] features, eps=1e-6', params: { eps: 1e-6 }, inputs: { in: ['N', 20], sublayer: ['N', 20] } },
  { name: 'normalises only the last dimension of a rank-4 tensor', params: {}, inputs: { in: ['N', 3, 4, 10], sublayer: ['N', 3, 4, 10] } },
  { name: 'a large eps changes the result', params: { eps: 0.5 }, inputs: { in: ['N', 6, 8], sublayer: ['N', 6, 8] } },
];

describe('ResidualLayerNorm lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs);
      await expectOrtMatches(exportWithRandomState(KIND, c.params, c.inputs, { seed: 3 }), 1e-5, c.name);
    });

  it('matches torch.nn.LayerNorm(D, eps)(in + sublayer) with random γ and β', () => {
    expectTorchMatches(
      'residual_layer_norm',
      CASES.map((c) => ({ params: c.params, ex: exportWithRandomState(KIND, c.params, c.inputs, { seed: 3 }) })),
    );
  });
});
