/**
 * `layerloom export --pytorch` end to end with Debian's PyTorch 1.13 (CPU): the written train.py trains the
 * spiral MLP with a BatchNorm (the loss falls), resumes from weights.safetensors, and runs under torchrun with two Gloo processes
 * that end with identical weights; the weights it saves come back into Layerloom, whose ONNX export then gives
 * what the PyTorch model gives. A GAN graph trains adversarially the same way. `layerloom data dump` writes the
 * .npz that train.py reads.
 */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { getBuiltin } from '../../runtime/data/registry';
import { linearSchedule } from '../../graph-core/train/diffusion';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';
import { randTensor, runInOrt } from '../helpers/op-check';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'layerloom-torch-'));

/**
 * The spiral MLP example with a BatchNorm1d after its first layer, so that buffers (running statistics) are
 * trained too: they must also end identical on every process, and come back into Layerloom.
 */
const spiral = join(mkdtempSync(join(tmpdir(), 'layerloom-torch-graph-')), 'spiral-bn.json');
{
  const doc = JSON.parse(readFileSync(join(root, 'examples/spiral-mlp.json'), 'utf8')) as {
    nodes: { id: string }[];
    edges: { id: string; from: { node: string }; to: { node: string } }[];
  };
  doc.nodes.splice(2, 0, { id: 'bn', kind: 'BatchNorm1d', params: {}, position: { x: 0, y: 0 } } as never);
  doc.edges = doc.edges.map((e) => (e.from.node === 'fc1' ? { ...e, from: { node: 'bn' } } : e));
  doc.edges.push({ id: 'fc1-bn', from: { node: 'fc1' }, to: { node: 'bn' } });
  writeFileSync(spiral, JSON.stringify(doc));
}

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

