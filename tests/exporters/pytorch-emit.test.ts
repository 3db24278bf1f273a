/**
 * What generatePytorch writes reads like hand-written PyTorch: the LeNet-5 example's model.py line by line,
 * torch's defaults left out, helpers only when used, and graphs it cannot write refused with one line per problem.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseDocument, type GraphDoc } from '../../graph-core';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;

function load(file: string): GraphDoc {
  const r = parseDocument(readFileSync(root + file, 'utf8'));
  if (!r.doc) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.doc;
}

function files(doc: GraphDoc) {
  const r = generatePytorch(doc, inferShapes(doc));
  if (!r.ok) throw new Error(r.problems.join('\n'));
  return r.files;
}

describe('generatePytorch', () => {
  it('writes LeNet-5 as one nn.Module, one line per layer, shapes as comments', () => {
    const model = files(load('examples/lenet5.json'))['model.py']!;
    const init = model.slice(model.indexOf('    def __init__'), model.indexOf('    def forward'));
    expect(init.trim().split('\n').map((l) => l.trim())).toEqual([
      'def __init__(self):',
      'super().__init__()',
      'self.c1 = nn.Conv2d(1, 6, 5, padding=2)',
      'self.a1 = nn.ReLU()',
      'self.s2 = nn.MaxPool2d(2)',
      'self.c3 = nn.Conv2d(6, 16, 5)',
      'self.a3 = nn.ReLU()',
      'self.s4 = nn.MaxPool2d(2)',
      'self.flat = nn.Flatten()',
      'self.f5 = nn.Linear(400, 120)',
      'self.a5 = nn.ReLU()',
      'self.f6 = nn.Linear(120, 84)',
      'self.a6 = nn.ReLU()',
      'self.out = nn.Linear(84, 10)',
      'self.loss = nn.CrossEntropyLoss()',
    ]);
    expect(model).toContain('        c1 = self.c1(x)  # [N, 6, 28, 28]\n');
    expect(model).toContain('        if target is None:\n            return out\n        loss = self.loss(out, target)  # scalar\n        return loss\n');
    expect(model).toContain('    INPUTS = ("x",)\n');
    expect(model).not.toContain('from layers import');
  });

  it('writes layers.py with only the helper classes the graph uses', () => {
    const doc: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 'seq',
      nodes: [
        { id: 'x', kind: 'Input', params: { shape: [5, 4] }, position: { x: 0, y: 0 } },
        { id: 'pe', kind: 'PositionalEncoding', params: { max_len: 16 }, position: { x: 0, y: 0 } },
        { id: 'rnn', kind: 'LSTM', params: { hidden_size: 3 }, position: { x: 0, y: 0 } },
      ],
      edges: [
        { id: 'a', from: { node: 'x' }, to: { node: 'pe' } },
        { id: 'b', from: { node: 'pe' }, to: { node: 'rnn' } },
      ],
    };
    const f = files(doc);
    expect(f['model.py']).toContain('from layers import PositionalEncoding, BatchFirstLSTM\n');
    expect(f['model.py']).toContain('        self.pe = PositionalEncoding(4, max_len=16)\n');
    expect(f['model.py']).toContain('        rnn_out, rnn_last, rnn_h_n, rnn_c_n = self.rnn(pe)  # [N, 5, 3], [N, 3], [N, 1, 3], [N, 1, 3]\n');
    const classes = [...f['layers.py']!.matchAll(/^class (\w+)/gm)].map((m) => m[1]);
    expect(classes).toEqual(['PositionalEncoding', 'BatchFirstLSTM']);
    // No loss: nothing to train.
    expect(f['train.py']).toBeUndefined();
    expect(f['README.md']).toContain('The graph has no loss layer, so there is no `train.py`.');
  });

  it('refuses a graph with errors, one line per problem', () => {
    const doc: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 'bad',
      nodes: [
        { id: 'x', kind: 'Input', params: { shape: [1, 28, 28] }, position: { x: 0, y: 0 } },
        { id: 'fc', kind: 'Linear', params: { out_features: 3, in_features: 10 }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'a', from: { node: 'x' }, to: { node: 'fc' } }],
    };
    const r = generatePytorch(doc, inferShapes(doc));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.problems).toHaveLength(1);
      expect(r.problems[0]).toMatch(/^fc: /);
    }
  });
});

describe('layers.py helpers in training mode (Debian PyTorch 1.13)', () => {
  it('GradientReversal reverses and scales the gradient, RandomShift shifts whole pixels with zero fill, Reparameterize samples μ + σ·ε', () => {
    const doc: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 'train-time layers',
      nodes: [
        { id: 'img', kind: 'Input', params: { shape: [2, 6, 5] }, position: { x: 0, y: 0 } },
        { id: 'shift', kind: 'RandomShift', params: { max_shift: 2 }, position: { x: 0, y: 0 } },
        { id: 'mu', kind: 'Input', params: { shape: [3] }, position: { x: 0, y: 0 } },
        { id: 'lv', kind: 'Input', params: { shape: [3] }, position: { x: 0, y: 0 } },
        { id: 'rep', kind: 'Reparameterize', params: {}, position: { x: 0, y: 0 } },
        { id: 'grl', kind: 'GradientReversal', params: { lambda: 0.5, schedule: 'dann', gamma: 10 }, position: { x: 0, y: 0 } },
      ],
      edges: [
        { id: 'a', from: { node: 'img' }, to: { node: 'shift' } },
        { id: 'b', from: { node: 'mu' }, to: { node: 'rep', port: 'mu' } },
        { id: 'c', from: { node: 'lv' }, to: { node: 'rep', port: 'logvar' } },
        { id: 'd', from: { node: 'rep' }, to: { node: 'grl' } },
      ],
    };
    const layers = files(doc)['layers.py']!;
    const check = `
import math, torch
from torch import nn
${layers}
torch.manual_seed(0)
results = {}
grl = GradientReversal(0.5, "dann", 10.0).train()
grl.progress = 0.3
x = torch.randn(4, 3, requires_grad=True)
w = torch.randn(4, 3)
(grl(x) * w).sum().backward()
scale = 0.5 * (2 / (1 + math.exp(-10 * 0.3)) - 1)
results["grl"] = bool(torch.allclose(x.grad, -scale * w)) and bool(torch.equal(GradientReversal().eval()(x), x))
shift = RandomShift(2).train()
img = torch.randn(8, 2, 6, 5)
out = shift(img)
def shifted(a, dy, dx):
    b = torch.zeros_like(a)
    h, w = a.shape[-2:]
    for i in range(h):
        for j in range(w):
            if 0 <= i - dy < h and 0 <= j - dx < w:
                b[:, i, j] = a[:, i - dy, j - dx]
    return b
found = [[(dy, dx) for dy in range(-2, 3) for dx in range(-2, 3) if torch.equal(out[n], shifted(img[n], dy, dx))] for n in range(8)]
results["shift"] = all(len(f) >= 1 for f in found) and len({f[0] for f in found}) > 1 and bool(torch.equal(shift.eval()(img), img))
rep = Reparameterize().train()
mu, lv = torch.randn(5, 3), torch.randn(5, 3)
torch.manual_seed(1)
z = rep(mu, lv)
torch.manual_seed(1)
eps = torch.randn_like(mu)
results["rep"] = bool(torch.allclose(z, mu + torch.exp(0.5 * lv) * eps)) and bool(torch.equal(rep.eval()(mu, lv), mu))
print(results)
`;
    const r = spawnSync(SYSTEM_PYTHON, ['-c', check], { encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe("{'grl': True, 'shift': True, 'rep': True}");
  });
});
