/**
 * The Trainer: runs the generated train-step graph on onnxruntime, epoch after epoch, over a dataset.
 * Weights, optimizer state and buffers stay onnxruntime tensors between steps (each step's outputs are the
 * next step's inputs). It emits events for progress bars and plots, supports pause/resume/stop, is
 * deterministic for a seed, and stops on a NaN/Inf loss keeping the last good weights.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import {
  buildEvalStep,
  buildTrainStep,
  initWeights,
  LOSS_OUTPUT,
  LR_INPUT,
  PACKED_WEIGHTS,
  Rng,
  packInputs,
  unpackInputs,
  STEP_INPUT,
  TrainConfigError,
  type EvalProgram,
  type OptimizerChoice,
  type ShapedGraph,
  type TensorType,
  type TrainProgram,
} from '../../graph-core';
import { learningRateAt, type ScheduleSpec } from '../../graph-core/optimizers/schedules';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { batches } from '../data/batches';
import type { Dataset } from '../data/dataset';
import { reshuffle, splitIndices } from '../data/split';
import type { Backend } from './backend';
import { RunControl } from './run-control';
import { AttackSpecError, dataRange, InputAttacker, resolveAttack, type AttackSpec } from './attack';
import { fillShiftMatrices, scheduledValue } from './feeds';
import { disposeOnDevice, isOnDevice, metricKey, scalar, sessionOptionsFor } from './tensors';

export interface TrainConfig {
  readonly epochs?: number;
  /** Stop after this many optimizer steps (overrides epochs when both are given). */
  readonly steps?: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerChoice;
  readonly lr: number;
  readonly schedule?: ScheduleSpec;
  readonly clipNorm?: number;
  readonly seed: number;
  readonly shuffle?: boolean;
  /** Fraction of the samples held out for validation (0: train on all). */
  readonly valSplit: number;
  /**
   * A separate validation set: the last `heldOut` samples of the dataset validate, all the others train
   * (runtime/data/held-out.ts builds such a dataset); valSplit is then ignored.
   */
  readonly heldOut?: number;
  /** Report the L2 norm of every layer's weight gradients in each step event (`gradNorms`, by node id). */
  readonly gradNorms?: boolean;
  /**
   * Adversarial training: before each step the batch's float inputs are replaced by their FGSM/PGD
   * perturbation against the current weights (the first `fraction` of the batch, default all of it;
   * 0.5 gives the half-clean, half-adversarial objective). Clamped to the data's range unless `range` is set.
   */
  readonly adversarial?: AttackSpec & { readonly fraction?: number };
}

export interface StepEvent {
  readonly epoch: number;
  readonly step: number;
  readonly totalSteps: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly lr: number;
  readonly samplesPerSec: number;
  readonly etaSec: number;
  /** With `gradNorms`: ‖∂L/∂W‖₂ over each layer's trainable weights, by node id, before any clipping. */
  readonly gradNorms?: Readonly<Record<string, number>>;
}

export interface EpochEvent {
  readonly epoch: number;
  readonly step: number;
  readonly loss: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly val?: { readonly loss: number; readonly metrics: Readonly<Record<string, number>> };
  readonly seconds: number;
}

export interface TrainerEvents {
  /** Called after every step; a returned promise holds the next step until it settles (e.g. a `readWeights`). */
  readonly onStep?: (e: StepEvent) => unknown;
  /** Called after every epoch; a returned promise is awaited likewise. */
  readonly onEpoch?: (e: EpochEvent) => unknown;
}

export interface TrainResult {
  readonly status: 'finished' | 'stopped' | 'diverged';
  readonly message?: string;
  readonly steps: number;
  readonly epochs: number;
  /** The last good weights and buffers, by weight name. */
  readonly weights: Map<string, Float32Array>;
  /** The optimizer state after the last good step, by state input name (`state:<weight>:<slot>`). */
  readonly state: Map<string, Float32Array>;
  readonly history: readonly EpochEvent[];
}

/** A wrong dataset/graph combination found before training starts: a message for a person. */
export class TrainSetupError extends Error {}


