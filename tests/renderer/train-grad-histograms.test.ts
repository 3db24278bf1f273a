/**
 * The dashboard's gradient histograms (`gradHistograms` view of the training session), driven in Node with
 * native onnxruntime: while a run is paused they take no step and cover every gradient value; after the run
 * (and from kept weights) they equal numpy.histogram of PyTorch's gradients on the same batch
 * (build/fixtures/grad_histogram_reference.py); a GAN run gives the Discriminator's and the generator's.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sessionHarness } from '../helpers/training-session';
import { parseDocument } from '../../graph-core';
import { gatherBatch } from '../../runtime/data/batches';
import { getBuiltin } from '../../runtime/data/registry';
import { splitIndices } from '../../runtime/data/split';
import type { FromWorker, GradHistogramsResult } from '../../renderer/train/protocol';
import { DEFAULT_SETTINGS, type TrainSettings } from '../../renderer/train/settings';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;
const example = (name: string) => parseDocument(readFileSync(join(root, 'examples', name), 'utf8')).doc!;
const spiral = example('spiral-mlp.json');
const settings: TrainSettings = { ...DEFAULT_SETTINGS, dataset: 'spirals', epochs: 2, batchSize: 64, lr: 0.01, seed: 1, valSplit: 0.2 };
const BINS = 16;

function harness() {
  const h = sessionHarness();
  const grads = async (): Promise<GradHistogramsResult> => {
    const r = await h.view({ kind: 'gradHistograms', bins: BINS });
    if (r.kind !== 'gradHistograms') throw new Error(JSON.stringify(r));
    return r;
  };
  return { ...h, grads };
}

/** Every gradient value is in a bin (or counted as not finite), the edges span [min, max], the layer norm is the tensors'. */
function expectComplete(r: GradHistogramsResult, sizes: ReadonlyMap<string, number>): void {
  const names = r.layers.flatMap((l) => l.tensors.map((t) => t.name));
  expect(new Set(names)).toEqual(new Set(sizes.keys()));
  for (const l of r.layers) {
    for (const t of l.tensors) {
      expect(t.size, t.name).toBe(sizes.get(t.name));
      expect(t.counts.reduce((a, c) => a + c, 0) + t.nonFinite, t.name).toBe(t.size);
      expect(t.counts).toHaveLength(BINS);
      expect(t.edges[0]).toBe(t.min);
      expect(t.edges[BINS]).toBeCloseTo(t.max, 12);
      expect(t.norm).toBeGreaterThan(0);
    }
    expect(l.norm).toBeCloseTo(Math.sqrt(l.tensors.reduce((a, t) => a + t.norm ** 2, 0)), 10);
  }
}

