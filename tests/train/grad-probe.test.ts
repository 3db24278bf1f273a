/**
 * The gradient probe (graph-core/train/grad-probe.ts): forward in train mode, loss and backward, no update.
 * Its gradients equal PyTorch's .grad for a Linear → BatchNorm1d → ReLU → Dropout → Linear → CrossEntropy model
 * (build/fixtures/grad_probe_reference.py), the train step's `gradnorm:<node>` outputs (1e-5) and the step's own
 * update (SGD: w − lr·g); a GAN's two probes give the gradients that its D and G steps apply.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildTrainStep, gradNormName, inferShapes, initWeights, LOSS_OUTPUT, LR_INPUT, newName, parseDocument, Rng, STEP_INPUT, type IrGraph } from '../../graph-core';
import { buildGanSteps } from '../../graph-core/train/gan-step';
import { buildGanGradProbes, buildGradProbe, gradOutputName } from '../../graph-core/train/grad-probe';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { generateFeed } from '../../runtime/train/trainer';
import { chain, node, readExample } from '../helpers/graphs';
import { checkOnnx, SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;

async function run(graph: IrGraph, feeds: Record<string, ort.Tensor>): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(encodeModel(irToOnnx(graph, { name: 'probe', weights: new Map(), paramsAsInputs: true })));
  try {
    const wanted = new Set(session.inputNames);
    const out = await session.run(Object.fromEntries(Object.entries(feeds).filter(([k]) => wanted.has(k))));
    return Object.fromEntries(Object.entries(out).map(([k, t]) => [k, Float32Array.from(t.data as Float32Array)]));
  } finally {
    await session.release();
  }
}

const f32 = (data: Float32Array, shape: readonly (number | string)[]) => new ort.Tensor('float32', data, shape as number[]);

describe('gradient probe', () => {
  const B = 8;
  const shaped = inferShapes(
    chain(
      node('x', 'Input', { shape: [4] }),
      node('l1', 'Linear', { out_features: 6 }),
      node('bn', 'BatchNorm1d'),
      node('act', 'ReLU'),
      node('drop', 'Dropout', { p: 0.3 }),
      node('l2', 'Linear', { out_features: 3 }),
      node('ce', 'CrossEntropyLoss'),
    ),
  );
  const weights = initWeights(shaped, 11);
  const rng = new Rng(4);
  const x = Float32Array.from({ length: B * 4 }, () => rng.normal() * 1.5);
  const y = BigInt64Array.from([0, 2, 1, 1, 0, 2, 2, 1], BigInt);

  it('returns each weight\'s gradient as PyTorch computes it, with the train step\'s norms and update, and no update of its own', async () => {
    const probe = buildGradProbe(shaped, { batch: B });
    checkOnnx(encodeModel(irToOnnx(probe.graph, { name: 'probe', weights: new Map(), paramsAsInputs: true })));
    expect(probe.dataInputs.map((d) => d.name)).toEqual(['x', 'ce.target']);
    expect(probe.feeds.map((f) => [f.name, f.spec])).toEqual([['drop.mask', { kind: 'dropout', p: 0.3 }]]);
    expect(probe.grads.map((g) => [g.name, g.node])).toEqual([
      ['grad:l1.weight', 'l1'],
      ['grad:l1.bias', 'l1'],
      ['grad:bn.weight', 'bn'],
      ['grad:bn.bias', 'bn'],
      ['grad:l2.weight', 'l2'],
      ['grad:l2.bias', 'l2'],
    ]);
    // Gradients, the loss, nothing else: no new weights, no optimizer state, no buffer updates.
    expect(probe.graph.outputs.map((o) => o.name)).toEqual([LOSS_OUTPUT, ...probe.grads.map((g) => g.name)]);

    const mask = probe.feeds[0]!;
    const maskData = generateFeed(mask.spec, mask.type, new Rng(9));
    expect(maskData.some((v) => v === 0)).toBe(true);
    const feeds: Record<string, ort.Tensor> = { x: f32(x, [B, 4]), 'ce.target': new ort.Tensor('int64', y, [B]), 'drop.mask': f32(maskData, [B, 6]) };
    for (const w of probe.weights) feeds[w.name] = f32(Float32Array.from(weights.get(w.name)!), w.type.shape);
    const ours = await run(probe.graph, feeds);

    // PyTorch on the same weights, batch and mask.
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-gradprobe-'));
    let ref: { loss: number; grads: Record<string, number[]> };
    try {
      const file = join(dir, 'case.json');
      const ws: Record<string, { shape: readonly number[]; data: number[] }> = {};
      for (const w of probe.weights) ws[w.name] = { shape: w.type.shape as number[], data: Array.from(weights.get(w.name)!) };
      writeFileSync(file, JSON.stringify({ weights: ws, x: { shape: [B, 4], data: Array.from(x) }, y: Array.from(y, Number), mask: { shape: [B, 6], data: Array.from(maskData) } }));
      const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/grad_probe_reference.py'), file], { encoding: 'utf8', timeout: 120_000 });
      if (py.status !== 0) throw new Error(`grad_probe_reference.py failed (${String(py.status ?? py.error)}):\n${py.stderr}`);
      ref = JSON.parse(py.stdout) as typeof ref;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(Math.abs(ours[LOSS_OUTPUT]![0]! - ref.loss)).toBeLessThan(1e-5);
    expect(Object.keys(ref.grads).sort()).toEqual(probe.grads.map((g) => g.weight).sort());
    for (const g of probe.grads) {
      const want = ref.grads[g.weight]!;
      const got = ours[g.name]!;
      expect(got.length).toBe(want.length);
      const scale = Math.max(...want.map(Math.abs));
      // A bias right before BatchNorm is cancelled by the batch mean: its gradient is zero (to rounding).
      if (g.weight === 'l1.bias') expect(scale).toBeLessThan(1e-6);
      else expect(scale, `${g.weight} has a gradient`).toBeGreaterThan(1e-4);
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!), `${g.weight}[${i}]`).toBeLessThan(1e-5 * Math.max(1, scale));
    }

    // The train step on the same inputs: its per-layer norms (before clipping) and its SGD update w − lr·g.
    const lr = 0.5;
    const step = buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' }, clipNorm: 1e-3, gradNorms: true });
    const unclipped = buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' } });
    const stepFeeds = { ...feeds, [LR_INPUT]: f32(Float32Array.of(lr), []), [STEP_INPUT]: f32(Float32Array.of(1), []) };
    const stepOut = await run(step.graph, stepFeeds);
    for (const { node: id, name } of step.gradNorms) {
      let sq = 0;
      for (const g of probe.grads.filter((q) => q.node === id)) for (const v of ours[g.name]!) sq += v * v;
      const want = stepOut[name]![0]!;
      expect(Math.abs(Math.sqrt(sq) - want) / want, name).toBeLessThan(1e-5);
    }
    expect(step.gradNorms.map((g) => g.name)).toEqual(['l1', 'bn', 'l2'].map(gradNormName));
    const updated = await run(unclipped.graph, stepFeeds);
    for (const g of probe.grads) {
      const w = weights.get(g.weight)!;
      const next = updated[newName(g.weight)]!;
      for (let i = 0; i < w.length; i++) expect(Math.abs((w[i]! - next[i]!) / lr - ours[g.name]![i]!), `${g.weight}[${i}]`).toBeLessThan(2e-6 * Math.max(1, Math.abs(w[i]!) / lr));
    }
  });

  it.each(['bce', 'wasserstein'] as const)('gives a GAN\'s Discriminator and generator gradients (%s), each as that player\'s step applies them', async (objective) => {
    const gShaped = inferShapes(parseDocument(JSON.stringify(readExample('gan-ring.json'))).doc!);
    const probes = buildGanGradProbes(gShaped, { batch: B, objective });
    const steps = buildGanSteps(gShaped, { batch: B, optimizer: { kind: 'SGD' }, objective });
    expect(new Set(probes.d.grads.map((g) => g.weight))).toEqual(steps.dWeights);
    expect(new Set(probes.g.grads.map((g) => g.weight))).toEqual(steps.gWeights);
    expect(probes.d.dataInputs.map((d) => d.name)).toEqual(['x']);
    expect(probes.g.dataInputs).toEqual([]);
    expect(probes.d.feeds.map((f) => f.name)).toEqual(['z']);
    const init = initWeights(gShaped, 3);
    const r = new Rng(2);
    const feeds: Record<string, ort.Tensor> = {
      z: f32(Float32Array.from({ length: B * 2 }, () => r.normal()), [B, 2]),
      x: f32(Float32Array.from({ length: B * 2 }, () => r.normal() * 2), [B, 2]),
      [LR_INPUT]: f32(Float32Array.of(1), []),
      [STEP_INPUT]: f32(Float32Array.of(1), []),
    };
    for (const [name, w] of init) feeds[name] = f32(Float32Array.from(w), [...(probes.d.weights.find((q) => q.name === name) ?? probes.g.weights.find((q) => q.name === name))!.type.shape] as number[]);
    for (const [probe, stepProgram] of [
      [probes.d, steps.d],
      [probes.g, steps.g],
    ] as const) {
      const ours = await run(probe.graph, feeds);
      const updated = await run(stepProgram.graph, feeds);
      expect(Math.abs(ours[LOSS_OUTPUT]![0]! - updated[LOSS_OUTPUT]![0]!)).toBeLessThan(1e-6);
      for (const g of probe.grads) {
        const w = init.get(g.weight)!;
        const next = updated[newName(g.weight)]!;
        const got = ours[gradOutputName(g.weight)]!;
        // (The critic's last bias cancels out of WGAN's E[D(fake)] − E[D(real)]: its gradient is exactly 0.)
        if (objective === 'bce' || g.weight !== 'critic.layers.4.bias') expect(got.some((v) => v !== 0), `${g.weight} has a gradient`).toBe(true);
        else expect(got.every((v) => v === 0)).toBe(true);
        for (let i = 0; i < w.length; i++) expect(Math.abs(w[i]! - next[i]! - got[i]!), `${g.weight}[${i}]`).toBeLessThan(2e-6 * Math.max(1, Math.abs(w[i]!)));
      }
    }
  });
});

it('reads the spiral example\'s one Input and one label, and says so when a graph has no loss', () => {
  const shaped = inferShapes(parseDocument(JSON.stringify(readExample('spiral-mlp.json'))).doc!);
  const probe = buildGradProbe(shaped, { batch: 4 });
  expect(probe.dataInputs.map((d) => [d.name, d.type.shape])).toEqual([
    ['x', [4, 2]],
    ['loss.target', [4]],
  ]);
  expect(() => buildGradProbe(inferShapes(chain(node('x', 'Input', { shape: [2] }), node('l', 'Linear', { out_features: 2 }))), { batch: 2 })).toThrow(
    'the graph has no loss layer to differentiate',
  );
});
