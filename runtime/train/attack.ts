/**
 * Adversarial examples on onnxruntime: FGSM and PGD perturbations built from the input-gradient program
 * (graph-core/train/attack.ts), accuracy under attack, and the perturbation step of adversarial training.
 *
 *   FGSM:  x' = clamp(x + ε·sign(∇_x L))                                     (Goodfellow et al. 2015)
 *   PGD:   x_0 = clamp(x + U(−ε, ε));  x_{k+1} = clamp(Proj_{‖·−x‖∞ ≤ ε}(x_k + α·sign(∇_x L)))   (Madry et al. 2018)
 *
 * `clamp` keeps every value in the data range (pixels stay in [0, 1]). The model runs in eval mode while it
 * is attacked (Dropout off, BatchNorm on running statistics), as the usual PyTorch recipes do with model.eval().
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { buildEvalStep, buildInputGradientStep, LOSS_OUTPUT, Rng, type InputGradientProgram, type ShapedGraph, type TrainProgram } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { batches } from '../data/batches';
import type { Dataset } from '../data/dataset';
import type { Backend } from './backend';
import { metricKey, scalar } from './tensors';

/** Which attack, and how strong. */
export interface AttackSpec {
  readonly kind: 'fgsm' | 'pgd';
  /** The L∞ radius ε: no input value moves further than this. */
  readonly eps: number;
  /** PGD's step size α (default ε/4). */
  readonly alpha?: number;
  /** PGD's number of steps (default 10). */
  readonly steps?: number;
  /** PGD starts from a uniformly random point of the ε-ball (default true). */
  readonly randomStart?: boolean;
  /** The data range [lo, hi] perturbed inputs are clamped to; no clamping when absent. */
  readonly range?: readonly [number, number];
}

/** An attack spec that cannot work: a message for a person. */
export class AttackSpecError extends Error {}

/** Checks an attack spec; returns it with PGD's defaults filled in. */
export function resolveAttack(spec: AttackSpec): Required<Omit<AttackSpec, 'range'>> & Pick<AttackSpec, 'range'> {
  if (spec.kind !== 'fgsm' && spec.kind !== 'pgd') throw new AttackSpecError(`the attack must be fgsm or pgd, not "${String(spec.kind)}"`);
  if (!(spec.eps > 0) || !Number.isFinite(spec.eps)) throw new AttackSpecError(`the attack's eps must be a number > 0, not ${spec.eps}`);
  const alpha = spec.alpha ?? spec.eps / 4;
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new AttackSpecError(`the PGD step size alpha must be a number > 0, not ${alpha}`);
  const steps = spec.steps ?? 10;
  if (!Number.isInteger(steps) || steps < 1) throw new AttackSpecError(`the number of PGD steps must be a whole number ≥ 1, not ${steps}`);
  if (spec.range && !(spec.range[0] < spec.range[1])) throw new AttackSpecError(`the clamp range must be LO,HI with LO < HI, not ${spec.range.join(',')}`);
  return { kind: spec.kind, eps: spec.eps, alpha, steps, randomStart: spec.randomStart ?? true, ...(spec.range ? { range: spec.range } : {}) };
}

