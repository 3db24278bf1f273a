import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { decodeSafetensors } from '../../exporters/safetensors';
import { getBuiltin } from '../../runtime/data/registry';
import { runInOrt } from '../helpers/op-check';
import { chain, node } from '../helpers/graphs';

const root = new URL('../../', import.meta.url).pathname;
const spiralMlp = join(root, 'examples/spiral-mlp.json');

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

const tmp = () => mkdtempSync(join(tmpdir(), 'layerloom-train-'));

describe('layerloom train', () => {
  it('trains the spiral MLP to ≥ 97% on held-out points, and the exported model.onnx agrees in onnxruntime-node', async () => {
    const dir = join(tmp(), 'run');
    const r = await run('train', spiralMlp, '--out', dir, '--json', '--seed', '1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const events = r.out.trim().split('\n').map((l) => JSON.parse(l));
    const epochs = events.filter((e) => e.type === 'epoch');
    expect(epochs).toHaveLength(30);
    expect(events.filter((e) => e.type === 'step').every((e) => typeof e.samples_per_s === 'number' && e.samples_per_s > 0)).toBe(true);
    expect(epochs.at(-1).loss).toBeLessThan(epochs[0].loss / 4);
    expect(epochs.at(-1)['val_loss.accuracy']).toBeGreaterThanOrEqual(0.97);
    expect(readdirSync(dir).sort()).toEqual(['checkpoint', 'graph.json', 'metrics.jsonl', 'model.onnx', 'weights.safetensors']);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(events.length);

    // Fresh spiral points the model never saw (another seed), classified by the exported ONNX model.
    const heldOut = await getBuiltin('spirals')!.load({ seed: 12345, size: 900 });
    const x = heldOut.arrays.x as Float32Array;
    const y = heldOut.arrays.y as Int32Array;
    const out = (await runInOrt(readFileSync(join(dir, 'model.onnx')), { x: { shape: [heldOut.size, 2], dtype: 'float32', data: x } }))['out']!;
    let correct = 0;
    for (let i = 0; i < heldOut.size; i++) {
      const row = Array.from(out.data.slice(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === y[i]) correct++;
    }
    expect(correct / heldOut.size).toBeGreaterThanOrEqual(0.97);
  });

  it('is deterministic for a seed, and --seed gives the same initial weights as export', async () => {
    const a = join(tmp(), 'a');
    const b = join(tmp(), 'b');
    await run('train', spiralMlp, '--steps', '15', '--seed', '4', '--out', a, '--json');
    await run('train', spiralMlp, '--steps', '15', '--seed', '4', '--out', b, '--json');
    expect(readFileSync(join(a, 'weights.safetensors')).equals(readFileSync(join(b, 'weights.safetensors')))).toBe(true);
    expect(readFileSync(join(a, 'metrics.jsonl'), 'utf8').replace(/"(samples_per_s|eta_s|seconds)":[^,}]+/g, '')).toBe(
      readFileSync(join(b, 'metrics.jsonl'), 'utf8').replace(/"(samples_per_s|eta_s|seconds)":[^,}]+/g, ''),
    );
    // With --lr tiny, one step barely moves the weights away from the seed's initial ones (as exported).
    const e = join(tmp(), 'e');
    await run('export', spiralMlp, '--onnx', join(e + '.onnx'), '--weights', join(e + '.safetensors'), '--seed', '4');
    const c = join(tmp(), 'c');
    await run('train', spiralMlp, '--steps', '1', '--seed', '4', '--lr', '1e-9', '--out', c, '--json');
    const init = decodeSafetensors(readFileSync(e + '.safetensors'));
    const trained = decodeSafetensors(readFileSync(join(c, 'weights.safetensors')));
    init.forEach((t, i) => Array.from(t.data as Float32Array).forEach((v, k) => expect(Math.abs(v - (trained[i]!.data as Float32Array)[k]!)).toBeLessThan(1e-6)));
  });

  it('follows a learning-rate schedule (step decay after a linear warm-up), passed to the step as an input', async () => {
    const r = await run('train', spiralMlp, '--steps', '25', '--schedule', 'step', '--step-size', '10', '--gamma', '0.5', '--warmup-steps', '3', '--json');
    expect(r.code).toBe(0);
    const lrs = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.type === 'step')
      .map((e) => e.lr as number);
    // warm-up from lr/3 to lr over 3 steps (torch LinearLR's default start factor), then, as torch's
    // SequentialLR does, the step schedule starts counting: ×0.5 every 10 steps
    const expected = Array.from({ length: 25 }, (_, i) => 0.01 * (i < 3 ? 1 / 3 + ((2 / 3) * i) / 3 : 0.5 ** Math.floor((i - 3) / 10)));
    lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 9));
    const bad = await run('train', spiralMlp, '--steps', '2', '--schedule', 'exponential');
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--schedule must be one of constant, step, cosine/);
  });

  it('resumes from a checkpoint: 10 + 10 steps equal 20 steps', async () => {
    const full = join(tmp(), 'full');
    await run('train', spiralMlp, '--steps', '20', '--seed', '2', '--no-shuffle', '--val-split', '0', '--out', full, '--json');
    const half = join(tmp(), 'half');
    await run('train', spiralMlp, '--steps', '10', '--seed', '2', '--no-shuffle', '--val-split', '0', '--out', half, '--json');
    const rest = join(tmp(), 'rest');
    const r = await run('train', spiralMlp, '--steps', '10', '--seed', '2', '--no-shuffle', '--val-split', '0', '--resume', half, '--out', rest, '--json');
    expect(r.code).toBe(0);
    const a = decodeSafetensors(readFileSync(join(full, 'weights.safetensors')));
    const b = decodeSafetensors(readFileSync(join(rest, 'weights.safetensors')));
    a.forEach((t, i) => Array.from(t.data as Float32Array).forEach((v, k) => expect(Math.abs(v - (b[i]!.data as Float32Array)[k]!)).toBeLessThan(1e-5)));
  });

  it.each([
    ['an unknown dataset', ['--dataset', 'spiralz'], /dataset "spiralz" is neither a built-in dataset/],
    ['a dataset whose shapes do not fit', ['--dataset', 'digits'], /Input x expects \[2\] float32; dataset 'digits' gives \[1, 28, 28\] float32/],
    ['a bad learning rate', ['--lr=-1'], /--lr must be a number > 0, not "-1"/],
    ['an unknown optimizer', ['--optimizer', 'lbfgs'], /--optimizer must be one of sgd, adam, adamw, rmsprop/],
  ])('refuses %s with one line, exit 2, and writes nothing to --out', async (_n, flags, pattern) => {
    const out = join(tmp(), 'never');
    const r = await run('train', spiralMlp, '--out', out, '--steps', '2', ...flags);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(pattern);
    // one line per problem, each a message for a person (no stack trace)
    for (const line of r.err.trim().split('\n')) expect(line).toMatch(/^layerloom: [^\n]+$/);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses labels outside the classifier range, naming the sample', async () => {
    const dir = tmp();
    const g = join(dir, 'two-class.json');
    writeFileSync(g, JSON.stringify({ ...chain(node('x', 'Input', { shape: [2] }), node('out', 'Linear', { out_features: 2 }), node('loss', 'CrossEntropyLoss')) }));
    const r = await run('train', g, '--dataset', 'spirals', '--steps', '1', '--out', join(dir, 'o'));
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/dataset 'spirals' gives 3 classes/);
    expect(existsSync(join(dir, 'o'))).toBe(false);
  });
});
