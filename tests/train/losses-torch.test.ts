/**
 * The loss layers (as lowered into train steps) against torch.nn.functional, including CrossEntropyLoss's
 * ignore_index, label_smoothing and per-time-step [N, T, C] form, and their gradients w.r.t. the logits.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, inferShapes, lowerLayers, type RawParamValue, type Tensor } from '../../graph-core';
import { doc, edge, node } from '../helpers/graphs';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { intTensor, randTensor } from '../helpers/op-check';


interface Case {
  readonly name: string;
  readonly kind: 'CrossEntropyLoss' | 'MSELoss' | 'BCEWithLogitsLoss';
  readonly params?: Record<string, RawParamValue>;
  readonly x: readonly number[];
  readonly target: Tensor;
  /** torch expression of the loss from logits `a` and targets `t` (float tensors). */
  readonly expr: string;
}

const B = 4;
const CASES: readonly Case[] = [
  { name: 'CE', kind: 'CrossEntropyLoss', x: [B, 5], target: intTensor([B], [0, 3, 4, 1]), expr: 'F.cross_entropy(a, t.long())' },
  {
    name: 'CE with ignore_index and label_smoothing',
    kind: 'CrossEntropyLoss',
    params: { ignore_index: 1, label_smoothing: 0.1 },
    x: [B, 5],
    target: intTensor([B], [0, 1, 4, 1]),
    expr: 'F.cross_entropy(a, t.long(), ignore_index=1, label_smoothing=0.1)',
  },
  {
    name: 'CE per time step [N, T, C]',
    kind: 'CrossEntropyLoss',
    params: { ignore_index: 0 },
    x: [B, 3, 6],
    target: intTensor([B, 3], [1, 2, 0, 5, 0, 0, 3, 3, 4, 2, 1, 0]),
    expr: 'F.cross_entropy(a.permute(0, 2, 1), t.long(), ignore_index=0)',
  },
  { name: 'MSE', kind: 'MSELoss', x: [B, 3], target: randTensor([B, 3], 7), expr: 'F.mse_loss(a, t)' },
  { name: 'BCEWithLogits', kind: 'BCEWithLogitsLoss', x: [B, 2], target: intTensor([B, 2], [1, 0, 0, 1, 1, 1, 0, 0], 'float32'), expr: 'F.binary_cross_entropy_with_logits(a, t)' },
];

describe('loss layers agree with PyTorch (value and gradient)', () => {
  it('every case', () => {
    const ours: { loss: number; grad: Float32Array; x: Tensor }[] = [];
    for (const [i, c] of CASES.entries()) {
      const g = doc(
        [
          node('x', 'Input', { shape: c.x.slice(1) as number[] }),
          node('t', 'Input', { shape: c.target.shape.slice(1) as number[], dtype: c.kind === 'CrossEntropyLoss' ? 'int64' : 'float32' }),
          node('loss', c.kind, c.params ?? {}),
        ],
        [edge('x', 'loss.input'), edge('t', 'loss.target')],
      );
      const lowered = lowerLayers(inferShapes(g), { mode: 'train', includeLosses: true, batch: B });
      const ir = lowered.builder;
      const xv = ir.value(lowered.ir.inputs.find((v) => v.name === 'x')!.value);
      const loss = lowered.losses.get('loss')!;
      const grad = autodiff(ir, loss, [xv]).get(xv.id)!;
      ir.clearOutputs();
      ir.output('loss', loss);
      ir.output('grad', grad);
      const x = randTensor(c.x, 100 + i, -2, 2);
      const r = evaluateIr(ir.build(), { x, t: c.target }, {});
      ours.push({ loss: r['loss']!.data[0]!, grad: r['grad']!.data as Float32Array, x });
    }
    const script = [
      'import json, sys, torch',
      'import torch.nn.functional as F',
      'out = []',
      'for c in json.load(open(sys.argv[1])):',
      '    a = torch.tensor(c["x"]["data"], dtype=torch.float32).reshape(c["x"]["shape"]).requires_grad_()',
      '    t = torch.tensor(c["t"]["data"], dtype=torch.float32).reshape(c["t"]["shape"])',
      '    loss = eval(c["expr"])',
      '    loss.backward()',
      '    out.append({"loss": loss.item(), "grad": a.grad.reshape(-1).tolist()})',
      'print(json.dumps(out))',
    ].join('\n');
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-loss-'));
    writeFileSync(
      join(dir, 'cases.json'),
      JSON.stringify(
        CASES.map((c, i) => ({
          expr: c.expr,
          x: { shape: c.x, data: Array.from(ours[i]!.x.data) },
          t: { shape: c.target.shape, data: Array.from(c.target.data) },
        })),
      ),
    );
    const py = spawnSync(SYSTEM_PYTHON, ['-c', script, join(dir, 'cases.json')], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const torch = JSON.parse(py.stdout) as { loss: number; grad: number[] }[];
    CASES.forEach((c, i) => {
      expect(Math.abs(ours[i]!.loss - torch[i]!.loss), `${c.name} loss`).toBeLessThan(1e-5);
      torch[i]!.grad.forEach((v, k) => expect(Math.abs(ours[i]!.grad[k]! - v), `${c.name} grad[${k}]`).toBeLessThan(1e-6));
    });
  });
});
