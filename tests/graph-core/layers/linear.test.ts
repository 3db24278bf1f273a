import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { inferShapes, type GraphDoc } from '../../../graph-core';
import { generatePytorch } from '../../../exporters/pytorch/generate';
import { initTensor } from '../../../graph-core/passes/init-weights';
import { layerCases, runCase } from '../../helpers/layer-cases';

// Parameter counts: sum(p.numel() for p in torch.nn.Linear(in, out, bias).parameters()).
layerCases('Linear', [
  {
    name: 'MNIST hidden layer 784 → 128',
    params: { out_features: 128 },
    inputs: { in: ['N', 784] },
    outputs: { out: ['N', 128] },
    paramCount: 100480, // torch.nn.Linear(784, 128)
    weights: { weight: [128, 784], bias: [128] },
    flops: 2 * 784 * 128,
  },
  {
    name: 'per time step on [N, T, F]: 32 → 64',
    params: { out_features: 64 },
    inputs: { in: ['N', 10, 32] },
    outputs: { out: ['N', 10, 64] },
    paramCount: 2112, // torch.nn.Linear(32, 64)
    weights: { weight: [64, 32], bias: [64] },
    flops: 2 * 10 * 32 * 64,
  },
  {
    name: 'without bias',
    params: { out_features: 5, bias: false },
    inputs: { in: ['N', 20] },
    outputs: { out: ['N', 5] },
    paramCount: 100, // torch.nn.Linear(20, 5, bias=False)
    weights: { weight: [5, 20] },
  },
  {
    name: 'an in_features that matches',
    params: { out_features: 1, in_features: 20 },
    inputs: { in: ['N', 20] },
    outputs: { out: ['N', 1] },
    paramCount: 21, // torch.nn.Linear(20, 1)
  },
  { name: 'an in_features that does not match', params: { in_features: 30 }, inputs: { in: ['N', 20] }, errors: ['SHAPE_MISMATCH'], errorPort: 'in' },
  {
    name: 'an unflattened input whose flattened size matches in_features',
    params: { in_features: 20 },
    inputs: { in: ['N', 4, 5] },
    errors: ['SHAPE_MISMATCH'],
    errorPort: 'in',
  },
  { name: 'an image [N, C, H, W] is refused by rank', inputs: { in: ['N', 16, 5, 5] }, errors: ['RANK_MISMATCH'], errorPort: 'in' },
  { name: 'out_features 0 is a bad param', params: { out_features: 0 }, inputs: { in: ['N', 20] }, errors: ['BAD_PARAM'] },
]);

