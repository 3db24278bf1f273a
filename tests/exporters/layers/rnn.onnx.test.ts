import { describe, expect, it } from 'vitest';
import { evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../../graph-core';
import { checkLayerOnnx, exportLayer } from '../../helpers/layer-onnx';
import { graphAround, type LayerCase } from '../../helpers/layer-cases';
import { expectClose } from '../../helpers/op-check';
import { torchOutputs } from './torch-reference';

const KIND = 'RNN';
const PORTS = ['out', 'last', 'h_n'];

// The accepted configurations of tests/graph-core/layers/rnn.test.ts, plus a single time step.
const CASES: readonly { name: string; params: Record<string, RawParamValue>; inputs: LayerCase['inputs'] }[] = [
  { name: 'defaults: one tanh layer of 32 units', params: {}, inputs: { in: ['N', 5, 10] } },
  { name: 'two layers (dropout is off in eval mode)', params: { hidden_size: 20, num_layers: 2, dropout: 0.1 }, inputs: { in: ['N', 6, 8] } },
  { name: 'bidirectional', params: { hidden_size: 16, bidirectional: true }, inputs: { in: ['N', 7, 8] } },
  { name: 'two bidirectional layers', params: { hidden_size: 16, num_layers: 2, bidirectional: true }, inputs: { in: ['N', 7, 8] } },
  { name: 'bias=False', params: { hidden_size: 24, bias: false }, inputs: { in: ['N', 3, 12] } },
  { name: 'three bidirectional layers without bias', params: { hidden_size: 8, num_layers: 3, bidirectional: true, bias: false }, inputs: { in: ['N', 9, 4] } },
  { name: 'relu nonlinearity', params: { nonlinearity: 'relu', dropout: 0.5 }, inputs: { in: ['N', 5, 10] } },
  { name: 'two bidirectional relu layers without bias', params: { nonlinearity: 'relu', hidden_size: 12, num_layers: 2, bidirectional: true, bias: false }, inputs: { in: ['N', 4, 6] } },
  { name: 'a single time step', params: { hidden_size: 6 }, inputs: { in: ['N', 1, 5] } },
];

describe('RNN lowers (unrolled over time) and exports to ONNX', () => {
  for (const c of CASES)
    it(c.name, async () => {
      await checkLayerOnnx(KIND, c.params, c.inputs, { tol: 1e-5 });
    });

  it('matches torch.nn.RNN(batch_first=True) on out, last and h_n', () => {
    const exports = CASES.map((c) => ({ c, ex: exportLayer(KIND, c.params, c.inputs, 2) }));
    const cases = exports.flatMap(({ c, ex }) => PORTS.map((port) => ({ name: `${c.name} (${port})`, port, ex, params: { ...c.params, port } })));
    const outs = torchOutputs('rnn', cases);
    expect(outs.length).toBe(cases.length);
    cases.forEach(({ name, port, ex }, k) => expectClose(ex.reference[`L.${port}`]!, outs[k]!, 1e-4, `torch vs ours, ${name}`));
  });

  it('in train mode multiplies the inputs of layers 1… by dropout masks fed as L.mask_l<l>', () => {
    const params = { hidden_size: 5, num_layers: 3, dropout: 0.5 };
    const inputs = { in: ['N', 4, 3] } as const;
    const ex = exportLayer(KIND, params, inputs, 3);
    const { ir } = lowerLayers(inferShapes(graphAround(KIND, params, inputs)), { mode: 'train' });
    const masks = ir.inputs.filter((i) => i.name.startsWith('L.'));
    expect(masks.map((m) => [m.name, ir.values[m.value]!.type.shape])).toEqual([
      ['L.mask_l0', ['N', 4, 5]],
      ['L.mask_l1', ['N', 4, 5]],
    ]);
    const weights: Record<string, Tensor> = {};
    for (const p of ir.params) weights[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: ex.weights.get(p.name)! };
    const fill = (v: number): Tensor => ({ shape: [2, 4, 5], dtype: 'float32', data: new Float32Array(40).fill(v) });
    // All-ones masks give the eval result; zero masks leave the top layer only its biases (the same at every sample).
    const ones = evaluateIr(ir, { ...ex.feeds, 'L.mask_l0': fill(1), 'L.mask_l1': fill(1) }, weights);
    for (const port of ['out', 'last', 'h_n']) expectClose(ones[`L.${port}`]!, ex.reference[`L.${port}`]!, 1e-6, port);
    const zeros = evaluateIr(ir, { ...ex.feeds, 'L.mask_l0': fill(1), 'L.mask_l1': fill(0) }, weights);
    const last = zeros['L.last']!.data;
    expect(Array.from(last.subarray(0, 5))).toEqual(Array.from(last.subarray(5, 10)));
    expect(Array.from(last.subarray(0, 5))).not.toEqual(Array.from(ex.reference['L.last']!.data.subarray(0, 5)));
  });
});
