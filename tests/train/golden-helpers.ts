/**
 * Helpers for the train-step golden tests: run OUR generated train-step graph (buildTrainStep → irToOnnx with
 * paramsAsInputs → onnxruntime-node) and PyTorch's equivalent modules (build/fixtures/train_step_reference.py,
 * one python call for every case) on the same initial weights and data, and compare the results.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import {
  buildTrainStep,
  inferShapes,
  initWeights,
  LOSS_OUTPUT,
  LR_INPUT,
  newName,
  Rng,
  STEP_INPUT,
  type DType,
  type GraphDoc,
  type OptimizerChoice,
  type ShapedGraph,
} from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { generateFeed } from '../../runtime/train/trainer';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;

/** One data tensor, batch first. Integer data is kept as numbers (ids and class labels are small). */
export interface DataTensor {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly data: Float32Array | Int32Array;
}

/** One step's data: a tensor per Input node id. */
export type DataBatch = Readonly<Record<string, DataTensor>>;

export interface StepRun {
  /** The loss of every step (computed before that step's update). */
  readonly losses: number[];
  /** Every weight and buffer after the last step, by weight name (those the step does not change included). */
  readonly state: Map<string, Float32Array>;
  /** The names of the weights and buffers the step wrote back. */
  readonly updated: Set<string>;
  /** The optimizer state after the last step, by `<weight>:<slot>` (torch's slot names). */
  readonly optState: Map<string, Float32Array>;
}

const toOrt = (t: DataTensor): ort.Tensor =>
  t.dtype === 'int64'
    ? new ort.Tensor('int64', BigInt64Array.from(Array.from(t.data, (v) => BigInt(v))), [...t.shape])
    : new ort.Tensor('float32', Float32Array.from(t.data), [...t.shape]);

/**
 * The initial weights: initWeights(seed), then every floating-point weight that would start constant
 * (BatchNorm's and LayerNorm's γ, β and BatchNorm's running statistics) drawn at random around its usual
 * value, so that a wrong use of them cannot hide behind 1s and 0s.
 */
export function initialState(shaped: ShapedGraph, seed: number): Map<string, Float32Array> {
  const weights = initWeights(shaped, seed);
  for (const id of shaped.order) {
    for (const [name, spec] of Object.entries(shaped.info.get(id)?.weights ?? {})) {
      if (!('constant' in spec.init) || (spec.dtype ?? 'float32') !== 'float32') continue;
      const full = `${id}.${name}`;
      const rng = new Rng(seed).fork(`golden ${full}`);
      weights.set(full, Float32Array.from(weights.get(full)!, (v) => v + rng.uniform(-0.5, 0.5)));
    }
  }
  return weights;
}

/**
 * Random data for every Input of the graph: floats uniform in [-1, 1), int64 ids in [0, ints[id]) (every int64
 * Input needs its bound in `ints`).
 */
export function randomBatch(shaped: ShapedGraph, batch: number, seed: number, ints: Readonly<Record<string, number>> = {}): Record<string, DataTensor> {
  const out: Record<string, DataTensor> = {};
  for (const id of shaped.order) {
    const info = shaped.info.get(id)!;
    if (info.kind !== 'Input') continue;
    const type = Object.values(info.outputs)[0]!;
    const shape = type.shape.map((d) => (d === 'N' ? batch : (d as number)));
    const n = shape.reduce((a, d) => a * d, 1);
    const rng = new Rng(seed).fork(`data ${id}`);
    if (type.dtype === 'int64') {
      const high = ints[id];
      if (high === undefined) throw new Error(`int64 Input ${id} needs an upper bound`);
      out[id] = { shape, dtype: 'int64', data: Int32Array.from({ length: n }, () => rng.int(high)) };
    } else out[id] = { shape, dtype: 'float32', data: Float32Array.from({ length: n }, () => rng.uniform(-1, 1)) };
  }
  return out;
}

/**
 * Runs our train step: buildTrainStep with the batch size of the data, exported with paramsAsInputs and run in
 * onnxruntime-node once per batch, each step's updated weights, buffers and optimizer state feeding the next
 * (the optimizer state starts at zeros, t counts from 1), as the Trainer does.
 */
