/**
 * Helpers for the optimizer tests: running our optimizer steps with the reference evaluator, and running
 * torch.optim (Debian's /usr/bin/python3, torch 1.13) on the same cases through
 * build/fixtures/optimizer_reference.py, with all cases of a test file in one Python call.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { evaluateIr, IrBuilder, Rng, type IrGraph, type Tensor } from '../../../graph-core';
import { resolveOptimizerParams, type AnyOptimizerDef, type ScheduleSpec } from '../../../graph-core/optimizers';

export interface FlatTensor {
  readonly shape: readonly number[];
  readonly data: readonly number[];
}

export interface OptimizerCase {
  readonly name: string;
  readonly kind: string;
  readonly params: Readonly<Record<string, number | boolean>>;
  readonly lr: number;
  readonly w: FlatTensor;
  /** One flat gradient per step. */
  readonly grads: readonly (readonly number[])[];
}

export interface OptimizerStepResult {
  readonly w: readonly number[];
  readonly state: Readonly<Record<string, readonly number[]>>;
}

export interface ScheduleCase {
  readonly base_lr: number;
  readonly spec: ScheduleSpec;
  readonly steps: number;
}

export interface ClipCase {
  readonly grads: readonly FlatTensor[];
  readonly max_norm: number;
}

export interface TorchResults {
  readonly optimizers: readonly { readonly steps: readonly OptimizerStepResult[] }[];
  readonly schedules: readonly { readonly lrs: readonly number[] }[];
  readonly clips: readonly { readonly grads: readonly (readonly number[])[]; readonly total_norm: number }[];
}

/** Runs build/fixtures/optimizer_reference.py once on all the cases given. */
export function torchReference(cases: {
  optimizers?: readonly OptimizerCase[];
  schedules?: readonly ScheduleCase[];
  clips?: readonly ClipCase[];
}): TorchResults {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-optim-'));
  try {
    const file = join(dir, 'cases.json');
    writeFileSync(file, JSON.stringify(cases));
    const script = resolve('build/fixtures/optimizer_reference.py');
    const py = spawnSync('/usr/bin/python3', [script, file], { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 });
    expect(py.status, `optimizer_reference.py failed:\n${py.stderr}`).toBe(0);
    return JSON.parse(py.stdout) as TorchResults;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** n values uniform in [-scale, scale), rounded to float32 (so torch and we start from the same numbers). */
export function randomValues(n: number, seed: number, scale = 1): number[] {
  const rng = new Rng(seed);
  return Array.from(Float32Array.from({ length: n }, () => rng.uniform(-scale, scale)));
}

export function scalarTensor(x: number): Tensor {
  return { shape: [], dtype: 'float32', data: Float32Array.of(x) };
}

/**
 * The one-step graph of an optimizer for one weight, named as in train-step graphs: inputs w, g, state:<slot>,
 * lr, t; outputs new:w, new:state:<slot>.
 */
export function optimizerStepGraph(
  def: AnyOptimizerDef,
  params: Readonly<Record<string, unknown>>,
  shape: readonly number[],
): { graph: IrGraph; stateNames: readonly string[] } {
  const resolved = resolveOptimizerParams(def, params);
  if (!resolved.ok) throw new Error(`bad params for ${def.kind}: ${JSON.stringify(resolved.problems)}`);
  const q = resolved.params;
  const stateNames = def.state(q);
  const ir = new IrBuilder();
  const type = { shape: [...shape], dtype: 'float32' as const };
  const w = ir.input('w', type);
  const g = ir.input('g', type);
  const state = Object.fromEntries(stateNames.map((n) => [n, ir.input(`state:${n}`, type)]));
  const lr = ir.input('lr', { shape: [], dtype: 'float32' });
  const t = ir.input('t', { shape: [], dtype: 'float32' });
  const out = def.step(ir, { w, g, state, lr, t }, q);
  expect(Object.keys(out.state).sort(), `${def.kind} returns exactly its declared state`).toEqual([...stateNames].sort());
  ir.output('new:w', out.w);
  for (const n of stateNames) ir.output(`new:state:${n}`, out.state[n]!);
  return { graph: ir.build(), stateNames };
}

/** Runs `grads.length` consecutive steps with the reference evaluator, feeding w and the state back each time. */
export function runOurSteps(c: OptimizerCase, def: AnyOptimizerDef): OptimizerStepResult[] {
  const { graph, stateNames } = optimizerStepGraph(def, c.params, c.w.shape);
  const tensor = (data: ArrayLike<number>): Tensor => ({ shape: [...c.w.shape], dtype: 'float32', data: Float32Array.from(data) });
  let w = tensor(c.w.data);
  let state: Record<string, Tensor> = Object.fromEntries(stateNames.map((n) => [n, tensor(new Float32Array(c.w.data.length))]));
  const results: OptimizerStepResult[] = [];
  c.grads.forEach((g, k) => {
    const feeds: Record<string, Tensor> = { w, g: tensor(g), lr: scalarTensor(c.lr), t: scalarTensor(k + 1) };
    for (const n of stateNames) feeds[`state:${n}`] = state[n]!;
    const out = evaluateIr(graph, feeds, {});
    w = out['new:w']!;
    state = Object.fromEntries(stateNames.map((n) => [n, out[`new:state:${n}`]!]));
    results.push({ w: Array.from(w.data), state: Object.fromEntries(stateNames.map((n) => [n, Array.from(state[n]!.data)])) });
  });
  return results;
}

/**
 * Asserts |a − e| ≤ rel·max(|e|, m/10) for every element, where m is the largest |e| in the tensor (`rel` 1e-6
 * by default, about 8 float32 ulps).
 *
 * NOTE: the floor m/10 is there for cancellation: an update w − η·u with w ≈ η·u leaves a result much smaller
 * than its operands, carrying their absolute rounding error (a few ulps of w), which can be large relative to
 * the small result even when every operation matches torch to the last ulp or two.
 */
export function expectRelClose(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string, rel = 1e-6): void {
  expect(actual.length, `${label}: length`).toBe(expected.length);
  let largest = 0;
  for (let i = 0; i < expected.length; i++) largest = Math.max(largest, Math.abs(expected[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!;
    const a = actual[i]!;
    const scale = Math.max(Math.abs(e), largest / 10);
    const err = scale === 0 ? Math.abs(a) : Math.abs(a - e) / scale;
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(worst, `${label}: worst relative error at [${at}]: ours ${actual[at]}, torch ${expected[at]}`).toBeLessThanOrEqual(rel);
}
