/**
 * From PyTorch and back: models exported by torch.onnx.export are imported, written out again as PyTorch code by
 * the PyTorch exporter with the imported weights, and that code (loaded with load_state_dict(strict=True) in
 * PyTorch 1.13) computes what the original ONNX model computes in onnxruntime.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inferShapes, Rng, type Tensor } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { importOnnx } from '../../exporters/onnx-import/import-onnx';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { createNodeRunner } from '../../runtime/onnx/node-session';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;

const MODELS: Record<string, { shape: number[]; dtype: 'float32' | 'int64' }> = {
  mlp_op13: { shape: [4], dtype: 'float32' },
  cnn_op17: { shape: [1, 28, 28], dtype: 'float32' },
  lstm_op13: { shape: [7], dtype: 'int64' },
  gru_op17: { shape: [7, 5], dtype: 'float32' },
  transformer_op17: { shape: [6, 16], dtype: 'float32' },
  prenorm_op13: { shape: [5, 16], dtype: 'float32' },
};

describe('imported models leave for PyTorch', () => {
  it('the generated PyTorch modules, with the imported weights, match the original ONNX models', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-import-pytorch-'));
    const models = join(dir, 'onnx');
    const made = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/onnx_import_models.py'), models], { encoding: 'utf8' });
    if (made.status !== 0) throw new Error(`onnx_import_models.py failed: ${made.stderr}`);

    const cases: unknown[] = [];
    const expected: Tensor[] = [];
    for (const [k, [name, input]] of Object.entries(MODELS).entries()) {
      const bytes = readFileSync(join(models, `${name}.onnx`));
      const r = importOnnx(bytes);
      const code = generatePytorch(r.doc, inferShapes(r.doc));
      if (!code.ok) throw new Error(`${name}: ${code.problems.join('; ')}`);
      const ex = exportGraph(r.doc, { weights: r.weights });
      if (!ex.ok) throw new Error(`${name}: export failed`);
      const caseDir = join(dir, name);
      mkdirSync(caseDir);
      for (const [file, text] of Object.entries(code.files)) writeFileSync(join(caseDir, file), text);
      writeFileSync(join(caseDir, 'weights.safetensors'), ex.safetensors);
      const rng = new Rng(k + 1);
      const shape = [3, ...input.shape];
      const n = shape.reduce((a, b) => a * b, 1);
      const x: Tensor =
        input.dtype === 'int64'
          ? { shape, dtype: 'int64', data: Int32Array.from({ length: n }, () => Math.floor(rng.next() * 50)) }
          : { shape, dtype: 'float32', data: Float32Array.from({ length: n }, () => rng.normal()) };
      const s = await createNodeRunner(bytes);
      expected.push((await s.run({ [s.inputNames[0]!]: x }))[s.outputNames[0]!]!);
      await s.release();
      const inputId = r.doc.nodes.find((nd) => nd.kind === 'Input')!.id;
      cases.push({ dir: caseDir, inputs: { [inputId]: { shape, dtype: x.dtype, data: Array.from(x.data) } }, target: null, loss: false });
    }
    writeFileSync(join(dir, 'cases.json'), JSON.stringify({ cases }));
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/pytorch_export_check.py'), dir], { encoding: 'utf8', timeout: 150_000 });
    if (py.status !== 0) throw new Error(`the PyTorch check failed: ${py.stderr}`);
    const results = (JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')) as { results: { outputs: Record<string, { shape: number[]; data: number[] }>; error: string | null }[] }).results;
    Object.keys(MODELS).forEach((name, k) => {
      const r = results[k]!;
      expect(r.error, name).toBeNull();
      const outs = Object.values(r.outputs);
      expect(outs, name).toHaveLength(1);
      expect(outs[0]!.shape, name).toEqual(expected[k]!.shape);
      let diff = 0;
      outs[0]!.data.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - expected[k]!.data[i]!))));
      expect(diff, name).toBeLessThanOrEqual(1e-4);
    });
  });
});
