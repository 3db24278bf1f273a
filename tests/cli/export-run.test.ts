import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { decodeModel } from '../../exporters/onnx/decode';
import { decodeSafetensors } from '../../exporters/safetensors';
import { checkOnnx, SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { randTensor, runInOrt } from '../helpers/op-check';
import { chain, node } from '../helpers/graphs';

const root = new URL('../../', import.meta.url).pathname;
const lenet = join(root, 'examples/lenet5.json');

async function run(...argv: string[]) {
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

const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-export-'));

describe('layerloom export', () => {
  it('writes LeNet-5 as ONNX (opset 17, IR 8) and safetensors that load into the PyTorch module and agree', async () => {
    const dir = tmp();
    const onnx = join(dir, 'model.onnx');
    const weights = join(dir, 'weights.safetensors');
    const r = await run('export', lenet, '--onnx', onnx, '--weights', weights, '--seed', '5');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toContain('outputs out');
    const bytes = readFileSync(onnx);
    checkOnnx(bytes);
    const model = decodeModel(bytes);
    expect(model.irVersion).toBe(8);
    expect(model.opsetImports).toEqual([{ domain: '', version: 17 }]);
    expect(model.graph.inputs.map((i) => [i.name, i.shape])).toEqual([['x', ['N', 1, 28, 28]]]);
    expect(model.graph.outputs.map((o) => [o.name, o.shape])).toEqual([['out', ['N', 10]]]);
    expect(model.graph.nodes.map((n) => n.name)).toContain('c1/Conv');
    const state = decodeSafetensors(readFileSync(weights));
    expect(state.map((t) => [t.name, t.shape])).toEqual([
      ['c1.weight', [6, 1, 5, 5]],
      ['c1.bias', [6]],
      ['c3.weight', [16, 6, 5, 5]],
      ['c3.bias', [16]],
      ['f5.weight', [120, 400]],
      ['f5.bias', [120]],
      ['f6.weight', [84, 120]],
      ['f6.bias', [84]],
      ['out.weight', [10, 84]],
      ['out.bias', [10]],
    ]);

    const x = randTensor([3, 1, 28, 28], 11, 0, 1);
    const ours = (await runInOrt(bytes, { x }))['out']!;
    const inputPath = join(dir, 'x.json');
    const nested = Array.from({ length: 3 }, (_, n) => [Array.from({ length: 28 }, (_, i) => Array.from(x.data.slice(n * 784 + i * 28, n * 784 + i * 28 + 28)))]);
    writeFileSync(inputPath, JSON.stringify({ x: nested }));
    const py = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/lenet_reference.py'), weights, inputPath], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const torch = JSON.parse(py.stdout) as { out: number[][]; params: number };
    expect(torch.params).toBe(61706);
    torch.out.flat().forEach((v, i) => expect(Math.abs(ours.data[i]! - v)).toBeLessThan(1e-4));

    // The same seed gives the same weights; another seed does not.
    const again = join(dir, 'again.safetensors');
    await run('export', lenet, '--onnx', join(dir, 'again.onnx'), '--weights', again, '--seed', '5');
    expect(readFileSync(again).equals(readFileSync(weights))).toBe(true);
    const other = join(dir, 'other.safetensors');
    await run('export', lenet, '--onnx', join(dir, 'other.onnx'), '--weights', other, '--seed', '6');
    expect(readFileSync(other).equals(readFileSync(weights))).toBe(false);
  });

  it('refuses a graph with errors, lists them, exits 1 and writes nothing', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify(chain(node('x', 'Input', { shape: [1, 8, 8] }), node('c', 'Conv2d', { kernel_size: 9 }))));
    const r = await run('export', bad, '--onnx', join(dir, 'm.onnx'), '--weights', join(dir, 'w.safetensors'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/bad\.json has 1 error; nothing was written:\n {2}KERNEL_LARGER_THAN_INPUT c\.in: /);
    expect(readdirSync(dir)).toEqual(['bad.json']);
  });

  it.each([
    ['a missing graph', ['export', '/nope.json', '--onnx', 'x.onnx'], /cannot read \/nope\.json: no such file/],
    ['no --onnx', ['export', lenet], /export needs --onnx/],
    ['an opset below 17', ['export', lenet, '--onnx', '/tmp/x.onnx', '--opset', '13'], /--opset must be a whole number ≥ 17/],
    ['a folder that does not exist', ['export', lenet, '--onnx', '/nonexistent-dir/m.onnx'], /cannot write .*the folder does not exist/],
  ])('exits 2 with one line for %s', async (_n, argv, pattern) => {
    const r = await run(...argv);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('--opset 18 raises the opset', async () => {
    const dir = tmp();
    const r = await run('export', lenet, '--onnx', join(dir, 'm.onnx'), '--opset', '18');
    expect(r.code).toBe(0);
    expect(decodeModel(readFileSync(join(dir, 'm.onnx'))).opsetImports).toEqual([{ domain: '', version: 18 }]);
  });
});

describe('layerloom run', () => {
  it('runs a graph and its exported model on a JSON input and prints the same outputs', async () => {
    const dir = tmp();
    const g = join(dir, 'mlp.json');
    writeFileSync(g, JSON.stringify(chain(node('x', 'Input', { shape: [3] }), node('fc', 'Linear', { out_features: 2 }), node('act', 'Tanh'))));
    writeFileSync(join(dir, 'x.json'), JSON.stringify([0.5, -1, 2]));
    const a = await run('run', g, '--input', join(dir, 'x.json'), '--json', '--seed', '3');
    expect(a.err).toBe('');
    expect(a.code).toBe(0);
    const outA = JSON.parse(a.out).outputs.act;
    expect(outA.shape).toEqual([1, 2]);
    await run('export', g, '--onnx', join(dir, 'm.onnx'), '--seed', '3');
    const b = await run('run', join(dir, 'm.onnx'), '--input', join(dir, 'x.json'), '--json');
    expect(JSON.parse(b.out).outputs.act).toEqual(outA);
    const text = await run('run', join(dir, 'm.onnx'), '--input', join(dir, 'x.json'));
    expect(text.out).toMatch(/^act \[1, 2\] float32\n {2}\[-?\d/);
  });

  it('reads a .npy input written by numpy (a batch of samples)', async () => {
    const dir = tmp();
    const g = join(dir, 'mlp.json');
    writeFileSync(g, JSON.stringify(chain(node('x', 'Input', { shape: [3] }), node('fc', 'Linear', { out_features: 2 }))));
    const npy = join(dir, 'x.npy');
    const py = spawnSync(SYSTEM_PYTHON, ['-c', 'import numpy as np, sys; np.save(sys.argv[1], np.array([[0.5, -1, 2], [1, 1, 1]], dtype=np.float64))', npy]);
    expect(py.status).toBe(0);
    const fromNpy = await run('run', g, '--input', npy, '--json', '--seed', '3');
    expect(fromNpy.err).toBe('');
    writeFileSync(join(dir, 'x.json'), JSON.stringify([[0.5, -1, 2], [1, 1, 1]]));
    const fromJson = await run('run', g, '--input', join(dir, 'x.json'), '--json', '--seed', '3');
    const a = JSON.parse(fromNpy.out).outputs.fc;
    expect(a.shape).toEqual([2, 2]);
    expect(a).toEqual(JSON.parse(fromJson.out).outputs.fc);
  });

  it('explains a wrong input shape, a missing file and a corrupt model in one line (exit 2)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'x.json'), JSON.stringify([1, 2]));
    const r1 = await run('run', lenet, '--input', join(dir, 'x.json'));
    expect(r1.code).toBe(2);
    expect(r1.err).toMatch(/input "x" must have shape \[N, 1, 28, 28\], got \[2\]/);
    const r2 = await run('run', lenet, '--input', join(dir, 'missing.json'));
    expect(r2.err).toMatch(/no such file/);
    writeFileSync(join(dir, 'broken.onnx'), Uint8Array.from([8, 8, 18, 3, 97]));
    const r3 = await run('run', join(dir, 'broken.onnx'), '--input', join(dir, 'x.json'));
    expect(r3.code).toBe(2);
    expect(r3.err).toMatch(/^layerloom: cannot read .*broken\.onnx: /);
    expect(existsSync(join(dir, 'broken.onnx'))).toBe(true);
  });
});