/** The smallest and largest value of the dataset's float inputs: the range attacks clamp to by default. */
export function dataRange(ds: Dataset): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const [name, spec] of Object.entries(ds.inputs)) {
    if (spec.dtype !== 'float32') continue;
    for (const v of ds.arrays[name]!) {
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo < hi ? [lo, hi] : [-Infinity, Infinity];
}

/**
 * Runs the input-gradient program of one graph for a fixed batch size. Data tensors are keyed by the
 * program's data input names (the Input ids and `<loss id>.target`, as in the train step); weights by name.
 */
export class InputAttacker {
  private constructor(
    readonly program: InputGradientProgram,
    private readonly session: InferenceSession,
    private readonly backend: Backend,
  ) {}

  static async create(shaped: ShapedGraph, backend: Backend, batch: number): Promise<InputAttacker> {
    const program = buildInputGradientStep(shaped, { batch });
    const bytes = encodeModel(irToOnnx(program.graph, { name: 'input_gradient', weights: new Map(), paramsAsInputs: true }));
    return new InputAttacker(program, await backend.ort.InferenceSession.create(bytes, backend.sessionOptions), backend);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** The loss and its gradient with respect to each float input, by input name. */
  async gradients(data: Readonly<Record<string, Tensor>>, weights: ReadonlyMap<string, Tensor>): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
    const feeds: Record<string, Tensor> = {};
    for (const d of this.program.dataInputs) {
      const t = data[d.name];
      if (!t) throw new Error(`input gradient: no data for ${d.name}`);
      feeds[d.name] = t;
    }
    for (const p of this.program.graph.params) feeds[p.name] = weights.get(p.name)!;
    const out = await this.session.run(feeds);
    const grads = new Map<string, Float32Array>();
    for (const i of this.program.inputs) grads.set(i.name, Float32Array.from((await out[i.grad]!.getData()) as Float32Array));
    return { loss: await scalar(out[LOSS_OUTPUT]!), grads };
  }

  /**
   * The adversarial version of every float input of `data` under `spec`, by input name. `rng` draws PGD's
   * random start. Other inputs (targets, token ids) are used as they are.
   */
  async perturb(data: Readonly<Record<string, Tensor>>, weights: ReadonlyMap<string, Tensor>, spec: AttackSpec, rng: Rng): Promise<Map<string, Float32Array>> {
    const a = resolveAttack(spec);
    const [lo, hi] = a.range ?? [-Infinity, Infinity];
    const clamp = (v: number) => (v < lo ? lo : v > hi ? hi : v);
    const clean = new Map<string, Float32Array>();
    for (const i of this.program.inputs) clean.set(i.name, Float32Array.from((await data[i.name]!.getData()) as Float32Array));
    const current = new Map<string, Float32Array>();
    for (const [name, x] of clean) {
      const start = Float32Array.from(x);
      if (a.kind === 'pgd' && a.randomStart) for (let k = 0; k < start.length; k++) start[k] = clamp(x[k]! + rng.uniform(-a.eps, a.eps));
      current.set(name, start);
    }
    const rounds = a.kind === 'fgsm' ? 1 : a.steps;
    const step = a.kind === 'fgsm' ? a.eps : a.alpha;
    for (let r = 0; r < rounds; r++) {
      const feeds: Record<string, Tensor> = { ...data };
      for (const i of this.program.inputs) feeds[i.name] = new this.backend.ort.Tensor('float32', current.get(i.name)!, i.type.shape as number[]);
      const { grads } = await this.gradients(feeds, weights);
      for (const [name, x] of current) {
        const g = grads.get(name)!;
        const x0 = clean.get(name)!;
        for (let k = 0; k < x.length; k++) {
          // sign(0) = 0, as torch.sign; then project onto the ε-ball around the clean input and the data range.
          const moved = x[k]! + step * Math.sign(g[k]!);
          x[k] = clamp(Math.min(x0[k]! + a.eps, Math.max(x0[k]! - a.eps, moved)));
        }
      }
    }
    return current;
  }
}

export interface AttackEvaluation {
  readonly samples: number;
  readonly clean: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> };
  readonly attacked: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> };
}

/**
 * Loss and metrics (accuracy, for a classifier) of the model with `weights` on the samples at `indices`,
 * clean and under `spec`, weighted by sample: "accuracy under attack". `seed` fixes PGD's random starts.
 */
