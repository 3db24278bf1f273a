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
