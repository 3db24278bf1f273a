/**
 * `layerloom import`: an ONNX model exported by PyTorch becomes graph.json + graph.weights.safetensors, which
 * `layerloom export --from-weights` turns back into a model computing what the original does; files that cannot be
 * imported give one line, exit code 2, and write nothing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io';
import { main } from '../../cli/main';
import { parseDocument, Rng, type Tensor } from '../../graph-core';
import { encodeNpz } from '../../exporters/pytorch/npz';
import { decodeSafetensors } from '../../exporters/safetensors';
import { createNodeRunner } from '../../runtime/onnx/node-session';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;
let models = '';

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

async function run(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  const s = await createNodeRunner(bytes);
  try {
    return (await s.run({ [s.inputNames[0]!]: x }))[s.outputNames[0]!]!;
  } finally {
    await s.release();
  }
}

beforeAll(() => {
  models = mkdtempSync(join(tmpdir(), 'layerloom-import-models-'));
  const r = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/onnx_import_models.py'), models], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx_import_models.py failed: ${r.stderr}`);
}, 120_000);

describe('layerloom import', () => {
  it('writes the graph and its weights; exporting them again gives the original outputs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-import-'));
    const graph = join(dir, 'cnn.json');
    const r = await cli('import', join(models, 'cnn_op13.onnx'), '--out', graph);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('(opset 13): 14 nodes, 13 catalogue layers\n');
    const weights = join(dir, 'cnn.weights.safetensors');
    expect(r.out).toContain(`wrote ${graph} and ${weights} (61,706 parameters)`);
    const doc = parseDocument(readFileSync(graph, 'utf8'));
    expect(doc.diagnostics).toEqual([]);
    expect(doc.doc!.nodes.map((n) => n.kind).filter((k) => k === 'Conv2d' || k === 'Linear')).toEqual(['Conv2d', 'Conv2d', 'Linear', 'Linear', 'Linear']);
    expect(decodeSafetensors(readFileSync(weights)).map((t) => t.name)).toContain('f1.weight');

    const onnx = join(dir, 'again.onnx');
    const e = await cli('export', graph, '--onnx', onnx, '--from-weights', weights);
    expect(e.err).toBe('');
    const rng = new Rng(4);
    const x: Tensor = { shape: [3, 1, 28, 28], dtype: 'float32', data: Float32Array.from({ length: 3 * 784 }, () => rng.normal()) };
    const a = await run(readFileSync(join(models, 'cnn_op13.onnx')), x);
    const b = await run(readFileSync(onnx), x);
    let diff = 0;
    a.data.forEach((v, i) => (diff = Math.max(diff, Math.abs(v - b.data[i]!))));
    expect(diff).toBeLessThanOrEqual(1e-4);
  });

  it('train --from-weights fine-tunes the imported weights: the first loss is the original model\'s', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-import-'));
    const graph = join(dir, 'mlp.json');
    expect((await cli('import', join(models, 'mlp_op17.onnx'), '--out', graph)).code).toBe(0);
    // The user adds a loss to the imported classifier.
    const doc = JSON.parse(readFileSync(graph, 'utf8')) as { nodes: unknown[]; edges: unknown[] };
    doc.nodes.push({ id: 'loss', kind: 'CrossEntropyLoss', params: {}, position: { x: 0, y: 600 } });
    doc.edges.push({ id: 'to-loss', from: { node: 'fc3' }, to: { node: 'loss', port: 'input' } });
    writeFileSync(graph, JSON.stringify(doc));
    const rng = new Rng(8);
    const n = 48;
    const x = Float32Array.from({ length: n * 4 }, () => rng.normal());
    const y = Int32Array.from({ length: n }, (_, i) => (x[i * 4]! > 0 ? 1 : 0) + (x[i * 4 + 1]! > 0.5 ? 1 : 0));
    const npz = join(dir, 'data.npz');
    writeFileSync(npz, encodeNpz([{ name: 'x', shape: [n, 4], data: x }, { name: 'y', shape: [n], data: y }]));

    const r = await cli('train', graph, '--dataset', npz, '--from-weights', join(dir, 'mlp.weights.safetensors'), '--steps', '6', '--batch-size', String(n), '--no-shuffle', '--val-split', '0', '--lr', '0.05', '--json');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const events = r.out.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; loss: number });
    const losses = events.filter((e) => e.type === 'step').map((e) => e.loss);
    expect(losses).toHaveLength(6);
    // The first step's loss is the cross-entropy of the original ONNX model on the whole (unshuffled) set.
    const logits = await run(readFileSync(join(models, 'mlp_op17.onnx')), { shape: [n, 4], dtype: 'float32', data: x });
    let ce = 0;
    for (let i = 0; i < n; i++) {
      const row = Array.from(logits.data.subarray(i * 3, i * 3 + 3));
      const m = Math.max(...row);
      ce += m + Math.log(row.reduce((a, v) => a + Math.exp(v - m), 0)) - row[y[i]!]!;
    }
    expect(Math.abs(losses[0]! - ce / n)).toBeLessThanOrEqual(1e-4);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);

    const wrong = await cli('train', graph, '--dataset', npz, '--from-weights', join(models, 'mlp_op17.onnx'), '--steps', '1');
    expect(wrong.code).toBe(2);
    expect(wrong.err.split('\n')).toHaveLength(2);
  });

  it('--json lists what every node became', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-import-'));
    const r = await cli('import', join(models, 'generic_op17.onnx'), '--out', join(dir, 'g.json'), '--weights', join(dir, 'w.safetensors'), '--json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.out) as { opset: number; nodes: { id: string; kind: string; onnx: string[] }[] };
    expect(report.opset).toBe(17);
    expect(report.nodes.map((n) => [n.kind, n.onnx])).toEqual([
      ['Input', []],
      ['Linear', ['Gemm']],
      ['OnnxOp', ['Erf']],
      ['OnnxOp', ['CumSum']],
      ['OnnxOp', ['Mul']],
    ]);
    expect(existsSync(join(dir, 'w.safetensors'))).toBe(true);
  });

  it('a file that is not ONNX: one line, exit code 2, and the existing graph file is left as it was', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-import-'));
    const bad = join(dir, 'bad.onnx');
    writeFileSync(bad, readFileSync(join(models, 'mlp_op17.onnx')).subarray(0, 200));
    const graph = join(dir, 'graph.json');
    writeFileSync(graph, '{"keep": true}\n');
    const r = await cli('import', bad, '--out', graph);
    expect(r.code).toBe(2);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^layerloom: cannot import .*bad\.onnx: not a valid ONNX file: the data ends in the middle of a field, the file is truncated or corrupt .*\n$/);
    expect(r.err.split('\n')).toHaveLength(2);
    expect(readFileSync(graph, 'utf8')).toBe('{"keep": true}\n');
    expect(readdirSync(dir).sort()).toEqual(['bad.onnx', 'graph.json']);
  });

  it('a missing file and a missing --out are explained', async () => {
    const r = await cli('import', join(models, 'nope.onnx'), '--out', 'x.json');
    expect([r.code, r.err]).toEqual([2, `layerloom: cannot read ${join(models, 'nope.onnx')}: no such file\n`]);
    const s = await cli('import', join(models, 'mlp_op17.onnx'));
    expect([s.code, s.err]).toEqual([2, 'layerloom: import needs --out <graph.json> for the graph to write\n']);
  });
});
