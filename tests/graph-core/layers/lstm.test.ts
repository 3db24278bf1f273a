import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes, initWeights, type GraphDoc } from '../../../graph-core';
import { generatePytorch } from '../../../exporters/pytorch/generate';
import { SYSTEM_PYTHON } from '../../helpers/onnx-checker';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.LSTM(F, ...).parameters()), checked with PyTorch 1.13.
// Output shapes checked against torch.nn.LSTM(F, ..., batch_first=True): out, h_n.transpose(0, 1),
// c_n.transpose(0, 1), and last = h_n[-1] (torch.cat([h_n[-2], h_n[-1]], 1) when bidirectional).
layerCases('LSTM', [
  {
    name: 'defaults: one layer of 32 units, 4 gates',
    inputs: { in: ['N', 5, 10] },
    outputs: { out: ['N', 5, 32], last: ['N', 32], h_n: ['N', 1, 32], c_n: ['N', 1, 32] },
    paramCount: 5632, // nn.LSTM(10, 32)
    weights: { weight_ih_l0: [128, 10], weight_hh_l0: [128, 32], bias_ih_l0: [128], bias_hh_l0: [128] },
    flops: 5 * (2 * 128 * (10 + 32) + 2 * 128 + 9 * 32),
  },
  {
    name: 'the lecture example: LSTM(128 → 128) has two biases, 132 096 params (not 131 584)',
    params: { hidden_size: 128 },
    inputs: { in: ['N', 20, 128] },
    outputs: { out: ['N', 20, 128], last: ['N', 128], h_n: ['N', 1, 128], c_n: ['N', 1, 128] },
    paramCount: 132096, // nn.LSTM(128, 128)
  },
  {
    name: 'two layers: layer 1 reads the hidden size',
    params: { hidden_size: 20, num_layers: 2, dropout: 0.1 },
    inputs: { in: ['N', 6, 8] },
    outputs: { out: ['N', 6, 20], last: ['N', 20], h_n: ['N', 2, 20], c_n: ['N', 2, 20] },
    paramCount: 5760, // nn.LSTM(8, 20, num_layers=2, dropout=0.1)
    weights: {
      weight_ih_l0: [80, 8], weight_hh_l0: [80, 20], bias_ih_l0: [80], bias_hh_l0: [80],
      weight_ih_l1: [80, 20], weight_hh_l1: [80, 20], bias_ih_l1: [80], bias_hh_l1: [80],
    },
  },
  {
    name: 'bidirectional doubles the output size and adds _reverse weights',
    params: { hidden_size: 16, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 2, 16], c_n: ['N', 2, 16] },
    paramCount: 3328, // nn.LSTM(8, 16, bidirectional=True)
    weights: {
      weight_ih_l0: [64, 8], weight_hh_l0: [64, 16], bias_ih_l0: [64], bias_hh_l0: [64],
      weight_ih_l0_reverse: [64, 8], weight_hh_l0_reverse: [64, 16], bias_ih_l0_reverse: [64], bias_hh_l0_reverse: [64],
    },
  },
  {
    name: 'two bidirectional layers: layer 1 reads 2·H',
    params: { hidden_size: 16, num_layers: 2, bidirectional: true },
    inputs: { in: ['N', 7, 8] },
    outputs: { out: ['N', 7, 32], last: ['N', 32], h_n: ['N', 4, 16], c_n: ['N', 4, 16] },
    paramCount: 9728, // nn.LSTM(8, 16, num_layers=2, bidirectional=True)
    weights: {
      weight_ih_l0: [64, 8], weight_hh_l0: [64, 16], bias_ih_l0: [64], bias_hh_l0: [64],
      weight_ih_l0_reverse: [64, 8], weight_hh_l0_reverse: [64, 16], bias_ih_l0_reverse: [64], bias_hh_l0_reverse: [64],
      weight_ih_l1: [64, 32], weight_hh_l1: [64, 16], bias_ih_l1: [64], bias_hh_l1: [64],
      weight_ih_l1_reverse: [64, 32], weight_hh_l1_reverse: [64, 16], bias_ih_l1_reverse: [64], bias_hh_l1_reverse: [64],
    },
  },
  {
    name: 'bias=False keeps only the weight matrices',
    params: { hidden_size: 24, bias: false },
    inputs: { in: ['N', 3, 12] },
    outputs: { out: ['N', 3, 24], last: ['N', 24], h_n: ['N', 1, 24], c_n: ['N', 1, 24] },
    paramCount: 3456, // nn.LSTM(12, 24, bias=False)
    weights: { weight_ih_l0: [96, 12], weight_hh_l0: [96, 24] },
    flops: 3 * (2 * 96 * (12 + 24) + 9 * 24),
  },
  {
    name: 'three bidirectional layers without bias',
    params: { hidden_size: 8, num_layers: 3, bidirectional: true, bias: false },
    inputs: { in: ['N', 9, 4] },
    outputs: { out: ['N', 9, 16], last: ['N', 16], h_n: ['N', 6, 8], c_n: ['N', 6, 8] },
    paramCount: 3840, // nn.LSTM(4, 8, num_layers=3, bidirectional=True, bias=False)
  },
  { name: 'a [N, C, H, W] image is refused by rank', inputs: { in: ['N', 1, 28, 28] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'token ids must be embedded first', inputs: { in: { shape: ['N', 5, 10], dtype: 'int64' } }, errors: ['DTYPE_MISMATCH'], errorPort: 'in' },
  { name: 'num_layers 0 is a bad param', params: { num_layers: 0 }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
  { name: 'bidirectional must be true or false', params: { bidirectional: 2 }, inputs: { in: ['N', 5, 10] }, errors: ['BAD_PARAM'] },
]);

describe('LSTM initialisation', () => {
  it('uses U(±1/√hidden_size) for every tensor, as torch', () => {
    const g = runCase('LSTM', { name: 'init', params: { hidden_size: 64, bidirectional: true }, inputs: { in: ['N', 4, 3] } });
    const weights = g.info.get('L')!.weights;
    expect(Object.keys(weights)).toHaveLength(8);
    for (const w of Object.values(weights)) expect(w.init).toEqual({ uniform: 0.125 });
  });
});

// forget_bias: our initial bias_ih minus forget_bias is exactly the forget_bias = 0 initialisation on the forget
// rows [H, 2H) and unchanged elsewhere; the generated PyTorch helper (BatchFirstLSTM(…, forget_bias=1.0)) does the
// same to nn.LSTM's own initialisation, run in torch 1.13.
describe('LSTM forget_bias', () => {
  const H = 16;
  const doc = (forget_bias?: number): GraphDoc => ({
    format: 'layerloom.graph',
    version: 1,
    name: 'forget bias',
    nodes: [
      { id: 'x', kind: 'Input', params: { shape: [5, 8] }, position: { x: 0, y: 0 } },
      { id: 'rnn', kind: 'LSTM', params: { hidden_size: H, num_layers: 2, bidirectional: true, ...(forget_bias === undefined ? {} : { forget_bias }) }, position: { x: 0, y: 0 } },
    ],
    edges: [{ id: 'a', from: { node: 'x' }, to: { node: 'rnn' } }],
  });

  it('adds the value to the forget-gate rows of every bias_ih, nothing else', () => {
    const base = initWeights(inferShapes(doc()), 0);
    const open = initWeights(inferShapes(doc(1)), 0);
    expect([...open.keys()]).toEqual([...base.keys()]);
    for (const [name, b] of base) {
      const o = open.get(name)!;
      const forget = name.startsWith('rnn.bias_ih_');
      for (let i = 0; i < b.length; i++) {
        expect(o[i]! - b[i]!, `${name}[${i}]`).toBeCloseTo(forget && i >= H && i < 2 * H ? 1 : 0, 6);
      }
    }
  });

  it('the PyTorch export writes forget_bias and its helper opens the forget gate like ours', () => {
    const g = doc(1);
    const r = generatePytorch(g, inferShapes(g));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.files['model.py']).toContain('BatchFirstLSTM(8, 16, num_layers=2, bidirectional=True, forget_bias=1)');
    const plain = generatePytorch(doc(), inferShapes(doc()));
    if (!plain.ok) throw new Error(plain.problems.join('\n'));
    expect(plain.files['model.py']).toContain('BatchFirstLSTM(8, 16, num_layers=2, bidirectional=True)');
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-lstm-'));
    writeFileSync(join(dir, 'layers.py'), r.files['layers.py']!);
    const py = [
      'import json, sys, torch',
      `sys.path.insert(0, ${JSON.stringify(dir)})`,
      'from layers import BatchFirstLSTM',
      'torch.manual_seed(0); a = BatchFirstLSTM(8, 16, num_layers=2, bidirectional=True)',
      'torch.manual_seed(0); b = BatchFirstLSTM(8, 16, num_layers=2, bidirectional=True, forget_bias=1.0)',
      'sa, sb = a.state_dict(), b.state_dict()',
      'print(json.dumps({k: (sb[k] - sa[k]).tolist() for k in sa}))',
    ].join('\n');
    const run = spawnSync(SYSTEM_PYTHON, ['-c', py], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    const diff = JSON.parse(run.stdout) as Record<string, number[] | number[][]>;
    expect(Object.keys(diff).sort()).toEqual([...initWeights(inferShapes(g), 0).keys()].map((k) => k.slice('rnn.'.length)).sort());
    for (const [name, d] of Object.entries(diff)) {
      const flat = (d as (number | number[])[]).flat();
      const forget = name.startsWith('bias_ih_');
      flat.forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(forget && i >= H && i < 2 * H ? 1 : 0, 6));
    }
  });

  it('must be a number', () => {
    expect(runCase('LSTM', { name: 'fb', params: { forget_bias: 1 }, inputs: { in: ['N', 5, 10] } }).diagnostics).toEqual([]);
    expect(runCase('LSTM', { name: 'fb', params: { forget_bias: 'open' }, inputs: { in: ['N', 5, 10] } }).diagnostics.map((d) => d.code)).toContain('BAD_PARAM');
  });
});
