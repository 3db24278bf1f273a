/**
 * Layers that are a single PyTorch expression (activations, shaping, arithmetic, reductions, pooling), exported
 * to ONNX and run in onnxruntime-node, against Debian's PyTorch on the same inputs, to 1e-5.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RawParamValue, Tensor } from '../../graph-core';
import type { LayerCase } from '../helpers/layer-cases';
import { exportLayer } from '../helpers/layer-onnx';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { runInOrt } from '../helpers/op-check';

const root = new URL('../../', import.meta.url).pathname;

interface Case {
  readonly kind: string;
  readonly params?: Record<string, RawParamValue>;
  readonly inputs: LayerCase['inputs'];
  /** The torch expression; inputs are named in1_0, … after the graph's Input nodes (in_<port>_<k>). */
  readonly expr: string;
}

const CASES: readonly Case[] = [
  { kind: 'ReLU', inputs: { in: ['N', 3, 4] }, expr: 'torch.relu(in_in_0)' },
  { kind: 'LeakyReLU', params: { negative_slope: 0.2 }, inputs: { in: ['N', 5] }, expr: 'F.leaky_relu(in_in_0, 0.2)' },
  { kind: 'ELU', params: { alpha: 0.7 }, inputs: { in: ['N', 5] }, expr: 'F.elu(in_in_0, 0.7)' },
  { kind: 'GELU', inputs: { in: ['N', 5] }, expr: 'F.gelu(in_in_0)' },
  { kind: 'GELU', params: { approximate: 'tanh' }, inputs: { in: ['N', 5] }, expr: "F.gelu(in_in_0, approximate='tanh')" },
  { kind: 'SiLU', inputs: { in: ['N', 5] }, expr: 'F.silu(in_in_0)' },
  { kind: 'Sigmoid', inputs: { in: ['N', 5] }, expr: 'torch.sigmoid(in_in_0)' },
  { kind: 'Tanh', inputs: { in: ['N', 5] }, expr: 'torch.tanh(in_in_0)' },
  { kind: 'Softmax', params: { dim: 1 }, inputs: { in: ['N', 4, 3] }, expr: 'torch.softmax(in_in_0, 1)' },
  { kind: 'LogSoftmax', params: { dim: -1 }, inputs: { in: ['N', 4, 3] }, expr: 'torch.log_softmax(in_in_0, -1)' },
  { kind: 'Dropout', params: { p: 0.5 }, inputs: { in: ['N', 5] }, expr: 'F.dropout(in_in_0, 0.5, training=False)' },
  { kind: 'Flatten', inputs: { in: ['N', 2, 3, 4] }, expr: 'torch.flatten(in_in_0, 1)' },
  { kind: 'Unflatten', params: { dim: 1, unflattened_size: [2, -1] }, inputs: { in: ['N', 6] }, expr: 'in_in_0.unflatten(1, (2, -1))' },
  { kind: 'Reshape', params: { shape: [3, -1] }, inputs: { in: ['N', 2, 6] }, expr: 'in_in_0.reshape(in_in_0.shape[0], 3, -1)' },
  { kind: 'Permute', params: { dims: [0, 2, 1] }, inputs: { in: ['N', 3, 5] }, expr: 'in_in_0.permute(0, 2, 1)' },
  { kind: 'Concat', params: { dim: -1 }, inputs: { in: [['N', 2, 3], ['N', 2, 4]] }, expr: 'torch.cat([in_in_0, in_in_1], -1)' },
  { kind: 'Add', inputs: { a: ['N', 3, 4], b: ['N', 1, 4] }, expr: 'in_a_0 + in_b_0' },
  { kind: 'Multiply', inputs: { a: ['N', 3, 4], b: ['N', 3, 1] }, expr: 'in_a_0 * in_b_0' },
  { kind: 'Mean', params: { dim: -1, keepdim: true }, inputs: { in: ['N', 3, 4] }, expr: 'in_in_0.mean(-1, keepdim=True)' },
  { kind: 'Sum', params: { dim: 1 }, inputs: { in: ['N', 3, 4] }, expr: 'in_in_0.sum(1)' },
  { kind: 'Max', params: { dim: 2 }, inputs: { in: ['N', 3, 4] }, expr: 'in_in_0.amax(2)' },
  { kind: 'SelectIndex', params: { dim: 1, index: -1 }, inputs: { in: ['N', 3, 4] }, expr: 'in_in_0.select(1, -1)' },
  { kind: 'MaxPool2d', params: { kernel_size: 3, stride: 2, padding: 1 }, inputs: { in: ['N', 2, 7, 7] }, expr: 'F.max_pool2d(in_in_0, 3, 2, 1)' },
  { kind: 'MaxPool2d', params: { kernel_size: 2, ceil_mode: true }, inputs: { in: ['N', 2, 5, 5] }, expr: 'F.max_pool2d(in_in_0, 2, ceil_mode=True)' },
  { kind: 'Conv2d', params: { out_channels: 4, kernel_size: [3, 2], stride: 2, padding: [1, 0], dilation: [1, 2], groups: 2 }, inputs: { in: ['N', 2, 7, 7] }, expr: '' },
  { kind: 'Linear', params: { out_features: 3 }, inputs: { in: ['N', 4, 5] }, expr: '' },
];

/** Layers with weights use the exported initial weights in the torch expression. */
const WEIGHT_EXPR: Record<string, string> = {
  Conv2d: 'F.conv2d(in_in_0, w_weight, w_bias, stride=2, padding=(1, 0), dilation=(1, 2), groups=2)',
  Linear: 'F.linear(in_in_0, w_weight, w_bias)',
};

describe('single-expression layers agree with PyTorch', () => {
  it('every case, exported and run in onnxruntime-node, matches torch to 1e-5', async () => {
    const payload: { expr: string; inputs: Record<string, { shape: readonly number[]; data: number[] }> }[] = [];
    const ours: Tensor[] = [];
    for (const [i, c] of CASES.entries()) {
      const ex = exportLayer(c.kind, c.params ?? {}, c.inputs, 10 + i);
      const got = await runInOrt(ex.bytes, ex.feeds);
      ours.push(got['L']!);
      const inputs: Record<string, { shape: readonly number[]; data: number[] }> = {};
      for (const [name, t] of Object.entries(ex.feeds)) inputs[name] = { shape: t.shape, data: Array.from(t.data) };
      for (const [name, w] of ex.weights) {
        const short = name.replace(/^L\./, 'w_');
        const shape = name.endsWith('.weight') ? (c.kind === 'Conv2d' ? [4, 1, 3, 2] : [3, 5]) : [w.length];
        inputs[short] = { shape, data: Array.from(w) };
      }
      payload.push({ expr: c.expr || WEIGHT_EXPR[c.kind]!, inputs });
    }
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-expr-'));
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(payload));
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/expression_reference.py'), join(dir, 'cases.json')], { encoding: 'utf8', maxBuffer: 1 << 26 });
    expect(py.stderr).toBe('');
    const torch = JSON.parse(py.stdout) as { shape: number[]; data: number[] }[];
    CASES.forEach((c, i) => {
      const a = ours[i]!;
      const t = torch[i]!;
      expect(a.shape, `${c.kind} shape`).toEqual(t.shape);
      t.data.forEach((v, k) => expect(Math.abs(a.data[k]! - v), `${c.kind}[${k}]`).toBeLessThan(1e-5 * Math.max(1, Math.abs(v))));
    });
  });
});