function python(cwd: string, ...args: string[]) {
  const r = spawnSync(SYSTEM_PYTHON, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** A TCP port that is free now, for torchrun's rendezvous. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * train.py under torchrun with two processes on one machine. --standalone would rendezvous at the fixed port
 * 29400, where two runs at once (a parallel test, another user's run) join each other's store and fail when the
 * other ends; a port of its own, a rendezvous id of its own and a generous join timeout keep each run alone.
 * NOTE: Debian's torch 1.13 launcher needs --redirects/--tee other than 0 under Python 3.11 (its Std.from_str
 * cannot parse "0" there); 1 sends each worker's stdout to the console.
 */
async function torchrun(cwd: string, ...args: string[]) {
  const port = await freePort();
  return python(
    cwd, '-m', 'torch.distributed.run', '--nnodes', '1', '--nproc_per_node', '2',
    '--rdzv_backend', 'c10d', '--rdzv_endpoint', `127.0.0.1:${port}`, '--rdzv_id', randomUUID(), '--rdzv_conf', 'join_timeout=300',
    '--redirects', '1', '--tee', '1', 'train.py', ...args,
  );
}

/**
 * Runs the train.py of each folder with `args` in ONE Python process (torch is imported once, not per script):
 * each runs as __main__ in its own folder, with its own model.py, as `python train.py …args` would.
 */
function trainAll(folders: readonly string[], args: readonly string[]): Record<string, { code: number; out: string; err: string }> {
  const driver = [
    'import contextlib, io, json, os, runpy, sys, traceback',
    'folders, args = json.loads(sys.argv[1]), json.loads(sys.argv[2])',
    'results = {}',
    'for folder in folders:',
    '    os.chdir(folder)',
    '    sys.path.insert(0, folder)',
    '    for name in ("model", "layers"):',
    '        sys.modules.pop(name, None)',
    '    sys.argv = ["train.py", *args]',
    '    out, err, code = io.StringIO(), io.StringIO(), 0',
    '    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):',
    '        try:',
    '            runpy.run_path("train.py", run_name="__main__")',
    '        except SystemExit as e:',
    '            code = e.code if isinstance(e.code, int) else 0 if e.code is None else 1',
    '            if not isinstance(e.code, int) and e.code is not None:',
    '                print(e.code, file=sys.stderr)',
    '        except BaseException:',
    '            traceback.print_exc()',
    '            code = 1',
    '    sys.path.remove(folder)',
    '    results[folder] = {"code": code, "out": out.getvalue(), "err": err.getvalue()}',
    'print(json.dumps(results))',
  ].join('\n');
  const r = spawnSync(SYSTEM_PYTHON, ['-c', driver, JSON.stringify(folders), JSON.stringify(args)], {
    encoding: 'utf8',
    timeout: 280_000,
    maxBuffer: 64 << 20,
    env: { ...process.env, OMP_NUM_THREADS: '1' },
  });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as Record<string, { code: number; out: string; err: string }>;
}

/** The per-epoch training losses that train.py prints. */
const losses = (out: string) => [...out.matchAll(/epoch \d+\/\d+ +step \d+ +loss ([0-9.]+)/g)].map((m) => Number(m[1]));

describe('layerloom export --pytorch: train.py', () => {
  beforeAll(async () => {
    const r = await run('export', spiral, '--pytorch', dir);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('writes the model, the training script, the README, the weights and the built-in dataset', () => {
    expect(readdirSync(dir).sort()).toEqual(['README.md', 'data.npz', 'model.py', 'train.py', 'weights.safetensors']);
    const train = readFileSync(join(dir, 'train.py'), 'utf8');
    // The document's training section: 30 epochs, batch 64, Adam at lr 0.01, the spirals dataset.
    expect(train).toContain('EPOCHS = 30');
    expect(train).toContain('BATCH_SIZE = 64');
    expect(train).toContain('torch.optim.Adam(parameters, lr=LR)');
    expect(train).toContain('LR = 0.01');
    expect(train).toContain('DATASET = "spirals"');
  });

  it('trains: the loss falls over four epochs', () => {
    const r = python(dir, 'train.py', '--epochs', '4', '--out', 'run1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const l = losses(r.out);
    expect(l).toHaveLength(4);
    expect(l[3]!).toBeLessThan(0.7 * l[0]!);
    expect(existsSync(join(dir, 'run1/weights.safetensors'))).toBe(true);
  });

  it('resumes from the weights it saved, and from Layerloom\'s own weights.safetensors', () => {
    const fresh = losses(python(dir, 'train.py', '--epochs', '1', '--out', 'fresh').out)[0]!;
    const before = losses(python(dir, 'train.py', '--epochs', '4', '--out', 'run2').out)[3]!;
    const resumed = python(dir, 'train.py', '--epochs', '1', '--resume', 'run2/weights.safetensors', '--out', 'run3');
    expect(resumed.err).toBe('');
    // It continues from the trained weights: its first epoch is far below a fresh start, near where run2 ended.
    const first = losses(resumed.out)[0]!;
    expect(first).toBeLessThan(0.6 * fresh);
    expect(first).toBeLessThan(1.5 * before);
    const ours = python(dir, 'train.py', '--epochs', '1', '--resume', 'weights.safetensors', '--out', 'run4');
    expect(ours.err).toBe('');
    expect(ours.code).toBe(0);
  });

  it('says in one line what is wrong with missing data, corrupt weights or NaN samples', () => {
    const missing = python(dir, 'train.py', '--data', 'nope.npz');
    expect(missing.code).not.toBe(0);
    expect(missing.err.trim()).toBe('train.py: nope.npz does not exist; give the data with --data file.npz');
    writeFileSync(join(dir, 'bad.safetensors'), 'not a safetensors file');
    const corrupt = python(dir, 'train.py', '--resume', 'bad.safetensors');
    expect(corrupt.code).not.toBe(0);
    expect(corrupt.err.trim().split('\n')).toHaveLength(1);
    expect(corrupt.err).toMatch(/^train\.py: cannot resume from bad\.safetensors/);
    python(dir, '-c', 'import numpy as np; d = dict(np.load("data.npz")); d["x"][3, 1] = np.nan; np.savez("nan.npz", **d)');
    const nan = python(dir, 'train.py', '--data', 'nan.npz');
    expect(nan.err.trim()).toBe('train.py: nan.npz contains NaN or infinite values');
  });

  it('runs under torchrun with 2 Gloo processes that end with identical weights, which Layerloom reads back', async () => {
    const r = await torchrun(dir, '--epochs', '2', '--out', 'ddp');
    expect(r.code, r.err).toBe(0);
    const sums = [...r.out.matchAll(/rank (\d)\/2: weights sha256 ([0-9a-f]{64})/g)].map((m) => [m[1], m[2]] as const);
    expect(sums.map(([rank]) => rank).sort()).toEqual(['0', '1']);
    expect(sums[0]![1]).toBe(sums[1]![1]);
    expect(losses(r.out)).toHaveLength(2);

    // The trained weights load into Layerloom; its ONNX export and the PyTorch model agree on them.
    const back = join(dir, 'back');
    mkdirSync(back);
    const exported = await run('export', spiral, '--onnx', join(back, 'model.onnx'), '--from-weights', join(dir, 'ddp/weights.safetensors'));
    expect(exported.err).toBe('');
    for (const f of ['model.py']) copyFileSync(join(dir, f), join(back, f));
    copyFileSync(join(dir, 'ddp/weights.safetensors'), join(back, 'weights.safetensors'));
    const x = randTensor([5, 2], 3);
    const ort = await runInOrt(readFileSync(join(back, 'model.onnx')), { x });
    writeFileSync(
      join(back, 'cases.json'),
      JSON.stringify({ cases: [{ dir: back, inputs: { x: { shape: x.shape, dtype: 'float32', data: Array.from(x.data) } }, target: null }] }),
    );
    const check = python(back, join(root, 'build/fixtures/pytorch_export_check.py'), back);
    expect(check.err).toBe('');
    const result = JSON.parse(readFileSync(join(back, 'results.json'), 'utf8')).results[0];
    expect(result.error).toBeNull();
    const got: number[] = result.outputs.out.data;
    const want = Array.from(ort.out!.data);
    expect(got.map((v, i) => Math.abs(v - want[i]!)).reduce((a, b) => Math.max(a, b), 0)).toBeLessThan(1e-4);
  }, 120_000);
});

describe('layerloom export --pytorch: a GAN', () => {
  const gan = mkdtempSync(join(tmpdir(), 'layerloom-torch-gan-'));
  /** Mean distance from the origin of 2000 generated samples and of the real ones (the ring of 8 Gaussians). */
  const radius = (weights: string) => {
    const code = [
      'import json, numpy as np, torch',
      'from model import Model, load_safetensors',
      'torch.manual_seed(0)',
      'm = Model()',
      `m.load_state_dict(load_safetensors(${JSON.stringify(weights)}))`,
      'm.eval()',
      'z = torch.randn(2000, *Model.NOISE["z"])',
      'x = m(z, real=torch.zeros(0, 2))',
      'g = m._modules["sample"](m.g2_act(m.g2(m.g1_act(m.g1(z)))))',
      'real = torch.from_numpy(np.load("data.npz")["x"])',
      'print(json.dumps([g.norm(dim=1).mean().item(), real.norm(dim=1).mean().item(), list(x.shape)]))',
    ].join('\n');
    const r = python(gan, '-c', code);
    expect(r.err).toBe('');
    return JSON.parse(r.out) as [number, number, number[]];
  };

  beforeAll(async () => {
    const r = await run('export', join(root, 'examples/gan-ring.json'), '--pytorch', gan);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('trains adversarially: the generated samples move out to the ring of real ones', () => {
    const [before, ring, shape] = radius('weights.safetensors');
    // forward(z, real=…) scores the real and the generated samples in one pass: 0 real + 2000 generated.
    expect(shape).toEqual([2000, 1]);
    const t = python(gan, 'train.py', '--steps', '600', '--out', 'run');
    expect(t.err).toBe('');
    expect(t.out).toMatch(/epoch \d+\/\d+ +step 600 +d_loss [0-9.]+ +g_loss [0-9.]+/);
    const [after] = radius('run/weights.safetensors');
    expect(Math.abs(after - ring)).toBeLessThan(0.5 * Math.abs(before - ring));
  }, 120_000);

  it('says in one line that it trains in one process when started as one of several (torchrun)', () => {
    const r = spawnSync(SYSTEM_PYTHON, ['train.py', '--steps', '2', '--out', 'ddp'], {
      cwd: gan,
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, OMP_NUM_THREADS: '1', WORLD_SIZE: '2', RANK: '0', LOCAL_RANK: '0' },
    });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('train.py: a GAN graph trains in one process for now; run python train.py (without torchrun)');
    expect(existsSync(join(gan, 'ddp'))).toBe(false);
  });
});

describe('layerloom export --pytorch: a diffusion model (the toy-diffusion template)', () => {
  const ddpm = mkdtempSync(join(tmpdir(), 'layerloom-torch-ddpm-'));
  const doc = JSON.parse(readFileSync(join(root, 'templates/toy-diffusion/graph.json'), 'utf8')) as {
    training: { diffusion: { steps: number; beta_start: number; beta_end: number } };
  };
  beforeAll(async () => {
    const r = await run('export', join(root, 'templates/toy-diffusion/graph.json'), '--pytorch', ddpm);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  });

  it('trains the noise predictor on noised samples with the schedule of layerloom train, then draws samples', () => {
    const r = python(ddpm, 'train.py', '--steps', '200', '--samples', '500', '--out', 'run');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    // The schedule: ᾱ_1, ᾱ_{⌈T/2⌉} and ᾱ_T as graph-core computes them for the document's diffusion section.
    const { steps, beta_start, beta_end } = doc.training.diffusion;
    const s = linearSchedule({ steps, betaStart: beta_start, betaEnd: beta_end });
    const m = /diffusion: T (\d+) +alpha_bar\[1\] (\S+) +alpha_bar\[T\/2\] (\S+) +alpha_bar\[T\] (\S+)/.exec(r.out);
    expect(m, r.out).not.toBeNull();
    expect(Number(m![1])).toBe(steps);
    const want = [s.alphaBars[0]!, s.alphaBars[Math.floor((steps - 1) / 2)]!, s.alphaBars[steps - 1]!];
    [m![2], m![3], m![4]].forEach((v, i) => expect(Math.abs(Number(v) - want[i]!) / want[i]!).toBeLessThan(1e-9));
    // 4000 samples in batches of 128: 32 steps an epoch, 7 epochs for 200 steps. Predicting ε = 0 scores 1.
    const l = losses(r.out);
    expect(l).toHaveLength(7);
    l.forEach((v) => expect(Number.isFinite(v)).toBe(true));
    expect(l[0]!).toBeLessThan(1);
    expect(l[6]!).toBeLessThan(0.85 * l[0]!);
    expect(r.out).toContain('wrote run/samples.npz (500 samples)');
    const samples = python(ddpm, '-c', 'import json, numpy as np; s = np.load("run/samples.npz")["samples"]; print(json.dumps([list(s.shape), str(s.dtype), bool(np.isfinite(s).all())]))');
    expect(samples.err).toBe('');
    expect(JSON.parse(samples.out)).toEqual([[500, 2], 'float32', true]);
  }, 120_000);

  it('says in one line when the data does not hold samples of the shape the model denoises', () => {
    python(ddpm, '-c', 'import numpy as np; np.savez("wide.npz", x=np.zeros((10, 3), np.float32))');
    const r = python(ddpm, 'train.py', '--data', 'wide.npz', '--steps', '1', '--out', 'wide');
    expect(r.code).not.toBe(0);
    expect(r.err.trim()).toBe("train.py: the model denoises samples of [2]; 'x' of wide.npz holds [3]");
    expect(existsSync(join(ddpm, 'wide'))).toBe(false);
  });
});

describe('layerloom export --pytorch: every lecture template', () => {
  it('exports, and its train.py runs three steps in PyTorch with a finite loss', async () => {
    const templates = readdirSync(join(root, 'templates'), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(root, 'templates', d.name, 'graph.json')))
      .map((d) => d.name);
    expect(templates.length).toBeGreaterThan(5);
    const failures: string[] = [];
    const folders: string[] = [];
    // The one template whose two losses read two dataset targets (label and domain) is refused in one line.
    const refused: Record<string, string> = {
      'domain-adversarial': 'the losses label, domain each read their own dataset target; the PyTorch export feeds one target array and does not support several yet',
    };
    for (const name of templates) {
      const out = join(dir, `template-${name}`);
      const r = await run('export', join(root, 'templates', name, 'graph.json'), '--pytorch', out);
      if (refused[name] !== undefined) {
        if (r.code !== 1 || !r.err.includes(refused[name])) failures.push(`${name}: expected the one-line refusal, got exit ${r.code}: ${r.err.trim()}`);
        if (existsSync(out)) failures.push(`${name}: the refused export left ${out} behind`);
      } else if (r.code !== 0) failures.push(`${name}: ${r.err.trim()}`);
      else folders.push(out);
    }
    const results = trainAll(folders, ['--steps', '3', '--out', 'run']);
    for (const out of folders) {
      const name = out.slice(join(dir, 'template-').length);
      const t = results[out]!;
      const loss = /step 3 +(?:loss|d_loss) ([0-9.]+)/.exec(t.out);
      if (t.code !== 0 || !loss || !Number.isFinite(Number(loss[1]))) failures.push(`${name}: ${(t.err.trim() || t.out.trim()).split('\n').pop()}`);
    }
    expect(failures).toEqual([]);
  }, 300_000);
});

describe('layerloom data dump', () => {
  it('writes a built-in dataset as an .npz that numpy reads with the same values', async () => {
    const out = join(dir, 'spirals.npz');
    const r = await run('data', 'dump', 'spirals', '--seed', '3', '--out', out);
    expect(r.err).toBe('');
    expect(r.out).toMatch(/^wrote .*spirals\.npz \(\d[\d,]* samples of 'spirals', seed 3: x \[\d+, 2\] float32, y \[\d+\] int64\)\n$/);
    const ds = await getBuiltin('spirals')!.load({ seed: 3 });
    const py = python(
      dir,
      '-c',
      'import json, numpy as np; d = np.load("spirals.npz"); print(json.dumps({k: [str(d[k].dtype), list(d[k].shape), d[k].reshape(-1)[:6].tolist()] for k in d.files}))',
    );
    expect(py.err).toBe('');
    const got = JSON.parse(py.out) as Record<string, [string, number[], number[]]>;
    expect(got.x![0]).toBe('float32');
    expect(got.x![1]).toEqual([ds.size, 2]);
    expect(got.x![2]).toEqual(Array.from(ds.arrays.x!.subarray(0, 6)));
    expect(got.y![0]).toBe('int64');
    expect(got.y![2]).toEqual(Array.from(ds.arrays.y!.subarray(0, 6)));
  });

  it('refuses an --out that is not .npz and an unknown dataset, writing nothing', async () => {
    expect((await run('data', 'dump', 'spirals', '--out', join(dir, 'x.csv'))).err).toBe('layerloom: --out must name an .npz file, not "' + join(dir, 'x.csv') + '"\n');
    const unknown = await run('data', 'dump', 'spiralz', '--out', join(dir, 'z.npz'));
    expect(unknown.err).toMatch(/^layerloom: there is no built-in dataset called "spiralz" and no such file\. Did you mean "spirals"\?/);
    expect(existsSync(join(dir, 'z.npz'))).toBe(false);
  });
});