export class Trainer extends RunControl {
  readonly program: TrainProgram;
  readonly evalProgram: EvalProgram;
  private readonly split: { train: Int32Array; val?: Int32Array };

  constructor(
    readonly shaped: ShapedGraph,
    readonly dataset: Dataset,
    readonly backend: Backend,
    readonly config: TrainConfig,
    /** Resume from a checkpoint: weights (and buffers), optimizer state, and the steps already taken. */
    private readonly resumeFrom?: { readonly weights: ReadonlyMap<string, Float32Array>; readonly state?: ReadonlyMap<string, Float32Array>; readonly step?: number },
  ) {
    super();
    if (config.heldOut !== undefined) {
      const n = dataset.size - config.heldOut;
      if (!(config.heldOut > 0 && n > 0)) throw new TrainSetupError(`a validation set of ${config.heldOut} samples leaves no training samples`);
      this.split = { train: Int32Array.from({ length: n }, (_, i) => i), val: Int32Array.from({ length: config.heldOut }, (_, i) => n + i) };
    } else {
      const s = splitIndices(dataset.size, { val: config.valSplit, test: 0 }, config.seed);
      this.split = { train: s.train, ...(s.val ? { val: s.val } : {}) };
    }
    this.batch = Math.min(config.batchSize, this.split.train.length);
    const batch = this.batch;
    this.program = buildTrainStep(shaped, {
      batch,
      optimizer: config.optimizer,
      // Backends whose tensors live in JavaScript memory also pack the weights (each weight is a view into
      // them), and run Splits of any width (WebGPU needs them cut into trees).
      ...(backend.name === 'webgpu' ? { packState: true } : { packWeights: true, splitFanOut: Infinity }),
      ...(config.clipNorm !== undefined ? { clipNorm: config.clipNorm } : {}),
      ...(config.gradNorms ? { gradNorms: true } : {}),
    });
    if (config.adversarial) {
      const fraction = config.adversarial.fraction ?? 1;
      if (!(fraction > 0 && fraction <= 1)) throw new TrainSetupError(`the adversarial fraction must be in (0, 1], not ${fraction}`);
      try {
        this.attack = resolveAttack({ ...config.adversarial, range: config.adversarial.range ?? dataRange(dataset) });
      } catch (e) {
        if (e instanceof AttackSpecError) throw new TrainSetupError(e.message);
        throw e;
      }
    }
    this.evalProgram = buildEvalStep(shaped);
    this.arrayFor = this.bindArrays();
  }

  private readonly arrayFor: ReadonlyMap<string, string>;
  /** The fixed batch size of the train step (the configured one, or fewer when the data is smaller). */
  readonly batch: number;

  /** Maps each data input of the step to a dataset array: by name, else the single input `x` / target `y`. */
  private bindArrays(): Map<string, string> {
    const m = new Map<string, string>();
    const ins = Object.keys(this.dataset.inputs);
    const tgs = Object.keys(this.dataset.targets);
    for (const d of this.program.dataInputs) {
      const pool = d.source.kind === 'input' ? ins : tgs;
      const name = pool.includes(d.source.node) ? d.source.node : pool.length === 1 ? pool[0]! : undefined;
      if (!name)
        throw new TrainSetupError(
          d.source.kind === 'input'
            ? `dataset '${this.dataset.info.name}' has inputs ${ins.join(', ')}; none matches Input ${d.source.node}`
            : `dataset '${this.dataset.info.name}' has targets ${tgs.join(', ')}; none is named after loss ${d.source.node}`,
        );
      m.set(d.name, name);
    }
    return m;
  }

  get trainSamples(): number {
    return this.split.train.length;
  }

  /** The held-out validation samples (dataset indices); empty without a validation split. */
  get valIndices(): Int32Array {
    return this.split.val ?? new Int32Array(0);
  }

  /** The live weights and buffers of a running loop, between steps; null before and after a run. */
  private live: ReadonlyMap<string, Tensor> | null = null;

