import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectOrtMatches, expectTorchMatches, exportWithRandomState } from './torch-reference';

// The configurations of tests/graph-core/layers/layer-norm.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'transformer tokens [N, T, 512] over the last dim', params: {}, inputs: { in: ['N', 20, 512] } },
  { name: 'normalized_dims=2 over [T, F]', params: { normalized_dims: 2 }, inputs: { in: ['N', 10, 64] } },
  { name: 'normalized_dims=3 over a whole image [C, H, W]', params: { normalized_dims: 3 }, inputs: { in: ['N', 3, 8, 8] } },
  { name: 'elementwise_affine=False has no parameters', params: { elementwise_affine: false }, inputs: { in: ['N', 512] } },
  { name: 'bias=False keeps only the weight', params: { bias: false }, inputs: { in: ['N', 20, 512] } },
  { name: 'another eps, without affine, over two dims', params: { eps: 0.1, elementwise_affine: false, normalized_dims: 2 }, inputs: { in: ['N', 3, 4, 5] } },
];

describe('LayerNorm lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('LayerNorm', c.params, c.inputs);
      await expectOrtMatches(exportWithRandomState('LayerNorm', c.params, c.inputs, { seed: 3 }), 1e-5, c.name);
    });

  it('matches torch.nn.LayerNorm with random γ and β', () => {
    expectTorchMatches(
      'layer_norm',
      CASES.map((c) => ({ params: c.params, ex: exportWithRandomState('LayerNorm', c.params, c.inputs, { seed: 3 }) })),
    );
  });
});