export async function runOurSteps(
  shaped: ShapedGraph,
  init: ReadonlyMap<string, Float32Array>,
  optimizer: OptimizerChoice,
  lr: number,
  batches: readonly DataBatch[],
): Promise<StepRun> {
  const first = batches[0]!;
  const batch = Object.values(first)[0]!.shape[0]!;
  const program = buildTrainStep(shaped, { batch, optimizer });
  const bytes = encodeModel(irToOnnx(program.graph, { name: 'train_step', weights: new Map(), paramsAsInputs: true }));
  const session = await ort.InferenceSession.create(bytes);
  try {
    const live = new Map<string, ort.Tensor>();
    for (const w of program.weights) live.set(w.name, new ort.Tensor('float32', Float32Array.from(init.get(w.name)!), w.type.shape as number[]));
    for (const s of program.state) {
      const n = s.type.shape.reduce<number>((a, d) => a * (d as number), 1);
      live.set(s.name, new ort.Tensor('float32', new Float32Array(n), s.type.shape as number[]));
    }
    const losses: number[] = [];
    for (const [k, b] of batches.entries()) {
      const feeds: Record<string, ort.Tensor> = {};
      for (const d of program.dataInputs) {
        if (d.source.kind !== 'input') throw new Error(`${d.name}: connect every loss target to an Input`);
        feeds[d.name] = toOrt(b[d.source.node]!);
      }
      const rng = new Rng(1).fork(`feeds@${k + 1}`);
      for (const f of program.feeds) {
        // Dropout is 0 in every golden graph, so its masks are all ones; any other fed input would differ from torch.
        if (f.spec.kind !== 'dropout' || f.spec.p !== 0) throw new Error(`${f.name}: fed inputs other than p = 0 dropout masks cannot match torch`);
        feeds[f.name] = new ort.Tensor('float32', generateFeed(f.spec, f.type, rng), f.type.shape as number[]);
      }
      feeds[LR_INPUT] = new ort.Tensor('float32', Float32Array.of(lr), []);
      feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(k + 1), []);
      for (const [name, v] of live) feeds[name] = v;
      const out = await session.run(feeds);
      losses.push((out[LOSS_OUTPUT]!.data as Float32Array)[0]!);
      for (const [outName, inName] of program.updates) live.set(inName, out[outName]!);
    }
    const state = new Map<string, Float32Array>();
    for (const [name, v] of init) state.set(name, Float32Array.from(v));
    const updated = new Set<string>();
    const optState = new Map<string, Float32Array>();
    for (const inName of program.updates.values()) {
      const data = Float32Array.from(live.get(inName)!.data as Float32Array);
      const slot = /^state:(.+):([^:]+)$/.exec(inName);
      if (slot) optState.set(`${slot[1]}:${slot[2]}`, data);
      else {
        state.set(inName, data);
        updated.add(inName);
      }
    }
    expect([...program.updates.keys()].every((o) => o === newName(program.updates.get(o)!))).toBe(true);
    return { losses, state, updated, optState };
  } finally {
    await session.release();
  }
}

/** The JSON description train_step_reference.py rebuilds the graph from. */
export interface TorchCase {
  readonly name: string;
  readonly nodes: readonly {
    id: string;
    kind: string;
    params: unknown;
    in_shapes: Record<string, readonly number[]>;
    inputs: Record<string, [string, string]>;
  }[];
  readonly state: Record<string, { shape: readonly number[]; dtype: DType; data: number[] }>;
  readonly optimizer: { kind: string; params: Readonly<Record<string, unknown>>; lr: number };
  readonly batches: readonly Record<string, { shape: readonly number[]; dtype: DType; data: number[] }>[];
}

export interface TorchResult {
  readonly losses: number[];
  readonly state: Record<string, number[]>;
  readonly grads: Record<string, number[]>;
  readonly opt_state: Record<string, Record<string, number[]>>;
}

/** The description of a shaped graph for train_step_reference.py (N replaced by the batch size). */
export function torchCase(
  name: string,
  shaped: ShapedGraph,
  init: ReadonlyMap<string, Float32Array>,
  optimizer: OptimizerChoice,
  lr: number,
  batches: readonly DataBatch[],
): TorchCase {
  const batch = Object.values(batches[0]!)[0]!.shape[0]!;
  const fix = (s: readonly (number | string)[]) => s.map((d) => (d === 'N' ? batch : (d as number)));
  const nodes = shaped.order.map((id) => {
    const info = shaped.info.get(id)!;
    const inputs: Record<string, [string, string]> = {};
    for (const e of shaped.edges) if (e.to.node === id) inputs[e.to.port] = [e.from.node, e.from.port];
    const in_shapes: Record<string, readonly number[]> = {};
    for (const [port, t] of Object.entries(info.inputs)) in_shapes[port] = fix(t.shape);
    return { id, kind: info.kind, params: info.params, in_shapes, inputs };
  });
  const state: TorchCase['state'] = {};
  for (const id of shaped.order)
    for (const [w, spec] of Object.entries(shaped.info.get(id)!.weights))
      state[`${id}.${w}`] = { shape: spec.shape, dtype: spec.dtype ?? 'float32', data: Array.from(init.get(`${id}.${w}`)!) };
  const plain = (b: DataBatch) => Object.fromEntries(Object.entries(b).map(([k, t]) => [k, { shape: t.shape, dtype: t.dtype, data: Array.from(t.data) }]));
  return { name, nodes, state, optimizer: { kind: optimizer.kind, params: optimizer.params ?? {}, lr }, batches: batches.map(plain) };
}

/** Runs train_step_reference.py once on every case. */
export function torchSteps(cases: readonly TorchCase[]): TorchResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-train-golden-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify({ cases }));
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/train_step_reference.py'), file], {
      encoding: 'utf8',
      timeout: 300_000,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (py.status !== 0) throw new Error(`train_step_reference.py failed (${String(py.status ?? py.error)}):\n${py.stderr}`);
    const { results } = JSON.parse(py.stdout) as { results: TorchResult[] };
    expect(results).toHaveLength(cases.length);
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Shapes a graph and checks it has no errors. */
export function shape(doc: GraphDoc): ShapedGraph {
  const shaped = inferShapes(doc);
  const errors = shaped.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length) throw new Error(`${doc.name}: ${errors.map((d) => `${d.node ?? ''} ${d.message}`).join('; ')}`);
  return shaped;
}

/**
 * The largest (|a − e| − slack(i)) / max(1, |e|) over the entries (absolute below 1, relative above), with where it
 * happened. `slack` is an allowance per entry (0 by default).
 */
export function worstError(actual: ArrayLike<number>, expected: ArrayLike<number>, slack: (i: number) => number = () => 0): { err: number; at: number } {
  expect(actual.length).toBe(expected.length);
  let err = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const d = Math.max(0, Math.abs(actual[i]! - e) - slack(i)) / Math.max(1, Math.abs(e));
    if (!(d <= err)) {
      err = d;
      at = i;
    }
  }
  return { err, at };
}