it('Linear offers to insert a Flatten when the flattened size is in_features', () => {
  const g = runCase('Linear', { name: 'fix', params: { in_features: 20 }, inputs: { in: ['N', 4, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'SHAPE_MISMATCH')!;
  expect(d.fix).toEqual({ title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e_in_0' });
});

it('Linear offers no Flatten when the flattened size does not match either', () => {
  const g = runCase('Linear', { name: 'no fix', params: { in_features: 30 }, inputs: { in: ['N', 4, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'SHAPE_MISMATCH')!;
  expect(d.port).toBe('in');
  expect(d.fix).toBeUndefined();
});

it('Linear offers to insert a Flatten for a rank-4 input', () => {
  const g = runCase('Linear', { name: 'rank fix', inputs: { in: ['N', 16, 5, 5] } });
  const d = g.diagnostics.find((x) => x.code === 'RANK_MISMATCH')!;
  expect(d.fix).toEqual({ title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e_in_0' });
});

// Each init choice against torch.nn.init on nn.Linear(300, 200) (build/fixtures/linear_init_reference.py): the
// spread of 60,000 weights agrees within 3% (sampling error ≈ 0.5%), the biases of xavier and he are exactly zero.
it('Linear init default / xavier / he match PyTorch (nn.Linear, xavier_normal_, kaiming_normal_ for ReLU)', () => {
  const run = spawnSync('/usr/bin/python3', ['build/fixtures/linear_init_reference.py', '300', '200'], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBe(0);
  const torch = JSON.parse(run.stdout) as Record<string, Record<'weight_std' | 'weight_max_abs' | 'bias_std' | 'bias_max_abs', number>>;
  const std = (a: Float32Array): number => {
    const m = a.reduce((s, v) => s + v, 0) / a.length;
    return Math.sqrt(a.reduce((s, v) => s + (v - m) ** 2, 0) / (a.length - 1));
  };
  const maxAbs = (a: Float32Array): number => a.reduce((s, v) => Math.max(s, Math.abs(v)), 0);
  for (const init of ['default', 'xavier', 'he'] as const) {
    const g = runCase('Linear', { name: init, params: { out_features: 200, init }, inputs: { in: ['N', 300] } });
    const spec = g.info.get('L')!.weights;
    const w = initTensor('L.weight', spec.weight!.shape, spec.weight!.init, 0);
    const b = initTensor('L.bias', spec.bias!.shape, spec.bias!.init, 0);
    const ref = torch[init]!;
    expect(Math.abs(std(w) / ref.weight_std - 1), `${init} weight std ${std(w)} vs torch ${ref.weight_std}`).toBeLessThan(0.03);
    if (init === 'default') {
      // U(±1/√300): both reach close to the bound and never beyond it.
      expect(maxAbs(w)).toBeLessThanOrEqual(1 / Math.sqrt(300));
      expect(Math.abs(maxAbs(w) / ref.weight_max_abs - 1)).toBeLessThan(0.01);
      expect(Math.abs(std(b) / ref.bias_std - 1), `bias std ${std(b)} vs torch ${ref.bias_std}`).toBeLessThan(0.2);
    } else {
      expect(maxAbs(b)).toBe(ref.bias_max_abs);
      expect(ref.bias_max_abs).toBe(0);
      // Normal draws: the largest of 60,000 lies near 4.3 standard deviations in both.
      expect(Math.abs(maxAbs(w) / ref.weight_max_abs - 1)).toBeLessThan(0.2);
    }
  }
});

it('Linear init is a choice of three', () => {
  const g = runCase('Linear', { name: 'bad init', params: { init: 'orthogonal' }, inputs: { in: ['N', 20] } });
  expect(g.diagnostics.map((d) => d.code)).toContain('BAD_PARAM');
});

it('the PyTorch export of a Linear with init xavier or he starts from the same distribution in torch', () => {
  for (const init of ['xavier', 'he'] as const) {
    const g: GraphDoc = {
      format: 'layerloom.graph',
      version: 1,
      name: 'init',
      nodes: [
        { id: 'x', kind: 'Input', params: { shape: [300] }, position: { x: 0, y: 0 } },
        { id: 'fc', kind: 'Linear', params: { out_features: 200, init }, position: { x: 0, y: 0 } },
      ],
      edges: [{ id: 'a', from: { node: 'x' }, to: { node: 'fc' } }],
    };
    const r = generatePytorch(g, inferShapes(g));
    if (!r.ok) throw new Error(r.problems.join('\n'));
    expect(r.files['model.py']).toContain(`self.fc = InitLinear(300, 200, init="${init}")`);
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-linear-'));
    writeFileSync(join(dir, 'layers.py'), r.files['layers.py']!);
    const py = [
      'import json, sys, torch',
      `sys.path.insert(0, ${JSON.stringify(dir)})`,
      'from layers import InitLinear',
      `torch.manual_seed(0); m = InitLinear(300, 200, init=${JSON.stringify(init)})`,
      'print(json.dumps({"std": m.weight.detach().double().std().item(), "bias": m.bias.detach().abs().max().item(), "keys": list(m.state_dict())}))',
    ].join('\n');
    const run = spawnSync('/usr/bin/python3', ['-c', py], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
    expect(run.status, run.stderr).toBe(0);
    const got = JSON.parse(run.stdout) as { std: number; bias: number; keys: string[] };
    expect(got.keys).toEqual(['weight', 'bias']);
    expect(got.bias).toBe(0);
    expect(Math.abs(got.std / (init === 'xavier' ? Math.sqrt(2 / 500) : Math.sqrt(2 / 300)) - 1)).toBeLessThan(0.03);
  }
});
