/**
 * `npm run bench:train`: training throughput (samples/s) of four reference models with Adam, on native
 * onnxruntime (onnxruntime-node) and on WASM (onnxruntime-web in Node), against PyTorch eager on the CPU
 * with the same batch, optimizer and thread count. The target is a native/PyTorch ratio ≥ 1.0 on every model.
 *
 *   1. MLP 2-64-64-3 on spirals, batch 64               bench/models/mlp-spirals.json
 *   2. LeNet-5 on digits (1×28×28), batch 64             bench/models/lenet5.json
 *   3. Embedding(64→32) + LSTM(64) on length-32 ids, batch 32   bench/models/lstm-classifier.json
 *   4. 2-layer Transformer encoder (d 64, 4 heads, FFN 256, length 32), batch 32   bench/models/transformer-encoder.json
 *
 * Layerloom's side is the Trainer (runtime/train/trainer.ts), exactly as `layerloom train` runs it (batch
 * gathering, dropout masks, reading back loss and accuracy each step); only the steady-state steps are
 * timed, after a warm-up. PyTorch's side is bench/pytorch_train.py (the same models, on random data of the
 * same shapes, stepping the same way), run by the strongest PyTorch found: a CPU
 * wheel under /opt/wheels installed on demand into out/venv-bench (gitignored), else the system python3.
 * The machine is shared and noisy, so each figure is the best of several timed rounds (the median is shown
 * too), and PyTorch's rounds alternate with native's (WASM's run on their own: see main).
 *
 * Flags: --steps N (timed steps per round; default per model, about 1/3 s) --rounds R (15) --warmup W (10) --threads T (2)
 *        --models mlp,lenet,lstm,transformer --backends native,wasm --no-torch
 */