describe('gradient histograms in the dashboard', () => {
  it('are answered while paused without a step, and after the run equal numpy.histogram of PyTorch\'s gradients; kept weights give the same', async () => {
    const h = harness();
    const before = await h.view({ kind: 'gradHistograms', bins: BINS });
    expect(before).toEqual({ kind: 'error', message: 'Train the model first: the views show the model of a run.' });

    const run = h.session.handle({ type: 'start', doc: spiral, settings, data: { builtin: 'spirals' }, backend: 'native' });
    await h.until((m) => m.type === 'step' && m.e.step === 5);
    void h.session.handle({ type: 'pause' });
    const paused = await h.until<Extract<FromWorker, { type: 'paused' }>>((m) => m.type === 'paused');
    const atPause = h.messages.filter((m) => m.type === 'step').length;
    const sizes = new Map([
      ['fc1.weight', 128],
      ['fc1.bias', 64],
      ['fc2.weight', 4096],
      ['fc2.bias', 64],
      ['out.weight', 192],
      ['out.bias', 3],
    ]);
    const mid = await h.grads();
    expect(mid.step).toBe(paused.step);
    expect(mid.batch).toBe(64);
    expect(mid.layers.map((l) => [l.node, l.objective])).toEqual([
      ['fc1', 'loss'],
      ['fc2', 'loss'],
      ['out', 'loss'],
    ]);
    expect(mid.objectives).toHaveLength(1);
    expect(mid.objectives[0]!.loss).toBeGreaterThan(0.1);
    expectComplete(mid, sizes);
    // The probe takes no step: asking again gives the same gradients, and the run did not move.
    const again = await h.grads();
    expect(again.layers.map((l) => l.tensors.map((t) => Array.from(t.counts)))).toEqual(mid.layers.map((l) => l.tensors.map((t) => Array.from(t.counts))));
    expect(h.messages.filter((m) => m.type === 'step').length).toBe(atPause);
    void h.session.handle({ type: 'resume' });
    await run;
    expect(h.messages.find((m) => m.type === 'done')).toMatchObject({ status: 'finished', steps: 74 });

    const after = await h.grads();
    expect(after.step).toBe(74);
    // A bin count that is not a number falls back to 30 bins instead of failing.
    const odd = await h.view({ kind: 'gradHistograms', bins: Number.NaN });
    expect(odd.kind === 'gradHistograms' && odd.layers[0]!.tensors[0]!.counts.length).toBe(30);
    expectComplete(after, sizes);
    void h.session.handle({ type: 'weights', id: 99 });
    const { weights } = await h.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights' && m.id === 99);

    // PyTorch on the final weights and the view's batch: the first 64 samples of the training split.
    const ds = await getBuiltin('spirals')!.load({ seed: settings.seed });
    const val = new Set(splitIndices(ds.size, { val: settings.valSplit, test: 0 }, settings.seed).val ?? []);
    const indices = Int32Array.from(Array.from({ length: ds.size }, (_, i) => i).filter((i) => !val.has(i)).slice(0, 64));
    const b = gatherBatch(ds, indices, ['x', 'y']);
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-gradhist-'));
    let ref: { loss: number; grads: Record<string, { edges: number[]; counts: number[]; norm: number; min: number; max: number }> };
    try {
      const file = join(dir, 'case.json');
      const ws: Record<string, { shape: number[]; data: number[] }> = {};
      for (const [name, n] of sizes) {
        const [node, kind] = name.split('.') as [string, string];
        const rows = weights!.get(`${node}.bias`)!.length;
        ws[name] = { shape: kind === 'bias' ? [n] : [rows, n / rows], data: Array.from(weights!.get(name)!) };
      }
      writeFileSync(file, JSON.stringify({ layers: ['fc1', 'fc2', 'out'], weights: ws, x: { shape: [64, 2], data: Array.from(b.arrays.x!, Number) }, y: Array.from(b.arrays.y!, Number), bins: BINS }));
      const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/grad_histogram_reference.py'), file], { encoding: 'utf8', timeout: 120_000 });
      if (py.status !== 0) throw new Error(`grad_histogram_reference.py failed (${String(py.status ?? py.error)}):\n${py.stderr}`);
      ref = JSON.parse(py.stdout) as typeof ref;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(Math.abs(after.objectives[0]!.loss - ref.loss)).toBeLessThan(1e-5);
    for (const t of after.layers.flatMap((l) => l.tensors)) {
      const want = ref.grads[t.name]!;
      expect(Array.from(t.counts), t.name).toEqual(want.counts);
      const span = want.max - want.min;
      for (let i = 0; i <= BINS; i++) expect(Math.abs(t.edges[i]! - want.edges[i]!), `${t.name} edge ${i}`).toBeLessThan(1e-5 * span + 1e-9);
      expect(Math.abs(t.norm - want.norm) / want.norm, `${t.name} norm`).toBeLessThan(1e-5);
    }

    // Kept weights, restored in a fresh session without training: the same histograms.
    const k = harness();
    await k.session.handle({ type: 'restore', doc: spiral, settings, data: { builtin: 'spirals' }, weights: weights! });
    const kept = await k.grads();
    expect(kept.step).toBe(0);
    expect(kept.layers.map((l) => l.tensors.map((t) => Array.from(t.counts)))).toEqual(after.layers.map((l) => l.tensors.map((t) => Array.from(t.counts))));
  });

  it('give a GAN run\'s Discriminator gradients of its loss and the generator\'s of its own', async () => {
    const h = harness();
    const ring = example('gan-ring.json');
    await h.session.handle({ type: 'start', doc: ring, settings: { ...settings, dataset: 'gaussians8', epochs: 1, valSplit: 0 }, data: { builtin: 'gaussians8' }, backend: 'native' });
    expect(h.messages.find((m) => m.type === 'done')).toMatchObject({ status: 'finished' });
    const r = await h.grads();
    expect(r.objectives.map((o) => o.name)).toEqual(['Discriminator loss', 'generator loss']);
    for (const o of r.objectives) expect(Number.isFinite(o.loss)).toBe(true);
    expect(r.layers.filter((l) => l.objective === 'Discriminator loss').map((l) => l.node)).toEqual(['critic']);
    expect(r.layers.filter((l) => l.objective === 'generator loss').map((l) => l.node)).toEqual(['g1', 'g2', 'sample']);
    for (const t of r.layers.flatMap((l) => l.tensors)) {
      expect(t.counts.reduce((a, c) => a + c, 0) + t.nonFinite).toBe(t.size);
      expect(t.norm, t.name).toBeGreaterThan(0);
    }
  });

  it('give a WGAN run\'s critic gradients of the critic loss its steps train on', async () => {
    const h = harness();
    const ring = example('gan-ring.json');
    const wgan = { ...ring, training: { ...ring.training, gan_loss: 'wasserstein', n_critic: 1 } };
    await h.session.handle({ type: 'start', doc: wgan, settings: { ...settings, dataset: 'gaussians8', epochs: 1, valSplit: 0 }, data: { builtin: 'gaussians8' }, backend: 'native' });
    expect(h.messages.find((m) => m.type === 'done')).toMatchObject({ status: 'finished' });
    const r = await h.grads();
    expect(r.objectives.map((o) => o.name)).toEqual(['critic loss', 'generator loss']);
    // The same weights probed as a plain GAN give the (non-negative) BCE loss instead: another objective.
    void h.session.handle({ type: 'weights', id: 99 });
    const { weights } = await h.until<Extract<FromWorker, { type: 'weights' }>>((m) => m.type === 'weights' && m.id === 99);
    const b = harness();
    await b.session.handle({ type: 'restore', doc: ring, settings: { ...settings, dataset: 'gaussians8', epochs: 1, valSplit: 0 }, data: { builtin: 'gaussians8' }, weights: weights! });
    const bce = (await b.grads()).objectives[0]!;
    expect(bce.name).toBe('Discriminator loss');
    expect(bce.loss).toBeGreaterThan(0);
    expect(Math.abs(r.objectives[0]!.loss - bce.loss)).toBeGreaterThan(1e-3);
  });
});
