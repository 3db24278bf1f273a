/**
 * Helpers for the training-mode tests: our lowered train-mode forward pass and its weight gradients run in
 * onnxruntime-node, and build/fixtures/training_modes_reference.py (PyTorch) on the same weights and data.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { autodiff, initWeights, lowerLayers, type ShapedGraph, type Tensor, type V } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { fromOrt, toOrt } from '../helpers/op-check';

const root = new URL('../../', import.meta.url).pathname;

export interface OurGradients {
  readonly loss: number;
  /** d(sum of the losses)/d(weight), by weight name. */
  readonly grads: Map<string, Float32Array>;
  /** Values of the requested graph values (e.g. a node's output), by the given names. */
  readonly outputs: Map<string, Float32Array>;
}

/**
 * Lowers the graph in train mode with a fixed batch, sums its losses and appends autodiff to every trainable
 * weight; runs that in onnxruntime-node on `inputs` (data and fed inputs, by graph input name).
 * `read` names graph outputs of the lowered forward pass to return as well (`<node id>` or `<id>.<port>`).
 */
export async function runGradients(
  shaped: ShapedGraph,
  batch: number,
  inputs: Readonly<Record<string, Tensor>>,
  weights: ReadonlyMap<string, Float32Array>,
  read: readonly string[] = [],
): Promise<OurGradients> {
  const lowered = lowerLayers(shaped, { mode: 'train', includeLosses: true, batch });
  const ir = lowered.builder;
  const forwardOuts = new Map(lowered.ir.outputs.map((o) => [o.name, ir.value(o.value)]));
  // A node's (first) output: the last op lowered in its scope, for nodes that are not graph outputs.
  const lastOf = (id: string) => [...ir.nodeList].reverse().find((n) => n.name.startsWith(`${id}/`))?.outputs[0];
  const wanted = read.map((name) => {
    const v = forwardOuts.get(name) ?? lowered.metrics.get(name) ?? (lastOf(name) !== undefined ? ir.value(lastOf(name)!) : undefined);
    return [name, v] as const;
  });
  ir.clearOutputs();
  let total: V | undefined;
  for (const l of lowered.losses.values()) total = total ? ir.add(total, l) : l;
  const params = lowered.ir.params.filter((p) => p.spec.trainable !== false);
  const grads = autodiff(ir, total!, params.map((p) => ir.value(p.value)));
  ir.output('loss', total!);
  for (const p of params) {
    const g = grads.get(p.value);
    if (g) ir.output(`grad:${p.name}`, g);
  }
  for (const [name, v] of wanted) {
    if (!v) throw new Error(`no output ${name}`);
    ir.output(`read:${name}`, v);
  }
  const graph = ir.build();
  const session = await ort.InferenceSession.create(encodeModel(irToOnnx(graph, { name: 'grads', weights: new Map(), paramsAsInputs: true })));
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(inputs)) feeds[k] = toOrt(t);
    for (const p of graph.params) feeds[p.name] = new ort.Tensor('float32', Float32Array.from(weights.get(p.name)!), graph.values[p.value]!.type.shape as number[]);
    const out = await session.run(feeds);
    const result: OurGradients = { loss: (out['loss']!.data as Float32Array)[0]!, grads: new Map(), outputs: new Map() };
    for (const p of params) if (out[`grad:${p.name}`]) result.grads.set(p.name, fromOrt(out[`grad:${p.name}`]!).data as Float32Array);
    for (const name of read) result.outputs.set(name, fromOrt(out[`read:${name}`]!).data as Float32Array);
    return result;
  } finally {
    await session.release();
  }
}

export interface ModeCase {
  readonly kind: 'vae' | 'dann' | 'shift' | 'gradnorm' | 'attack';
  readonly weights?: ReadonlyMap<string, Float32Array>;
  readonly shapes?: ShapedGraph;
  readonly tensors: Readonly<Record<string, Tensor>>;
  readonly params?: Readonly<Record<string, unknown>>;
}

export interface ModeResult {
  readonly loss: number;
  readonly grads: Record<string, number[]>;
  readonly outputs: Record<string, number[]>;
}

/** The initial weights of a graph (initWeights with a seed), with their shapes for the reference script. */
export function weightsOf(shaped: ShapedGraph, seed: number): Map<string, Float32Array> {
  return initWeights(shaped, seed);
}

/** Runs training_modes_reference.py once on every case. */
export function torchModes(cases: readonly ModeCase[]): ModeResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-modes-'));
  try {
    const file = join(dir, 'cases.json');
    const plain = (t: Tensor) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.data as ArrayLike<number>, Number) });
    const json = cases.map((c) => {
      const weights: Record<string, { shape: readonly number[]; data: number[] }> = {};
      for (const [name, data] of c.weights ?? []) {
        const [node, w] = [name.slice(0, name.lastIndexOf('.')), name.slice(name.lastIndexOf('.') + 1)];
        weights[name] = { shape: c.shapes!.info.get(node)!.weights[w]!.shape, data: Array.from(data) };
      }
      return { kind: c.kind, weights, tensors: Object.fromEntries(Object.entries(c.tensors).map(([k, t]) => [k, plain(t)])), params: c.params ?? {} };
    });
    writeFileSync(file, JSON.stringify({ cases: json }));
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/training_modes_reference.py'), file], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    if (py.status !== 0) throw new Error(`training_modes_reference.py failed (${String(py.status ?? py.error)}):\n${py.stderr}`);
    const { results } = JSON.parse(py.stdout) as { results: ModeResult[] };
    expect(results).toHaveLength(cases.length);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every entry within `tol` (absolute below 1, relative above). */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what: string): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const err = Math.abs(actual[i]! - e) / Math.max(1, Math.abs(e));
    if (!(err <= tol)) expect.fail(`${what}[${i}]: ${actual[i]} vs PyTorch ${e} (error ${err.toExponential(2)} > ${tol})`);
  }
}
