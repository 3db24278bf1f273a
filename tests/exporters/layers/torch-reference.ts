/**
 * Helpers for the layer export tests that also compare with PyTorch: exporting a layer with random state
 * (instead of BatchNorm's and LayerNorm's constant initial values, which would hide mistakes), and running a
 * Python reference script under Debian's /usr/bin/python3 (torch 1.13) on every configuration of a layer in
 * one call.
 *
 * The script is `build/fixtures/<name>_reference.py <dir>`: it reads `<dir>/cases.json`
 * ({ cases: [{ params, mode, inputs: [{ shape, dtype, data }], weights: { torch name: flat values } }] }) and writes
 * `<dir>/expected.json` ({ outputs: [{ shape, data }] }, one per case, in order).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';
import { evaluateIr, inferShapes, initWeights, lowerLayers, Rng, type LowerMode, type RawParamValue, type Tensor } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { randomFeeds, type ExportedLayer } from '../../helpers/layer-onnx';
import { graphAround, type LayerCase } from '../../helpers/layer-cases';
import { expectClose, runInOrt } from '../../helpers/op-check';

/** The layer node's id in graphAround, and so its single output's name. */
const NODE = 'L';

/**
 * Exports `kind` like checkLayerOnnx, but every weight that would start constant (BatchNorm's running statistics,
 * γ and β; LayerNorm's γ and β) is drawn at random: uniform in [0.5, 1.5) for variances, in [-1, 1) otherwise.
 */
export function exportWithRandomState(
  kind: string,
  params: Readonly<Record<string, RawParamValue>>,
  inputs: LayerCase['inputs'],
  { seed = 1, intHigh = 5, mode = 'eval' as LowerMode } = {},
): ExportedLayer {
  const doc = graphAround(kind, params, inputs);
  const shaped = inferShapes(doc);
  expect(shaped.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { ir } = lowerLayers(shaped, { mode });
  const weights = initWeights(shaped, seed);
  for (const p of ir.params) {
    if (!('constant' in p.spec.init)) continue;
    const rng = new Rng(seed).fork(`random state ${p.name}`);
    const [lo, hi] = p.name.endsWith('var') ? [0.5, 1.5] : [-1, 1];
    weights.set(p.name, Float32Array.from(weights.get(p.name)!, () => rng.uniform(lo, hi)));
  }
  const feeds = randomFeeds(doc, seed * 7, intHigh);
  const paramTensors: Record<string, Tensor> = {};
  for (const p of ir.params) paramTensors[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: weights.get(p.name)! };
  const reference = evaluateIr(ir, feeds, paramTensors);
  const bytes = encodeModel(irToOnnx(ir, { name: kind, weights }));
  return { doc, bytes, feeds, weights, reference };
}

/** Runs an export in onnxruntime-node and asserts it matches the reference kernels. */
export async function expectOrtMatches(ex: ExportedLayer, tol = 1e-5, label = ''): Promise<void> {
  const got = await runInOrt(ex.bytes, ex.feeds);
  expect(Object.keys(got).sort()).toEqual(Object.keys(ex.reference).sort());
  for (const [name, t] of Object.entries(ex.reference)) expectClose(got[name]!, t, tol, `${label} ${name}`);
}

export interface TorchCase {
  readonly params: Readonly<Record<string, RawParamValue>>;
  readonly ex: ExportedLayer;
  /** The torch module's mode (`module.train()` or `.eval()`); eval unless given. */
  readonly mode?: LowerMode;
}

/** Runs `build/fixtures/<script>_reference.py` once on all cases; returns torch's output per case. */
export function torchOutputs(script: string, cases: readonly TorchCase[]): Tensor[] {
  const dir = mkdtempSync(join(tmpdir(), `layerloom-${script}-`));
  try {
    const payload = {
      cases: cases.map(({ params, ex, mode = 'eval' }) => ({
        params,
        mode,
        inputs: Object.values(ex.feeds).map((t) => ({ shape: t.shape, dtype: t.dtype, data: Array.from(t.data) })),
        weights: Object.fromEntries(
          [...ex.weights].filter(([name]) => name.startsWith(`${NODE}.`)).map(([name, data]) => [name.slice(NODE.length + 1), Array.from(data)]),
        ),
      })),
    };
    writeFileSync(join(dir, 'cases.json'), JSON.stringify(payload));
    const py = spawnSync('/usr/bin/python3', [resolve('build/fixtures', `${script}_reference.py`), dir], { encoding: 'utf8', timeout: 60_000 });
    expect(py.status, `${script}_reference.py failed:\n${py.stderr}`).toBe(0);
    const { outputs } = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { outputs: { shape: number[]; data: number[] }[] };
    return outputs.map((o) => ({ shape: o.shape, dtype: 'float32', data: Float32Array.from(o.data) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Asserts that torch's output for each case matches our reference evaluation of the layer (relative 1e-4). */
export function expectTorchMatches(script: string, cases: readonly TorchCase[], tol = 1e-4): void {
  const outs = torchOutputs(script, cases);
  expect(outs.length).toBe(cases.length);
  cases.forEach(({ params, ex }, k) => expectClose(ex.reference[NODE]!, outs[k]!, tol, `torch vs ours, ${JSON.stringify(params)}`));
}
