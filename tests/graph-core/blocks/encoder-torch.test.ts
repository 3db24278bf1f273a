/**
 * A 6-layer Transformer encoder built as one Block (a TransformerEncoderLayer inside, repeat = 6), against
 * torch.nn.TransformerEncoder with the same weights loaded by name (build/fixtures/block_encoder_reference.py),
 * exported inlined and as ONNX local functions; and the same block trains.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../graph-core';
import { exportGraph } from '../../../exporters/export-graph';
import { getBuiltin } from '../../../runtime/data/registry';
import { nodeBackend } from '../../../runtime/train/backend-node';
import { Trainer } from '../../../runtime/train/trainer';
import { checkOnnx, SYSTEM_PYTHON } from '../../helpers/onnx-checker';
import { randTensor, runInOrt } from '../../helpers/op-check';
import { encoderDoc } from './fixtures';

const SCRIPT = new URL('../../../build/fixtures/block_encoder_reference.py', import.meta.url).pathname;

function torchEncoder(input: { shape: number[]; data: Float32Array }, weights: ReadonlyMap<string, Float32Array>) {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-block-encoder-'));
  try {
    const w: Record<string, number[]> = {};
    for (const [k, v] of weights) w[k] = Array.from(v);
    const c = { block: 'enc', inner: 'tel', layers: 6, params: { nhead: 2, dim_feedforward: 32, dropout: 0 }, input: { shape: input.shape, dtype: 'float32', data: Array.from(input.data) }, weights: w };
    writeFileSync(join(dir, 'case.json'), JSON.stringify(c));
    const r = spawnSync(SYSTEM_PYTHON, [SCRIPT, dir], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`the PyTorch reference failed: ${r.stderr || r.stdout}`);
    return JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as { shape: number[]; data: number[]; keys: string[] };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a 6-layer Transformer encoder as a Block with repeat = 6', () => {
  it('matches torch.nn.TransformerEncoder to 1e-4, inlined and as ONNX functions, with weights loaded by name', async () => {
    const doc = encoderDoc();
    const inlined = exportGraph(doc, { seed: 3 });
    const functions = exportGraph(doc, { seed: 3, onnxFunctions: true });
    if (!inlined.ok || !functions.ok) throw new Error('export failed');
    expect(inlined.outputs).toEqual(['enc']);
    checkOnnx(inlined.onnx);
    checkOnnx(functions.onnx);
    // The functions form stores one encoder layer, not six.
    expect(functions.onnx.length).toBeLessThan(inlined.onnx.length);

    const x = randTensor([3, 5, 16], 11);
    const ref = torchEncoder({ shape: [3, 5, 16], data: x.data as Float32Array }, inlined.weights);
    expect(ref.keys).toEqual([...inlined.weights.keys()].sort());
    expect(ref.keys).toContain('enc.5.tel.self_attn.in_proj_weight');
    for (const bytes of [inlined.onnx, functions.onnx]) {
      const y = (await runInOrt(bytes, { x })).enc!;
      expect(y.shape).toEqual(ref.shape);
      let worst = 0;
      y.data.forEach((v, i) => (worst = Math.max(worst, Math.abs(Number(v) - ref.data[i]!))));
      expect(worst).toBeLessThan(1e-4);
    }
  });

  it('trains: the loss on the reverse task falls with the Trainer', async () => {
    const doc = encoderDoc({ repeat: 2, d: 32, t: 8, nhead: 4, ff: 64, vocab: 10 });
    const shaped = inferShapes(doc);
    expect(shaped.diagnostics).toEqual([]);
    const ds = await getBuiltin('reverse')!.load({ seed: 1 });
    const trainer = new Trainer(shaped, ds, nodeBackend('native', 1), {
      steps: 60,
      batchSize: 32,
      optimizer: { kind: 'Adam', params: { lr: 3e-3 } },
      lr: 3e-3,
      seed: 1,
      shuffle: true,
      valSplit: 0,
    });
    const losses: number[] = [];
    const result = await trainer.run({ onStep: (s) => losses.push(s.loss) });
    expect(result.status).toBe('finished');
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    // ln 10 ≈ 2.30 at the start; clearly lower after 60 steps.
    expect(mean(losses.slice(0, 5))).toBeGreaterThan(2);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) - 0.5);
    expect([...result.weights.keys()]).toContain('enc.1.tel.linear2.weight');
  });
});