import { execFileSync, spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { hasErrors, inferShapes, parseDocument, Rng } from '../graph-core';
import type { Dataset } from '../runtime/data/dataset';
import { getBuiltin } from '../runtime/data/registry';
import { nodeBackend } from '../runtime/train/backend-node';
import { Trainer, type TrainResult } from '../runtime/train/trainer';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

interface ModelSpec {
  readonly key: string;
  readonly title: string;
  readonly file: string;
  readonly batch: number;
  /** Timed steps per round (about a third of a second each on the reference machine), unless --steps is given. */
  readonly steps: number;
  readonly data: () => Promise<Dataset>;
}

/** `size` random sequences of `length` ids below `vocab`, each labelled with one of `classes` classes. */
function randomSequences(name: string, size: number, length: number, vocab: number, classes: number): Dataset {
  const rng = new Rng(7);
  const x = new Int32Array(size * length);
  for (let i = 0; i < x.length; i++) x[i] = rng.int(vocab);
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) y[i] = rng.int(classes);
  return {
    info: { name, title: name, description: 'random token ids for bench:train', origin: 'generated', task: 'classification', defaultSplit: { val: 0, test: 0 } },
    size,
    inputs: { x: { shape: [length], dtype: 'int64' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, y },
  };
}

const MODELS: readonly ModelSpec[] = [
  { key: 'mlp', title: 'MLP 2-64-64-3 (spirals)', file: 'mlp-spirals.json', batch: 64, steps: 400, data: () => getBuiltin('spirals')!.load({ seed: 1 }) },
  { key: 'lenet', title: 'LeNet-5 (digits 1×28×28)', file: 'lenet5.json', batch: 64, steps: 40, data: () => getBuiltin('digits')!.load({ seed: 1, size: 4096 }) },
  { key: 'lstm', title: 'Embedding + LSTM(64), T=32', file: 'lstm-classifier.json', batch: 32, steps: 60, data: async () => randomSequences('random-ids', 4096, 32, 64, 4) },
  { key: 'transformer', title: '2-layer Transformer encoder, T=32', file: 'transformer-encoder.json', batch: 32, steps: 10, data: async () => randomSequences('random-ids', 4096, 32, 64, 4) },
];

interface Options {
  /** Timed steps per round for every model (default: each model's own). */
  readonly steps: number | undefined;
  readonly rounds: number;
  readonly warmup: number;
  readonly threads: number;
  readonly models: readonly string[];
  readonly backends: readonly ('native' | 'wasm')[];
  readonly torch: boolean;
}

/** The options of one model's run: its steps per round resolved. */
type Run = Options & { readonly steps: number };

function flags(argv: readonly string[]): Options {
  const get = (name: string, fallback: string) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
  };
  const int = (name: string, fallback: number) => {
    const v = Number(get(name, String(fallback)));
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a whole number ≥ 1`);
    return v;
  };
  const models = get('models', MODELS.map((m) => m.key).join(',')).split(',');
  for (const m of models) if (!MODELS.some((x) => x.key === m)) throw new Error(`unknown model ${m}; choose from ${MODELS.map((x) => x.key).join(', ')}`);
  const backends = get('backends', 'native,wasm').split(',') as ('native' | 'wasm')[];
  for (const b of backends) if (b !== 'native' && b !== 'wasm') throw new Error(`unknown backend ${b}; choose native or wasm`);
  return { steps: argv.includes('--steps') ? int('steps', 1) : undefined, rounds: int('rounds', 15), warmup: int('warmup', 10), threads: int('threads', 2), models, backends, torch: !argv.includes('--no-torch') };
}

interface Rates {
  /** samples/s of each timed round */
  readonly rounds: readonly number[];
  readonly best: number;
  readonly median: number;
}

function summarise(rounds: readonly number[]): Rates {
  const s = [...rounds].sort((a, b) => a - b);
  return { rounds, best: s.at(-1)!, median: s[Math.floor((s.length - 1) / 2)]! };
}

/**
 * A Trainer run of warmup + rounds·steps steps that pauses itself after the warm-up and after every round,
 * so that its timed rounds can alternate with PyTorch's.
 */
class OursRunner {
  private waiting: ((at: number) => void) | null = null;
  private readonly losses: number[] = [];
  private readonly rates: number[] = [];
  private done!: Promise<TrainResult>;

  private constructor(
    private readonly trainer: Trainer,
    private readonly model: ModelSpec,
    private readonly o: Run,
  ) {}

  static async start(model: ModelSpec, ds: Dataset, backend: 'native' | 'wasm', o: Run): Promise<OursRunner> {
    const parsed = parseDocument(readFileSync(join(here, 'models', model.file), 'utf8'));
    if (!parsed.doc) throw new Error(`${model.file} cannot be read`);
    const shaped = inferShapes(parsed.doc);
    if (hasErrors(shaped.diagnostics)) throw new Error(`${model.file}: ${shaped.diagnostics.map((d) => d.message).join('; ')}`);
    const trainer = new Trainer(shaped, ds, nodeBackend(backend, o.threads), {
      batchSize: model.batch,
      optimizer: { kind: 'Adam', params: { lr: 1e-3 } },
      lr: 1e-3,
      seed: 1,
      valSplit: 0,
      steps: o.warmup + o.rounds * o.steps,
    });
    if (trainer.batch !== model.batch) throw new Error(`${model.key}: the dataset is smaller than one batch`);
    const r = new OursRunner(trainer, model, o);
    const warm = r.boundary();
    r.done = trainer.run({ onStep: (e) => r.onStep(e.step, e.loss) });
    await r.unlessEnded(warm);
    return r;
  }

  /** `p`, or the run's error if it fails first (a missing gradient rule, a diverged loss) instead of waiting forever. */
  private unlessEnded<T>(p: Promise<T>): Promise<T> {
    return Promise.race([
      p,
      this.done.then((res) => {
        throw new Error(`${this.model.key}: the run ended (${res.status}${res.message ? `: ${res.message}` : ''}) before the round did`);
      }),
    ]);
  }

  private onStep(step: number, loss: number): void {
    this.losses.push(loss);
    const { warmup, steps, rounds } = this.o;
    if (step < warmup || (step - warmup) % steps !== 0) return;
    if (step < warmup + rounds * steps) this.trainer.pause();
    const w = this.waiting;
    this.waiting = null;
    w?.(performance.now());
  }

  private boundary(): Promise<number> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Runs one timed round of `steps` steps; samples/s. */
  async round(): Promise<number> {
    const end = this.boundary();
    const t0 = performance.now();
    this.trainer.unpause();
    const rate = (this.o.steps * this.model.batch) / (((await this.unlessEnded(end)) - t0) / 1000);
    this.rates.push(rate);
    return rate;
  }

  async finish(): Promise<Rates & { loss: [number, number] }> {
    const result = await this.done;
    const total = this.o.warmup + this.o.rounds * this.o.steps;
    if (result.status !== 'finished' || result.steps !== total) throw new Error(`${this.model.key}: ${result.status} after ${result.steps} steps ${result.message ?? ''}`);
    return { ...summarise(this.rates), loss: [this.losses[0]!, this.losses.at(-1)!] };
  }
}

/** The wheel to prefer: the newest torch CPU wheel under /opt/wheels (or $TORCH_WHEEL). */
function torchWheel(): string | undefined {
  if (process.env.TORCH_WHEEL) return existsSync(process.env.TORCH_WHEEL) ? process.env.TORCH_WHEEL : undefined;
  const dir = '/opt/wheels';
  if (!existsSync(dir)) return undefined;
  const wheels = readdirSync(dir)
    .filter((f) => /^torch-[\d.]+\+cpu-.*\.whl$/.test(f))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  return wheels[0] ? join(dir, wheels[0]) : undefined;
}

const hasTorch = (python: string) => spawnSync(python, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0;

/** A python with torch: the venv with the wheel (created on first use), else a system python3 with torch. */
function findPython(): string | undefined {
  const venv = join(root, 'out', 'venv-bench');
  const py = join(venv, 'bin', 'python');
  if (existsSync(py) && hasTorch(py)) return py;
  const wheel = torchWheel();
  if (wheel)
    for (const base of ['python3', '/usr/bin/python3']) {
      try {
        console.log(`creating ${venv} with ${wheel} (once)…`);
        execFileSync(base, ['-m', 'venv', '--clear', '--system-site-packages', venv], { stdio: 'inherit' });
        execFileSync(py, ['-m', 'pip', 'install', '--quiet', '--no-index', '--no-deps', wheel], { stdio: 'inherit' });
        if (hasTorch(py)) return py;
      } catch (e) {
        console.warn(`could not install ${wheel} with ${base}: ${(e as Error).message}`);
      }
    }
  for (const p of ['/usr/bin/python3', 'python3']) if (hasTorch(p)) return p;
  return undefined;
}

interface TorchResult extends Rates {
  readonly loss: [number, number];
}

/** bench/pytorch_train.py --serve for one model: it warms up, then times one round per line we send. */
class TorchRunner {
  private readonly lines: string[] = [];
  private wake: (() => void) | null = null;
  private exited = false;
  private stderr = '';

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      this.lines.push(line);
      this.wake?.();
    });
    child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    child.on('exit', () => {
      this.exited = true;
      this.wake?.();
    });
  }

  static async start(python: string, model: ModelSpec, o: Run): Promise<{ runner: TorchRunner; version: string }> {
    const args = [join(here, 'pytorch_train.py'), '--serve', '--models', model.key, '--threads', String(o.threads), '--warmup', String(o.warmup), '--steps', String(o.steps)];
    const r = new TorchRunner(spawn(python, args, { env: { ...process.env, OMP_NUM_THREADS: String(o.threads) } }));
    const head = (await r.next()) as { torch: string; threads: number };
    if (head.threads !== o.threads) throw new Error(`PyTorch runs ${head.threads} threads, not ${o.threads}`);
    const ready = (await r.next()) as { ready: string; batch: number };
    if (ready.batch !== model.batch) throw new Error(`pytorch_train.py trains ${model.key} with batch ${ready.batch}, not ${model.batch}`);
    return { runner: r, version: head.torch };
  }

  private async next(): Promise<Record<string, unknown>> {
    while (this.lines.length === 0) {
      if (this.exited) throw new Error(`pytorch_train.py stopped: ${this.stderr.trim()}`);
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
    return JSON.parse(this.lines.shift()!) as Record<string, unknown>;
  }

  async round(): Promise<number> {
    this.child.stdin.write('round\n');
    return (await this.next()).samples_per_s as number;
  }

  async finish(): Promise<TorchResult> {
    this.child.stdin.end('end\n');
    const row = (await this.next()) as { samples_per_s: number[]; loss_first: number; loss_last: number };
    return { ...summarise(row.samples_per_s), loss: [row.loss_first, row.loss_last] };
  }
}

/**
 * A pause between the two sides' rounds: onnxruntime's and OpenMP's worker threads spin for a while after
 * their last task, and a round started at once would share the cores with them (measured: PyTorch rounds
 * right after native ones ran 15–25% slower than back to back).
 */
const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const pad = (s: string, n: number) => s.padEnd(n);
const rate = (r: Rates) => `${fmt(r.best)} (${fmt(r.median)})`;

async function main() {
  const o = flags(process.argv.slice(2));
  const ortVersion = (JSON.parse(readFileSync(join(root, 'node_modules/onnxruntime-node/package.json'), 'utf8')) as { version: string }).version;
  const python = o.torch ? findPython() : undefined;
  if (o.torch && !python) console.warn('no python with torch found: PyTorch figures are left out');
  console.log(
    `bench:train: Adam, ${o.threads} threads, ${o.warmup} warm-up steps, then ${o.rounds} timed rounds of ${o.steps ?? 'a model-dependent number of'} steps, ` +
      `PyTorch and native rounds alternating; samples/s of the best round (median round in brackets)\n` +
      `machine: ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), node ${process.version}, onnxruntime ${ortVersion}` +
      (python ? `, python ${python}` : ''),
  );
  const table: string[] = [];
  let version = '';
  for (const key of o.models) {
    const model = MODELS.find((m) => m.key === key)!;
    const ds = await model.data();
    const run: Run = { ...o, steps: o.steps ?? model.steps };
    const torch = python ? await TorchRunner.start(python, model, run) : undefined;
    if (torch && !version) {
      version = torch.version;
      console.log(`PyTorch ${version} (eager, CPU, torch.set_num_threads(${o.threads}))`);
    }
    // PyTorch's rounds alternate with native's. An idle onnxruntime-web session keeps its worker threads
    // spinning (about a third of a core here), which would slow the other side's rounds, so the WASM rounds
    // run on their own, after the native session is released.
    const results: [string, Rates & { loss: [number, number] }][] = [];
    const paired = o.backends.includes('native') ? 'native' : undefined;
    if (torch && !paired) for (let r = 0; r < o.rounds; r++) await torch.runner.round();
    for (const backend of o.backends) {
      const runner = await OursRunner.start(model, ds, backend, run);
      for (let r = 0; r < o.rounds; r++) {
        if (backend === paired && torch) {
          await settle();
          await torch.runner.round();
          await settle();
        }
        await runner.round();
      }
      results.push([backend, await runner.finish()]);
    }
    const ref = await torch?.runner.finish();
    if (ref) console.log(`  ${pad(model.title, 36)} ${pad('pytorch', 8)} ${rate(ref)} samples/s  loss ${ref.loss[0].toFixed(3)} → ${ref.loss[1].toFixed(3)}`);
    for (const [backend, r] of results) {
      const ratio = ref ? r.best / ref.best : undefined;
      const ratios = ref && ratio !== undefined ? `${ratio.toFixed(2)}× (${(r.median / ref.median).toFixed(2)}×)` : '—';
      const verdict = ratio === undefined ? '' : `  ${ratios} PyTorch${backend === 'native' ? (ratio >= 1 ? ': target met' : ': target missed') : ''}`;
      console.log(`  ${pad(model.title, 36)} ${pad(backend, 8)} ${rate(r)} samples/s  loss ${r.loss[0].toFixed(3)} → ${r.loss[1].toFixed(3)}${verdict}`);
      table.push(`| ${model.title} | ${model.batch} | ${backend} | ${rate(r)} | ${ref ? rate(ref) : '—'} | ${ratios} |`);
    }
  }
  console.log(
    `\nmarkdown (PyTorch ${version || 'not run'}):\n` +
      '| model | batch | backend | Layerloom samples/s, best (median) | PyTorch samples/s, best (median) | Layerloom / PyTorch, best (median) |\n|---|---|---|---|---|---|',
  );
  for (const line of table) console.log(line);
}

await main();
