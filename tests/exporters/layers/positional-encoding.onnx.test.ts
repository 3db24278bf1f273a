import { describe, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectTorchMatches } from './torch-reference';

// The configurations of tests/graph-core/layers/positional-encoding.test.ts that the layer accepts, and a longer sequence.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'sinusoidal keeps the shape and has no weights', params: {}, inputs: { in: ['N', 10, 16] } },
  { name: 'learned: one vector per position up to max_len', params: { encoding: 'learned' }, inputs: { in: ['N', 50, 64] } },
  { name: 'learned accepts an odd feature size', params: { encoding: 'learned', max_len: 16 }, inputs: { in: ['N', 16, 7] } },
  { name: 'the lecture base 1000 with T = max_len', params: { base: 1000, max_len: 10 }, inputs: { in: ['N', 10, 4] } },
  { name: 'a longer sinusoidal sequence [N, 100, 32]', params: { max_len: 128 }, inputs: { in: ['N', 100, 32] } },
];

describe('PositionalEncoding lowers and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx('PositionalEncoding', c.params, c.inputs);
    });

  it('matches the PyTorch-tutorial PositionalEncoding (sinusoidal) and x + weight[:T] (learned)', () => {
    expectTorchMatches(
      'positional_encoding',
      CASES.map((c) => ({ params: c.params, ex: exportLayer('PositionalEncoding', c.params, c.inputs) })),
    );
  });
});
