import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

// The configurations of tests/graph-core/layers/discriminator.test.ts that the layer accepts.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'defaults on MNIST images: 784 → 64 → 64 → 1', params: {}, inputs: { in: ['N', 1, 28, 28] } },
  { name: 'one hidden layer on flat features', params: { hidden_sizes: [128], negative_slope: 0.01 }, inputs: { in: ['N', 100] } },
  { name: 'no hidden layers: a single Linear to the logit', params: { hidden_sizes: [] }, inputs: { in: ['N', 3, 8, 8] } },
  { name: 'three hidden layers on a sequence input', params: { hidden_sizes: [32, 16, 8] }, inputs: { in: ['N', 5, 4] } },
];

describe('Discriminator lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('Discriminator', c.params, c.inputs);
    });

  it('matches nn.Sequential(nn.Linear, nn.LeakyReLU, …, nn.Linear(·, 1)) on x.flatten(1)', () => {
    expectTorchMatches(
      'discriminator',
      CASES.map((c) => ({ params: c.params, ex: exportLayer('Discriminator', c.params, c.inputs) })),
    );
  });
});
