/**
 * Toy DDPM mode: the linear β schedule, the forward noising and the ancestral step against NumPy; the noised
 * training rows the trainer builds; training examples/diffusion-ring.json (the lecture's G22 ε-predictor) on the
 * 8-Gaussian ring until ancestral samples cover the ring's modes; `layerloom train` writing samples.npz and
 * `layerloom sample`, with one-line refusals.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseDocument, TrainConfigError, type GraphDoc } from '../../graph-core';
import { ancestralStep, findDiffusion, linearSchedule, noiseSample } from '../../graph-core/train/diffusion';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { getBuiltin } from '../../runtime/data/registry';
import { nodeBackend } from '../../runtime/train/backend-node';
import { DiffusionTrainer, sampleDiffusion } from '../../runtime/train/diffusion-trainer';
import { runSystemPython } from '../helpers/onnx-checker';
import { chain, node } from '../helpers/graphs';
import { modeCoverage } from '../helpers/ring';

const root = new URL('../../', import.meta.url).pathname;
const example = join(root, 'examples/diffusion-ring.json');
const ringDoc = (): GraphDoc => parseDocument(readFileSync(example, 'utf8')).doc!;
const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-ddpm-'));

describe('diffusion schedule and steps', () => {
  it('β, α, ᾱ, σ, the forward noising and one ancestral step match NumPy', () => {
    const s = linearSchedule({ steps: 50, betaStart: 1e-4, betaEnd: 0.2 });
    const x0 = Float32Array.of(2, 0, -1.4142135, 1.4142135);
    const eps = Float32Array.of(0.3, -1.2, 0.7, 0.05);
    const epsHat = Float32Array.of(0.1, -0.9, 0.4, 0.2);
    const z = Float32Array.of(-0.5, 0.25, 1.5, -0.75);
    const xt = new Float32Array(4);
    noiseSample(s, 17, x0, eps, xt, 0, 4);
    const prev17 = Float32Array.from(xt);
    ancestralStep(s, 17, prev17, epsHat, z);
    const prev1 = Float32Array.from(xt);
    ancestralStep(s, 1, prev1, epsHat, z);
    const ref = JSON.parse(
      runSystemPython(`
import json, numpy as np
T = 50
betas = np.linspace(1e-4, 0.2, T)
alphas = 1 - betas
abar = np.cumprod(alphas)
x0 = np.array([2, 0, -1.4142135, 1.4142135], dtype=np.float32)
eps = np.array([0.3, -1.2, 0.7, 0.05], dtype=np.float32)
eh = np.array([0.1, -0.9, 0.4, 0.2], dtype=np.float32)
z = np.array([-0.5, 0.25, 1.5, -0.75], dtype=np.float32)
i = 16  # t = 17
xt = np.sqrt(abar[i]) * x0 + np.sqrt(1 - abar[i]) * eps
step = lambda x, i, z: (x - betas[i] / np.sqrt(1 - abar[i]) * eh) / np.sqrt(alphas[i]) + z
print(json.dumps({'betas': betas.tolist(), 'abar': abar.tolist(), 'xt': xt.tolist(),
  'prev17': step(xt, 16, np.sqrt(betas[16]) * z).tolist(), 'prev1': step(xt, 0, 0 * z).tolist()}))
`),
    ) as { betas: number[]; abar: number[]; xt: number[]; prev17: number[]; prev1: number[] };
    for (let i = 0; i < 50; i++) {
      expect(s.betas[i]).toBeCloseTo(ref.betas[i]!, 12);
      expect(s.alphaBars[i]).toBeCloseTo(ref.abar[i]!, 12);
      expect(s.sigmas[i]).toBeCloseTo(Math.sqrt(ref.betas[i]!), 12);
    }
    // Float32 storage of the results: agreement to float32 precision.
    for (let k = 0; k < 4; k++) {
      expect(xt[k]).toBeCloseTo(ref.xt[k]!, 5);
      expect(prev17[k]).toBeCloseTo(ref.prev17[k]!, 5);
      expect(prev1[k]).toBeCloseTo(ref.prev1[k]!, 5); // the last step adds no noise
    }
    expect(() => linearSchedule({ steps: 0, betaStart: 1e-4, betaEnd: 0.2 })).toThrow(TrainConfigError);
    expect(() => linearSchedule({ steps: 10, betaStart: 0.3, betaEnd: 0.2 })).toThrow(/0 < beta_start ≤ beta_end < 1/);
  });

  it('finds the sample input, the time input and the noise loss, and names what a diffusion graph needs', () => {
    expect(findDiffusion(inferShapes(ringDoc()))).toEqual({ sampleInput: 'x', timeInput: 'time', loss: 'loss', sampleShape: [2] });
    const one = chain(node('x', 'Input', { shape: [2] }), node('fc', 'Linear', { out_features: 2 }), node('loss', 'MSELoss'));
    expect(() => findDiffusion(inferShapes(one))).toThrow(/two Inputs, the noisy sample x_t and the time t\/T \(\[1\]\); this one has 1 \(x\)/);
    const doc = ringDoc();
    const ce = { ...doc, nodes: doc.nodes.map((n) => (n.id === 'loss' ? { ...n, kind: 'L1Loss' } : n)) };
    expect(() => findDiffusion(inferShapes(ce))).toThrow(/one MSELoss between the predicted and the drawn noise; this one has loss \(L1Loss\)/);
  });
});

describe('DiffusionTrainer', () => {
  it('trains on rows x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε with fresh t and ε per sample and pass, and the loss falls', { timeout: 120_000 }, async () => {
    const ds = await getBuiltin('gaussians8')!.load({ seed: 0 });
    const shaped = inferShapes(ringDoc());
    const d = new DiffusionTrainer(shaped, ds, nodeBackend('native', 1), { batchSize: 128, optimizer: { kind: 'Adam' }, lr: 1e-3, seed: 4, steps: 400 });
    const rows = d.trainer.dataset;
    const N = ds.size;
    // 401 batches of 128 need 13 passes over the 4000 samples.
    expect(rows.size).toBe(13 * N);
    const x0 = ds.arrays.x as Float32Array;
    const xt = rows.arrays.x as Float32Array;
    const tt = rows.arrays.time as Float32Array;
    const eps = rows.arrays.loss as Float32Array;
    const s = d.schedule;
    const seen = new Set<number>();
    let sum = 0;
    let sq = 0;
    for (let r = 0; r < rows.size; r++) {
      const t = Math.round(tt[r]! * 50);
      expect(t / 50).toBeCloseTo(tt[r]!, 6);
      seen.add(t);
      const ab = s.alphaBars[t - 1]!;
      const src = r % N;
      for (let k = 0; k < 2; k++) {
        expect(Math.abs(xt[2 * r + k]! - (Math.sqrt(ab) * x0[2 * src + k]! + Math.sqrt(1 - ab) * eps[2 * r + k]!))).toBeLessThan(1e-5);
        sum += eps[2 * r + k]!;
        sq += eps[2 * r + k]! ** 2;
      }
    }
    expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    const m = sum / (2 * rows.size);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(sq / (2 * rows.size) - m * m).toBeCloseTo(1, 1);
    // The same sample gets other noise in its next pass.
    expect(tt[0] === tt[N] && eps[0] === eps[2 * N]).toBe(false);

    const losses: number[] = [];
    const r = await d.run({ onStep: (e) => void losses.push(e.loss) });
    expect(r.status).toBe('finished');
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    // ε has unit variance: an untrained predictor starts near 1; the trained one predicts much of it.
    expect(losses[0]).toBeGreaterThan(0.8);
    expect(mean(losses.slice(-100))).toBeLessThan(0.5);
  });

  it('trains the lecture ε-predictor (3000 steps) until ancestral samples cover all 8 modes, 80% near a mode', { timeout: 300_000 }, async () => {
    const doc = ringDoc();
    const t = doc.training as { steps: number; batch_size: number; lr: number; diffusion: { steps: number; beta_start: number; beta_end: number } };
    expect(t.diffusion).toEqual({ steps: 50, beta_start: 1e-4, beta_end: 0.2 });
    const shaped = inferShapes(doc);
    expect(shaped.totalParams).toBe(17_282); // [x_t(2), t/T] → 128 → ReLU → 128 → ReLU → 2, as G22
    const ds = await getBuiltin('gaussians8')!.load({ seed: 0 });
    const backend = nodeBackend('native', 1);
    const diffusion = { steps: 50, betaStart: 1e-4, betaEnd: 0.2 };
    const d = new DiffusionTrainer(shaped, ds, backend, { batchSize: t.batch_size, optimizer: { kind: 'Adam' }, lr: t.lr, seed: 0, steps: t.steps, diffusion });
    const r = await d.run();
    expect(r.status).toBe('finished');
    const strip: number[] = [];
    const samples = await sampleDiffusion(shaped, r.weights, backend, { count: 2000, seed: 1, diffusion, onStep: (step) => void strip.push(step) });
    expect(strip).toEqual(Array.from({ length: 50 }, (_, i) => 50 - i));
    expect(samples.shape).toEqual([2000, 2]);
    const cov = modeCoverage(samples.data);
    for (const [k, share] of cov.perMode.entries()) expect(share, `mode ${k} (${k * 45}°)`).toBeGreaterThanOrEqual(0.05);
    expect(cov.near).toBeGreaterThanOrEqual(0.8);
    // Pure noise (x_T) is far from that: the reverse process made the ring.
    const untrained = await sampleDiffusion(shaped, new Map([...r.weights].map(([k, v]) => [k, new Float32Array(v.length)])), backend, { count: 2000, seed: 1, diffusion });
    expect(modeCoverage(untrained.data).near).toBeLessThan(0.5);
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

describe('layerloom train and sample on a diffusion graph', () => {
  it('train writes samples.npz next to the weights; sample draws again from the weights, the same for a seed', { timeout: 120_000 }, async () => {
    const dir = tmp();
    const out = join(dir, 'run');
    const r = await cli('train', example, '--steps', '50', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^training Ring diffusion as a diffusion model \(T 50, β 0\.0001 … 0\.2, noise-prediction loss loss\) on 'gaussians8' \(4000 training samples, batch 128\)/);
    expect(r.out).toMatch(/samples\.npz \(1000 samples\)/);
    const npz = readFileSync(join(out, 'samples.npz'));
    expect(npz.subarray(0, 2).toString()).toBe('PK');
    const a = await cli('sample', example, '--weights', join(out, 'weights.safetensors'), '--count', '16', '--seed', '3', '--out', join(dir, 'a.npy'));
    expect(a.err).toBe('');
    expect(a.out.trim()).toBe(`wrote 16 samples [16, 2] to ${join(dir, 'a.npy')}`);
    await cli('sample', example, '--weights', join(out, 'weights.safetensors'), '--count', '16', '--seed', '3', '--out', join(dir, 'b.npy'));
    expect(readFileSync(join(dir, 'a.npy'))).toEqual(readFileSync(join(dir, 'b.npy')));
    const npy = readFileSync(join(dir, 'a.npy'));
    expect(npy.subarray(1, 6).toString()).toBe('NUMPY');
  });

  it('refuses in one line: no diffusion section, missing or foreign weights, a bad diffusion object, a graph that is not a noise predictor', async () => {
    const dir = tmp();
    const spiral = join(root, 'examples/spiral-mlp.json');
    const noSection = await cli('sample', spiral, '--weights', join(dir, 'none.safetensors'));
    expect(noSection.err.trim()).toMatch(/^layerloom: .*spiral-mlp\.json has no "diffusion" in its training section/);
    const missing = await cli('sample', example, '--weights', join(dir, 'none.safetensors'));
    expect(missing.err.trim()).toBe(`layerloom: cannot read the weights file ${join(dir, 'none.safetensors')}`);
    writeFileSync(join(dir, 'junk.safetensors'), 'not safetensors');
    const junk = await cli('sample', example, '--weights', join(dir, 'junk.safetensors'));
    expect(junk.code).not.toBe(0);
    expect(junk.err.trim().split('\n')).toHaveLength(1);
    const doc = ringDoc();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...doc, training: { ...doc.training, diffusion: { steps: 50, beta: 0.1 } } }));
    expect((await cli('train', bad, '--steps', '1')).err.trim()).toBe("layerloom: the training section's diffusion takes steps, beta_start and beta_end, not beta");
    const notPredictor = join(dir, 'spiral.json');
    const spiralDoc = JSON.parse(readFileSync(spiral, 'utf8')) as GraphDoc;
    writeFileSync(notPredictor, JSON.stringify({ ...spiralDoc, training: { ...spiralDoc.training, dataset: 'spirals', diffusion: {} } }));
    // Naming the time input t collides with the train step's own step-number input: said in one line.
    const named = join(dir, 'named-t.json');
    const rename = (id: string) => (id === 'time' ? 't' : id);
    writeFileSync(
      named,
      JSON.stringify({ ...doc, nodes: doc.nodes.map((n) => ({ ...n, id: rename(n.id) })), edges: doc.edges.map((e) => ({ ...e, from: { ...e.from, node: rename(e.from.node) } })) }),
    );
    const t = await cli('train', named, '--steps', '1');
    expect(t.code).not.toBe(0);
    expect(t.err.trim()).toBe("layerloom: the train step feeds the learning rate and the step number as inputs 'lr' and 't'; rename the Input 't' to train this graph");
    const np = await cli('train', notPredictor, '--steps', '1');
    expect(np.code).not.toBe(0);
    expect(np.err.trim()).toMatch(/^layerloom: a diffusion graph has two Inputs/);
  });
});
