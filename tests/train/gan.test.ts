/**
 * GAN mode: detection of Noise → generator → Discriminator graphs, the two train steps against PyTorch (and
 * that each leaves the other player's weights alone), training examples/gan-ring.json until the generator
 * covers the 8 modes of the ring, and `layerloom train` on a GAN graph (metrics, generator model.onnx,
 * Adam beta1 0.5 by default, resuming).
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { inferShapes, initWeights, parseDocument, TrainConfigError, type GraphDoc } from '../../graph-core';
import { buildGanSteps, findGan } from '../../graph-core/train/gan-step';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { decodeSafetensors } from '../../exporters/safetensors';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { GanTrainer, type SampleEvent } from '../../runtime/train/gan-trainer';
import { runSystemPython } from '../helpers/onnx-checker';
import { chain, node } from '../helpers/graphs';
import { ganStepRunner } from '../helpers/gan-steps';
import { modeCoverage, normals } from '../helpers/ring';

const root = new URL('../../', import.meta.url).pathname;
const ganRing = join(root, 'examples/gan-ring.json');
const loadDoc = (text: string): GraphDoc => {
  const r = parseDocument(text);
  if (!r.doc) throw new Error(r.diagnostics.map((d) => d.message).join('; '));
  return r.doc;
};
const ringDoc = () => loadDoc(readFileSync(ganRing, 'utf8'));
const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-gan-'));

describe('findGan', () => {
  it('finds the Noise → generator → Discriminator structure of the example', () => {
    const gan = findGan(inferShapes(ringDoc()))!;
    expect(gan.discriminator).toBe('critic');
    expect(gan.noise).toEqual(['z']);
    expect(gan.generator).toEqual(['z', 'g1', 'g1_act', 'g2', 'g2_act', 'sample']);
    expect(gan.sample).toEqual({ node: 'sample', port: 'out' });
    expect(gan.sampleType).toEqual({ shape: ['N', 2], dtype: 'float32' });
  });

  it('is undefined for a graph without Noise reaching a Discriminator, and names what a GAN graph must not hold', () => {
    expect(findGan(inferShapes(loadDoc(readFileSync(join(root, 'examples/spiral-mlp.json'), 'utf8'))))).toBeUndefined();
    // A Discriminator fed by an Input is a plain classifier, not a GAN.
    const plain = chain(node('x', 'Input', { shape: [2] }), node('d', 'Discriminator', { hidden_sizes: [8] }));
    expect(findGan(inferShapes(plain))).toBeUndefined();
    const withLoss = chain(node('z', 'Noise', { size: 2 }), node('g', 'Linear', { out_features: 2 }), node('d', 'Discriminator'), node('loss', 'BCEWithLogitsLoss'));
    expect(() => findGan(inferShapes(withLoss))).toThrow(TrainConfigError);
    expect(() => findGan(inferShapes(withLoss))).toThrow(/remove loss, which is not part of the generator/);
    const bare = chain(node('z', 'Noise', { size: 2 }), node('d', 'Discriminator'));
    expect(() => buildGanSteps(inferShapes(bare), { batch: 4, optimizer: { kind: 'Adam' } })).toThrow(/the generator between Noise and d has no weights/);
  });
});

describe('GAN train steps', () => {
  it('one D step and one G step match PyTorch; the D step leaves G unchanged and the G step leaves D unchanged', async () => {
    const shaped = inferShapes(ringDoc());
    const B = 16;
    const lr = 0.01;
    const p = buildGanSteps(shaped, { batch: B, optimizer: { kind: 'Adam', params: { lr, beta1: 0.5 } } });
    const init = initWeights(shaped, 5);
    const real = (await getBuiltin('gaussians8')!.load({ seed: 5 })).arrays.x!.slice(0, B * 2) as Float32Array;
    const z1 = normals(B * 2, 1);
    const z2 = normals(B * 2, 2);

    // Each step reads and writes the shared weights; the D step's only data input is the real batch `x`.
    expect(p.d.dataInputs.map((d) => d.name)).toEqual(['x']);
    expect(p.g.dataInputs).toEqual([]);
    expect(p.d.feeds.map((f) => f.name)).toEqual(['z']);
    expect(p.g.feeds.map((f) => f.name)).toEqual(['z']);
    expect(new Set(p.d.updates.values())).toEqual(new Set([...p.dWeights].flatMap((w) => [w, `state:${w}:exp_avg`, `state:${w}:exp_avg_sq`])));
    expect(new Set(p.g.updates.values())).toEqual(new Set([...p.gWeights].flatMap((w) => [w, `state:${w}:exp_avg`, `state:${w}:exp_avg_sq`])));

    const { live, runStep } = ganStepRunner([p.d, p.g], init, B, lr);
    const d = await runStep(p.d, 'd_step', z1, real);
    const afterD = new Map(live);
    const g = await runStep(p.g, 'g_step', z2);

    const dir = tmp();
    const input = join(dir, 'in.json');
    writeFileSync(input, JSON.stringify({ B, lr, weights: Object.fromEntries([...init].map(([k, v]) => [k, Array.from(v)])), x: Array.from(real), z1: Array.from(z1), z2: Array.from(z2) }));
    const ref = JSON.parse(
      runSystemPython(
        `
import json, sys, torch
from torch import nn
a = json.load(open(sys.argv[1]))
B = a['B']
t = lambda k, *s: torch.tensor(a[k], dtype=torch.float32).reshape(*s)
G = nn.Sequential(nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 2))
D = nn.Sequential(nn.Linear(2, 64), nn.LeakyReLU(0.2), nn.Linear(64, 64), nn.LeakyReLU(0.2), nn.Linear(64, 1))
W = a['weights']
with torch.no_grad():
    for i, name in [(0, 'g1'), (2, 'g2'), (4, 'sample')]:
        G[i].weight.copy_(torch.tensor(W[name + '.weight']).reshape(G[i].weight.shape))
        G[i].bias.copy_(torch.tensor(W[name + '.bias']))
    for i in (0, 2, 4):
        D[i].weight.copy_(torch.tensor(W['critic.layers.%d.weight' % i]).reshape(D[i].weight.shape))
        D[i].bias.copy_(torch.tensor(W['critic.layers.%d.bias' % i]))
bce = nn.BCEWithLogitsLoss()
optD = torch.optim.Adam(D.parameters(), lr=a['lr'], betas=(0.5, 0.999))
optG = torch.optim.Adam(G.parameters(), lr=a['lr'], betas=(0.5, 0.999))
x, z1, z2 = t('x', B, 2), t('z1', B, 2), t('z2', B, 2)
ones, zeros = torch.ones(B, 1), torch.zeros(B, 1)
dr, df = D(x), D(G(z1).detach())
d_loss = bce(dr, ones) + bce(df, zeros)
optD.zero_grad(); d_loss.backward(); optD.step()
g_loss = bce(D(G(z2)), ones)
optG.zero_grad(); g_loss.backward(); optG.step()
dump = lambda m, names: {n: m[i].__getattr__(k).detach().flatten().tolist() for i, n0 in names for k in ('weight', 'bias') for n in [n0 + '.' + k]}
print(json.dumps({'d_loss': d_loss.item(), 'd_x': torch.sigmoid(dr).mean().item(), 'd_g_z': torch.sigmoid(df).mean().item(), 'g_loss': g_loss.item(),
  'D': dump(D, [(i, 'critic.layers.%d' % i) for i in (0, 2, 4)]), 'G': dump(G, [(0, 'g1'), (2, 'g2'), (4, 'sample')])}))
`,
        [input],
      ),
    ) as { d_loss: number; d_x: number; d_g_z: number; g_loss: number; D: Record<string, number[]>; G: Record<string, number[]> };

    expect(d.loss).toBeCloseTo(ref.d_loss, 5);
    expect(d['metric:d_x']).toBeCloseTo(ref.d_x, 5);
    expect(d['metric:d_g_z']).toBeCloseTo(ref.d_g_z, 5);
    expect(g.loss).toBeCloseTo(ref.g_loss, 5);
    const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    for (const name of p.dWeights) {
      expect(maxDiff(afterD.get(name)!, ref.D[name]!), `${name} after the D step`).toBeLessThan(1e-5);
      expect(maxDiff(afterD.get(name)!, init.get(name)!), `${name} moved in the D step`).toBeGreaterThan(1e-3);
      expect(live.get(name), `${name} in the G step`).toEqual(afterD.get(name)); // the G step does not touch D
    }
    for (const name of p.gWeights) {
      expect(afterD.get(name), `${name} in the D step`).toEqual(init.get(name)); // the D step does not touch G
      expect(maxDiff(live.get(name)!, ref.G[name]!), `${name} after the G step`).toBeLessThan(1e-5);
      expect(maxDiff(live.get(name)!, init.get(name)!), `${name} moved in the G step`).toBeGreaterThan(1e-3);
    }
  });
});

describe('GanTrainer', () => {
  it('trains examples/gan-ring.json until 1000 generated points cover all 8 modes of the ring', { timeout: 180_000 }, async () => {
    const doc = ringDoc();
    const t = doc.training as { dataset: string; steps: number; batch_size: number; lr: number; beta1: number; optimizer: string };
    expect(t).toMatchObject({ dataset: 'gaussians8', optimizer: 'adam', lr: 0.001, beta1: 0.5, batch_size: 128 });
    const shaped = inferShapes(doc);
    const ds = await getBuiltin(t.dataset)!.load({ seed: 0 });
    const samples: SampleEvent[] = [];
    const trainer = new GanTrainer(shaped, ds, nodeBackend('native', 1), {
      batchSize: t.batch_size,
      optimizer: { kind: 'Adam', params: { lr: t.lr, beta1: t.beta1 } },
      lr: t.lr,
      seed: 0,
      steps: t.steps,
      sampleEvery: t.steps / 2,
      sampleCount: 1000,
    });
    const steps: number[] = [];
    const result = await trainer.run({ onStep: (e) => steps.push(e.step), onSamples: (e) => samples.push(e) });
    expect(result.status).toBe('finished');
    expect(result.steps).toBe(t.steps);
    expect(steps).toEqual(Array.from({ length: t.steps }, (_, i) => i + 1));
    expect(samples.map((s) => [s.step, ...s.shape])).toEqual([
      [t.steps / 2, 1000, 2],
      [t.steps, 1000, 2],
    ]);

    const trained = modeCoverage(samples.at(-1)!.data);
    for (const [k, share] of trained.perMode.entries()) expect(share, `mode ${k} (${k * 45}°)`).toBeGreaterThanOrEqual(0.02);
    expect(trained.near).toBeGreaterThanOrEqual(0.75);
    const last = result.history.at(-1)!.metrics;
    for (const key of ['d_x', 'd_g_z']) {
      expect(last[key], key).toBeGreaterThan(0.2);
      expect(last[key], key).toBeLessThan(0.8);
    }
    expect(Object.keys(last).sort()).toEqual(['d_g_z', 'd_loss', 'd_x', 'g_loss']);

    // The same criterion fails for the untrained generator (its initial weights, on 1000 other noise vectors).
    const untrained = await ort.InferenceSession.create(encodeModel(irToOnnx(trainer.programs.sample.graph, { name: 'sample', weights: initWeights(shaped, 0) })));
    const out = await untrained.run({ z: new ort.Tensor('float32', normals(2000, 9), [1000, 2]) });
    await untrained.release();
    const before = modeCoverage(out[trainer.programs.sample.output]!.data as Float32Array);
    expect(before.near).toBeLessThan(0.75);
  });
});

describe('GanTrainer options', () => {
  it('with n_critic 2 steps the generator after every second Discriminator step; stop() ends the run where it is', async () => {
    const ds = await getBuiltin('gaussians8')!.load({ seed: 1 });
    const trainer = new GanTrainer(inferShapes(ringDoc()), ds, nodeBackend('native', 1), {
      batchSize: 32,
      optimizer: { kind: 'Adam', params: { lr: 1e-3, beta1: 0.5 } },
      lr: 1e-3,
      seed: 1,
      steps: 20,
      nCritic: 2,
    });
    const g: (number | undefined)[] = [];
    const d: number[] = [];
    const result = await trainer.run({
      onStep: (e) => {
        g.push(e.metrics.g_loss);
        d.push(e.metrics.d_loss!);
        if (e.step === 5) trainer.stop();
      },
    });
    expect(result.status).toBe('stopped');
    expect(result.steps).toBe(5);
    expect(d).toHaveLength(5);
    expect(new Set(d).size).toBe(5); // a Discriminator step every step
    expect(g[0]).toBeUndefined(); // no generator step yet
    expect(g[1]).toBeGreaterThan(0);
    expect(g[2]).toBe(g[1]); // step 3: the generator waits
    expect(g[3]).not.toBe(g[2]);
    expect(g[4]).toBe(g[3]);
  });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  return { code: await main(argv, io), out, err };
}

describe('layerloom train on a GAN graph', () => {
  it('reports the GAN metrics, writes the generator as model.onnx, uses Adam beta1 0.5 by default, and resumes', { timeout: 180_000 }, async () => {
    const dir = tmp();
    // The example without its optimizer settings: the GAN defaults apply.
    const doc = ringDoc();
    const graph = join(dir, 'gan.json');
    writeFileSync(graph, JSON.stringify({ ...doc, training: { dataset: 'gaussians8', batch_size: 64 } }));
    const full = join(dir, 'full');
    const r = await cli('train', graph, '--steps', '20', '--seed', '3', '--out', full, '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, number | string>);
    const stepEvents = events.filter((e) => e.type === 'step');
    expect(stepEvents.map((e) => e.step)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    for (const e of stepEvents) {
      for (const k of ['d_loss', 'g_loss', 'd_x', 'd_g_z']) expect(Number.isFinite(e[k]), k).toBe(true);
      expect(e.loss as number).toBeCloseTo((e.d_loss as number) + (e.g_loss as number), 5);
      expect(e.d_x as number).toBeGreaterThan(0);
      expect(e.d_x as number).toBeLessThan(1);
    }
    // At the start D cannot tell real from generated: d_loss ≈ 2·ln 2, g_loss ≈ ln 2.
    expect(stepEvents[0]!.d_loss as number).toBeCloseTo(2 * Math.LN2, 0);
    expect(stepEvents[0]!.g_loss as number).toBeCloseTo(Math.LN2, 0);

    // The trainer with Adam(lr 1e-3, beta1 0.5) reproduces the CLI's weights; beta1 0.9 would not.
    const shaped = inferShapes(doc);
    const ds = await getBuiltin('gaussians8')!.load({ seed: 3 });
    const direct = async (beta1: number) =>
      (await new GanTrainer(shaped, ds, nodeBackend('native', 1), { batchSize: 64, optimizer: { kind: 'Adam', params: { lr: 1e-3, beta1 } }, lr: 1e-3, seed: 3, steps: 20 }).run()).weights;
    const saved = new Map(decodeSafetensors(readFileSync(join(full, 'weights.safetensors'))).map((t) => [t.name, t.data as Float32Array]));
    expect([...saved.keys()].sort()).toEqual([...initWeights(shaped, 0).keys()].sort());
    const maxDiff = (a: Map<string, Float32Array>, b: ReadonlyMap<string, Float32Array>) =>
      Math.max(...[...a].map(([k, v]) => Array.from(v).reduce((m, x, i) => Math.max(m, Math.abs(x - b.get(k)![i]!)), 0)));
    expect(maxDiff(await direct(0.5), saved)).toBeLessThan(1e-5);
    expect(maxDiff(await direct(0.9), saved)).toBeGreaterThan(1e-4);

    // model.onnx is the generator: noise z [N, 2] in, samples out, equal to the MLP on the saved weights.
    const session = await ort.InferenceSession.create(readFileSync(join(full, 'model.onnx')));
    expect(session.inputNames).toEqual(['z']);
    expect(session.outputNames).toEqual(['sample']);
    const z = normals(10, 4);
    const got = (await session.run({ z: new ort.Tensor('float32', z, [5, 2]) })).sample!.data as Float32Array;
    await session.release();
    const linear = (x: number[], name: string, relu: boolean) => {
      const w = saved.get(`${name}.weight`)!;
      const b = saved.get(`${name}.bias`)!;
      return Array.from(b, (bias, o) => {
        const v = x.reduce((s, xi, i) => s + xi * w[o * x.length + i]!, bias);
        return relu ? Math.max(0, v) : v;
      });
    };
    for (let i = 0; i < 5; i++) {
      const want = linear(linear(linear([z[2 * i]!, z[2 * i + 1]!], 'g1', true), 'g2', true), 'sample', false);
      expect(got[2 * i]!).toBeCloseTo(want[0]!, 4);
      expect(got[2 * i + 1]!).toBeCloseTo(want[1]!, 4);
    }

    // Both players' optimizer state is checkpointed, so 10 + 10 steps equal 20.
    const state = decodeSafetensors(readFileSync(join(full, 'checkpoint', 'state.safetensors'))).map((t) => t.name);
    expect(state).toContain('state:critic.layers.0.weight:exp_avg');
    expect(state).toContain('state:g1.weight:exp_avg_sq');
    const half = join(dir, 'half');
    const rest = join(dir, 'rest');
    expect((await cli('train', graph, '--steps', '10', '--seed', '3', '--out', half, '--json')).code).toBe(0);
    const resumed = await cli('train', graph, '--steps', '10', '--seed', '3', '--resume', half, '--out', rest, '--json');
    expect(resumed.err).toBe('');
    expect(resumed.code).toBe(0);
    const restWeights = new Map(decodeSafetensors(readFileSync(join(rest, 'weights.safetensors'))).map((t) => [t.name, t.data as Float32Array]));
    expect(maxDiff(restWeights, saved)).toBeLessThan(1e-5);
  });

  it('says how it trains a GAN graph, and refuses a GAN graph with an extra node in one line', async () => {
    const dir = tmp();
    const r = await cli('train', ganRing, '--steps', '2');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^training Ring GAN adversarially \(generator z → sample, Discriminator critic\) on 'gaussians8' \(4000 training samples, batch 128\) with Adam \(beta1 0\.5\), lr 0\.001/);
    const doc = ringDoc();
    const extra = join(dir, 'extra.json');
    writeFileSync(
      extra,
      JSON.stringify({
        ...doc,
        nodes: [...doc.nodes, { id: 'loss', kind: 'BCEWithLogitsLoss' }],
        edges: [...doc.edges, { id: 'e_loss', from: { node: 'critic' }, to: { node: 'loss' } }],
      }),
    );
    const bad = await cli('train', extra, '--steps', '2');
    expect(bad.code).toBe(1); // a problem with the graph, as a graph without a loss layer
    expect(bad.err.trim()).toBe('layerloom: a GAN graph is Noise → generator → Discriminator and trains with its own losses; remove loss, which is not part of the generator');
  });
});