  /**
   * A copy of the current weights and buffers, by weight name, for views that read the model while it
   * trains. Call it from an event handler (whose promise holds the loop) or while paused; null when no run
   * is in progress.
   */
  async readWeights(): Promise<Map<string, Float32Array> | null> {
    const live = this.live;
    if (!live) return null;
    const out = new Map<string, Float32Array>();
    for (const w of this.program.weights) out.set(w.name, Float32Array.from((await live.get(w.name)!.getData()) as Float32Array));
    return out;
  }

  async run(events: TrainerEvents = {}): Promise<TrainResult> {
    const { ort } = this.backend;
    const p = this.program;
    const bytes = encodeModel(irToOnnx(p.graph, { name: 'train_step', weights: new Map(), paramsAsInputs: true }));
    const session = await ort.InferenceSession.create(bytes, sessionOptionsFor(this.backend, p.graph.outputs.map((o) => o.name), p.updates));
    const evalBytes = encodeModel(irToOnnx(this.evalProgram.graph, { name: 'eval_step', weights: new Map(), paramsAsInputs: true }));
    const evalSession = this.split.val
      ? await ort.InferenceSession.create(evalBytes, sessionOptionsFor(this.backend, this.evalProgram.graph.outputs.map((o) => o.name), p.updates))
      : undefined;
    let attacker: InputAttacker | undefined;
    try {
      if (this.attack) {
        try {
          attacker = await InputAttacker.create(this.shaped, this.backend, this.batch);
        } catch (e) {
          if (e instanceof TrainConfigError) throw new TrainSetupError(`adversarial training: ${e.message}`);
          throw e;
        }
      }
      return await this.loop(session, evalSession, events, attacker);
    } finally {
      await session.release();
      await evalSession?.release();
      await attacker?.release();
    }
  }

  private float(type: TensorType, data: Float32Array): Tensor {
    return new this.backend.ort.Tensor('float32', data, type.shape as number[]);
  }

  /** The resolved attack of adversarial training (data range filled in). */
  private readonly attack?: AttackSpec;