export async function evaluateUnderAttack(
  shaped: ShapedGraph,
  dataset: Dataset,
  weights: ReadonlyMap<string, Float32Array>,
  spec: AttackSpec,
  o: { readonly backend: Backend; readonly indices?: Int32Array; readonly batch?: number; readonly seed?: number },
): Promise<AttackEvaluation> {
  const { ort } = o.backend;
  const indices = o.indices ?? Int32Array.from({ length: dataset.size }, (_, i) => i);
  const batch = Math.max(1, Math.min(o.batch ?? 256, indices.length));
  const attacker = await InputAttacker.create(shaped, o.backend, batch);
  const evalProgram = buildEvalStep(shaped);
  const evalSession = await ort.InferenceSession.create(
    encodeModel(irToOnnx(evalProgram.graph, { name: 'eval_step', weights: new Map(), paramsAsInputs: true })),
    o.backend.sessionOptions,
  );
  try {
    const names = bindArrays(attacker.program.dataInputs, dataset);
    const live = new Map<string, Tensor>();
    for (const p of attacker.program.graph.params) {
      const w = weights.get(p.name);
      if (!w) throw new AttackSpecError(`no trained value for weight ${p.name}`);
      live.set(p.name, new ort.Tensor('float32', Float32Array.from(w), attacker.program.graph.values[p.value]!.type.shape as number[]));
    }
    const rng = new Rng(o.seed ?? 0).fork('attack-eval');
    const sums = { clean: { loss: 0, m: {} as Record<string, number> }, attacked: { loss: 0, m: {} as Record<string, number> } };
    let n = 0;
    for (const b of batches(dataset, indices, batch, { pad: true })) {
      const data: Record<string, Tensor> = {};
      for (const d of attacker.program.dataInputs) {
        const arr = b.arrays[names.get(d.name)!]!;
        data[d.name] = arr instanceof BigInt64Array ? new ort.Tensor('int64', arr, d.type.shape as number[]) : new ort.Tensor('float32', arr, d.type.shape as number[]);
      }
      const adv = await attacker.perturb(data, live, spec, rng);
      for (const [which, inputs] of [['clean', undefined], ['attacked', adv]] as const) {
        // The eval step takes any batch size: only the real samples of a padded batch are scored.
        const feeds: Record<string, Tensor> = {};
        for (const d of evalProgram.dataInputs) {
          const full = (inputs?.get(d.name) ?? (await data[d.name]!.getData())) as Float32Array | BigInt64Array;
          const per = full.length / batch;
          const part = full.subarray(0, b.real * per);
          const shape = [b.real, ...(d.type.shape.slice(1) as number[])];
          feeds[d.name] = part instanceof BigInt64Array ? new ort.Tensor('int64', part, shape) : new ort.Tensor('float32', part, shape);
        }
        for (const p of evalProgram.graph.params) feeds[p.name] = live.get(p.name)!;
        const out = await evalSession.run(feeds);
        const s = sums[which];
        s.loss += (await scalar(out[LOSS_OUTPUT]!)) * b.real;
        for (const m of evalProgram.metrics) s.m[metricKey(m)] = (s.m[metricKey(m)] ?? 0) + (await scalar(out[m]!)) * b.real;
      }
      n += b.real;
    }
    const mean = (s: { loss: number; m: Record<string, number> }) => ({
      loss: s.loss / Math.max(1, n),
      metrics: Object.fromEntries(Object.entries(s.m).map(([k, v]) => [k, v / Math.max(1, n)])),
    });
    return { samples: n, clean: mean(sums.clean), attacked: mean(sums.attacked) };
  } finally {
    await attacker.release();
    await evalSession.release();
  }
}

/** Each data input's dataset array: by name, else the single input `x` / target `y` (the Trainer's rule). */
function bindArrays(dataInputs: TrainProgram['dataInputs'], ds: Dataset): Map<string, string> {
  const m = new Map<string, string>();
  const ins = Object.keys(ds.inputs);
  const tgs = Object.keys(ds.targets);
  for (const d of dataInputs) {
    const pool = d.source.kind === 'input' ? ins : tgs;
    const name = pool.includes(d.source.node) ? d.source.node : pool.length === 1 ? pool[0]! : undefined;
    if (!name) throw new AttackSpecError(`dataset '${ds.info.name}' has no array for ${d.source.kind === 'input' ? 'Input' : 'the target of'} ${d.source.node}`);
    m.set(d.name, name);
  }
  return m;
}
