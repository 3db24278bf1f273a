import { describe, expect, it } from 'vitest';
import type { RawParamValue } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import type { LayerCase } from '../../helpers/layer-cases';
import { expectClose } from '../../helpers/op-check';
import { torchOutputs } from './torch-reference';

const KIND = 'GRU';
const PORTS = ['out', 'last', 'h_n'];

// The accepted configurations of tests/graph-core/layers/gru.test.ts, plus a single time step.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'defaults: one layer of 32 units', params: {}, inputs: { in: ['N', 5, 10] } },
  { name: 'two layers (dropout is off in eval mode)', params: { hidden_size: 20, num_layers: 2, dropout: 0.1 }, inputs: { in: ['N', 6, 8] } },
  { name: 'bidirectional', params: { hidden_size: 16, bidirectional: true }, inputs: { in: ['N', 7, 8] } },
  { name: 'two bidirectional layers', params: { hidden_size: 16, num_layers: 2, bidirectional: true }, inputs: { in: ['N', 7, 8] } },
  { name: 'bias=False', params: { hidden_size: 24, bias: false }, inputs: { in: ['N', 3, 12] } },
  { name: 'three bidirectional layers without bias', params: { hidden_size: 8, num_layers: 3, bidirectional: true, bias: false }, inputs: { in: ['N', 9, 4] } },
  { name: 'MNIST rows as a sequence: 28 steps of 28 pixels, 64 units', params: { hidden_size: 64 }, inputs: { in: ['N', 28, 28] } },
  { name: 'a single time step, bidirectional', params: { hidden_size: 6, bidirectional: true }, inputs: { in: ['N', 1, 5] } },
  { name: 'a single time step without bias', params: { hidden_size: 6, bias: false }, inputs: { in: ['N', 1, 5] } },
];

describe('GRU lowers (unrolled over time) and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { tol: 1e-5 });
    });

  it('matches torch.nn.GRU(batch_first=True) on out, last and h_n', () => {
    const exports = CASES.map((c) => ({ c, ex: exportLayer(KIND, c.params, c.inputs, 2) }));
    const cases = exports.flatMap(({ c, ex }) => PORTS.map((port) => ({ name: `${c.name} (${port})`, port, ex, params: { ...c.params, port } })));
    const outs = torchOutputs('gru', cases);
    expect(outs.length).toBe(cases.length);
    cases.forEach(({ name, port, ex }, k) => expectClose(ex.reference[`L.${port}`]!, outs[k]!, 1e-4, `torch vs ours, ${name}`));
  });
});