  private async loop(
    session: InferenceSession,
    evalSession: InferenceSession | undefined,
    events: TrainerEvents,
    attacker?: InputAttacker,
  ): Promise<TrainResult> {
    const { ort } = this.backend;
    const cfg = this.config;
    const p = this.program;
    const batch = this.batch;
    const init = initWeights(this.shaped, cfg.seed);
    for (const [k, v] of this.resumeFrom?.weights ?? []) if (init.has(k)) init.set(k, v);

    // The live state: every weight, optimizer slot and buffer as an onnxruntime tensor.
    const live = new Map<string, Tensor>();
    for (const { input, data } of packInputs(p.weightInputs, (name) => init.get(name), 'weight')) live.set(input.name, this.float(input.type, data));
    for (const { input, data } of packInputs(p.stateInputs, (name) => this.resumeFrom?.state?.get(name))) live.set(input.name, this.float(input.type, data));
    // Packed weights are also in `live` by name, as views, for the eval step, attacks and views of the model.
    const weightType = new Map(p.weights.map((w) => [w.name, w.type]));
    const packedWeights = p.weightInputs.filter((w) => w.name === PACKED_WEIGHTS);
    const viewWeights = () => {
      for (const input of packedWeights) {
        const data = live.get(input.name)!.data as Float32Array;
        for (const part of input.parts) live.set(part.name, this.float(weightType.get(part.name)!, data.subarray(part.offset, part.offset + part.size)));
      }
    };
    viewWeights();
    const stepInputs = [...p.weightInputs, ...p.stateInputs].map((x) => x.name);

    this.live = live;
    const startStep = this.resumeFrom?.step ?? 0;
    const stepsPerEpoch = Math.max(1, Math.floor(this.split.train.length / batch));
    const totalSteps = startStep + (cfg.steps ?? stepsPerEpoch * (cfg.epochs ?? 1));
    const firstEpoch = Math.floor(startStep / stepsPerEpoch) + 1;
    const epochs = Math.ceil(totalSteps / stepsPerEpoch);
    const history: EpochEvent[] = [];
    let step = startStep;
    let samples = 0;
    const t0 = performance.now();
    let status: TrainResult['status'] = 'finished';
    let message: string | undefined;

    outer: for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = cfg.shuffle === false ? this.split.train : reshuffle(this.split.train, cfg.seed * 7919 + epoch);
      let lossSum = 0;
      let count = 0;
      const metricSums: Record<string, number> = {};
      // A resumed run continues mid-epoch: skip the batches the checkpoint already trained on.
      let skip = epoch === firstEpoch ? startStep - (firstEpoch - 1) * stepsPerEpoch : 0;
      for (const b of batches(this.dataset, order, batch, { dropLast: true })) {
        if (skip > 0) {
          skip--;
          continue;
        }
        if (this.paused) await this.hold();
        if (this.stopRequested) {
          status = 'stopped';
          message = `stopped at step ${step}`;
          break outer;
        }
        step++;
        const lr = learningRateAt(cfg.lr, cfg.schedule ?? { kind: 'constant' }, step - 1);
        const feeds: Record<string, Tensor> = {};
        for (const d of p.dataInputs) {
          const arr = b.arrays[this.arrayFor.get(d.name)!]!;
          feeds[d.name] = arr instanceof BigInt64Array ? new ort.Tensor('int64', arr, d.type.shape as number[]) : new ort.Tensor('float32', arr, d.type.shape as number[]);
        }
        // Masks and noise depend only on (seed, step), so a resumed run draws what an uninterrupted one would.
        const rng = new Rng(cfg.seed).fork(`feeds@${step}`);
        const progress = (step - 1) / Math.max(1, totalSteps);
        for (const f of p.feeds) feeds[f.name] = this.float(f.type, generateFeed(f.spec, f.type, rng, progress));
        feeds[LR_INPUT] = new ort.Tensor('float32', Float32Array.of(lr), []);
        feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(step), []);
        if (attacker && this.attack) await this.perturbBatch(feeds, live, attacker, rng.fork('attack'));
        for (const k of stepInputs) feeds[k] = live.get(k)!;
        const out = await session.run(feeds);
        const loss = await scalar(out[LOSS_OUTPUT]!);
        if (!Number.isFinite(loss)) {
          status = 'diverged';
          message = `the loss became ${Number.isNaN(loss) ? 'NaN' : 'infinite'} at step ${step} (epoch ${epoch}); training stopped and the weights from step ${step - 1} were kept. Try a smaller learning rate or gradient clipping.`;
          for (const t of Object.values(out)) disposeOnDevice(t);
          break outer;
        }
        const metrics: Record<string, number> = {};
        for (const m of p.metrics) metrics[metricKey(m)] = await scalar(out[m]!);
        let gradNorms: Record<string, number> | undefined;
        if (p.gradNorms.length) {
          gradNorms = {};
          for (const g of p.gradNorms) gradNorms[g.node] = await scalar(out[g.name]!);
        }
        // The step's new values replace the old ones, which are freed when they live on a device (WebGPU).
        for (const [outName, inName] of p.updates) {
          disposeOnDevice(live.get(inName));
          live.set(inName, out[outName]!);
        }
        viewWeights();
        lossSum += loss;
        count++;
        for (const [k, v] of Object.entries(metrics)) metricSums[k] = (metricSums[k] ?? 0) + v;
        samples += batch;
        const elapsed = (performance.now() - t0) / 1000;
        await events.onStep?.({
          epoch,
          step,
          totalSteps,
          loss,
          metrics,
          lr,
          samplesPerSec: samples / Math.max(elapsed, 1e-9),
          etaSec: (elapsed / (step - startStep)) * (totalSteps - step),
          ...(gradNorms ? { gradNorms } : {}),
        });
        if (step >= totalSteps) break;
      }
      const mean: Record<string, number> = {};
      for (const [k, v] of Object.entries(metricSums)) mean[k] = v / Math.max(1, count);
      const val = evalSession && this.split.val ? await this.evaluate(evalSession, live, this.split.val) : undefined;
      const e: EpochEvent = { epoch, step, loss: lossSum / Math.max(1, count), metrics: mean, ...(val ? { val } : {}), seconds: (performance.now() - epochStart) / 1000 };
      history.push(e);
      await events.onEpoch?.(e);
      if (step >= totalSteps) break;
    }

    this.live = null;
    // Reading a device tensor copies it to the CPU but keeps its device buffer: free those once read.
    const onDevice = [...live.values()].filter(isOnDevice);
    const weights = new Map<string, Float32Array>();
    for (const w of p.weights) weights.set(w.name, Float32Array.from((await live.get(w.name)!.getData()) as Float32Array));
    const stateData = new Map<string, Float32Array>();
    for (const s of p.stateInputs) stateData.set(s.name, (await live.get(s.name)!.getData()) as Float32Array);
    const state = unpackInputs(p.stateInputs, (name) => stateData.get(name)!);
    for (const t of onDevice) t.dispose();
    return { status, ...(message ? { message } : {}), steps: status === 'diverged' ? step - 1 : step, epochs: history.length, weights, state, history };
  }

  /** Replaces the batch's float inputs (all samples, or the first `fraction`) by their adversarial versions. */
  private async perturbBatch(feeds: Record<string, Tensor>, live: ReadonlyMap<string, Tensor>, attacker: InputAttacker, rng: Rng): Promise<void> {
    const adv = await attacker.perturb(feeds, live, this.attack!, rng);
    const keep = Math.round(this.batch * (this.config.adversarial?.fraction ?? 1));
    for (const [name, x] of adv) {
      const clean = feeds[name]!;
      const per = x.length / this.batch;
      const mixed = Float32Array.from((await clean.getData()) as Float32Array);
      mixed.set(x.subarray(0, keep * per));
      feeds[name] = new this.backend.ort.Tensor('float32', mixed, [...clean.dims]);
    }
  }

  /** Loss and metrics over `indices`, weighted by batch size (the eval step takes any batch size). */
  async evaluate(session: InferenceSession, live: ReadonlyMap<string, Tensor>, indices: Int32Array): Promise<{ loss: number; metrics: Record<string, number> }> {
    const { ort } = this.backend;
    const ep = this.evalProgram;
    let n = 0;
    let loss = 0;
    const sums: Record<string, number> = {};
    const needed = new Set(ep.graph.params.map((x) => x.name));
    for (const b of batches(this.dataset, indices, 256)) {
      const feeds: Record<string, Tensor> = {};
      for (const d of ep.dataInputs) {
        const name = this.arrayFor.get(d.name)!;
        const arr = b.arrays[name]!;
        const shape = b.shapes[name]!;
        feeds[d.name] = arr instanceof BigInt64Array ? new ort.Tensor('int64', arr, [...shape]) : new ort.Tensor('float32', arr, [...shape]);
      }
      for (const [k, v] of live) if (needed.has(k)) feeds[k] = v;
      const out = await session.run(feeds);
      loss += (await scalar(out[LOSS_OUTPUT]!)) * b.real;
      for (const m of ep.metrics) sums[metricKey(m)] = (sums[metricKey(m)] ?? 0) + (await scalar(out[m]!)) * b.real;
      n += b.real;
    }
    const metrics: Record<string, number> = {};
    for (const [k, v] of Object.entries(sums)) metrics[k] = v / Math.max(1, n);
    return { loss: loss / Math.max(1, n), metrics };
  }
}

/**
 * Generates one runtime-fed input from the seeded generator. `progress` (0 at the first step, 1 at the end
 * of the run) drives scheduled scalars such as GradientReversal's λ.
 */
export function generateFeed(spec: TrainProgram['feeds'][number]['spec'], type: TensorType, rng: Rng, progress = 1): Float32Array {
  const n = type.shape.reduce<number>((a, d) => a * (d as number), 1);
  const data = new Float32Array(n);
  if (spec.kind === 'dropout') {
    const keep = 1 - spec.p;
    const scale = keep > 0 ? 1 / keep : 0;
    rng.fillMask(data, keep, scale);
  } else if (spec.kind === 'normal') for (let i = 0; i < n; i++) data[i] = rng.normal();
  else if (spec.kind === 'schedule') data[0] = scheduledValue(spec, progress);
  else if (spec.kind === 'shift') fillShiftMatrices(data, type, spec, rng);
  return data;
}
