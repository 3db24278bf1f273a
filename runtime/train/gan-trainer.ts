/**
 * The GAN trainer: trains a Noise → generator → Discriminator graph adversarially on onnxruntime. Per batch of
 * real samples it runs one Discriminator step, and after every n_critic of them one generator step (the two
 * programs of graph-core's buildGanSteps). Both sessions read and write one set of live weight tensors, so
 * each step sees the other player's latest weights. It emits the Trainer's step and epoch events with the
 * GAN metrics (d_loss, g_loss, d_x = mean σ(D(x)), d_g_z = mean σ(D(G(z))); in WGAN mode the mean critic
 * scores D(x) and D(G(z)) themselves), and, on request, a sample event:
 * generator outputs for a fixed noise batch, for plotting or tiling into an image grid. Deterministic for a
 * seed; stops on a NaN/Inf loss keeping the weights from before that step; pause/resume/stop as the Trainer.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import { initWeights, LOSS_OUTPUT, LR_INPUT, Rng, STEP_INPUT, type OptimizerChoice, type ShapedGraph, type TensorType, type TrainProgram } from '../../graph-core';
import { buildGanSteps, GAN_METRICS, type GanObjective, type GanPrograms, type SampleProgram } from '../../graph-core/train/gan-step';
import { learningRateAt, type ScheduleSpec } from '../../graph-core/optimizers/schedules';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { batches } from '../data/batches';
import type { Dataset } from '../data/dataset';
import { reshuffle } from '../data/split';
import type { Backend } from './backend';
import { RunControl } from './run-control';
import { disposeOnDevice, metricKey, scalar, sessionOptionsFor } from './tensors';
import { generateFeed, TrainSetupError, type EpochEvent, type StepEvent, type TrainerEvents, type TrainResult } from './trainer';

export interface GanTrainConfig {
  readonly epochs?: number;
  /** Stop after this many steps (batches of real samples; overrides epochs when both are given). */
  readonly steps?: number;
  readonly batchSize: number;
  /** The optimizer of both players (each keeps its own state); GANs usually take Adam with beta1 0.5. */
  readonly optimizer: OptimizerChoice;
  readonly lr: number;
  readonly schedule?: ScheduleSpec;
  readonly clipNorm?: number;
  readonly seed: number;
  readonly shuffle?: boolean;
  /** Discriminator steps per generator step (default 1: they alternate). */
  readonly nCritic?: number;
  /** 'bce' (default) or 'wasserstein' (WGAN: critic scores without sigmoid; usually with RMSprop, n_critic 5). */
  readonly objective?: GanObjective;
  /** WGAN weight clipping: every Discriminator weight is clamped to [−c, c] after each critic step. */
  readonly clipWeights?: number;
  /** Emit a sample event every this many steps (default: never). */
  readonly sampleEvery?: number;
  /** How many samples a sample event holds (default 64), always from the same noise. */
  readonly sampleCount?: number;
}

/** Generator outputs for the fixed noise batch, after `step` steps. */
export interface SampleEvent {
  readonly epoch: number;
  readonly step: number;
  /** [count, …sample shape], e.g. [64, 2] points or [64, 1, 28, 28] images. */
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

export interface GanTrainerEvents extends TrainerEvents {
  readonly onSamples?: (e: SampleEvent) => void;
}

const numel = (t: TensorType) => t.shape.reduce<number>((a, d) => a * (d as number), 1);

export class GanTrainer extends RunControl {
  readonly programs: GanPrograms;
  /** The fixed batch size of both steps (the configured one, or fewer when the data is smaller). */
  readonly batch: number;
  /** The dataset input that gives the real samples. */
  readonly realArray: string;
  private readonly nCritic: number;

  constructor(
    readonly shaped: ShapedGraph,
    readonly dataset: Dataset,
    readonly backend: Backend,
    readonly config: GanTrainConfig,
    /** Resume from a checkpoint: weights, optimizer state of both players, and the steps already taken. */
    private readonly resumeFrom?: { readonly weights: ReadonlyMap<string, Float32Array>; readonly state?: ReadonlyMap<string, Float32Array>; readonly step?: number },
  ) {
    super();
    const ins = Object.keys(dataset.inputs);
    const real = ins.length === 1 ? ins[0]! : ins.includes('x') ? 'x' : undefined;
    if (!real) throw new TrainSetupError(`dataset '${dataset.info.name}' has inputs ${ins.join(', ') || 'none'}; a GAN learns from one input (or one named x)`);
    this.realArray = real;
    this.nCritic = config.nCritic ?? 1;
    if (!Number.isInteger(this.nCritic) || this.nCritic < 1) throw new TrainSetupError(`n_critic must be a whole number of at least 1, not ${config.nCritic}`);
    this.batch = Math.min(config.batchSize, dataset.size);
    this.programs = buildGanSteps(shaped, {
      batch: this.batch,
      optimizer: config.optimizer,
      realInput: real,
      ...(config.objective !== undefined ? { objective: config.objective } : {}),
      ...(config.clipWeights !== undefined ? { clipWeights: config.clipWeights } : {}),
      ...(config.clipNorm !== undefined ? { clipNorm: config.clipNorm } : {}),
    });
    const spec = dataset.inputs[real]!;
    const want = this.programs.gan.sampleType;
    const perSample = want.shape.slice(1) as number[];
    if (spec.dtype !== want.dtype || spec.shape.length !== perSample.length || spec.shape.some((d, i) => d !== perSample[i]))
      throw new TrainSetupError(
        `the generator makes samples of [${perSample.join(', ')}] ${want.dtype} (what ${this.programs.gan.sample.node} outputs); dataset '${dataset.info.name}' gives ${real} as [${spec.shape.join(', ')}] ${spec.dtype}`,
      );
  }

  /** A GAN trains on every sample (there is no validation split). */
  get trainSamples(): number {
    return this.dataset.size;
  }

  /** The live weights, buffers and optimizer state of a running loop; null before and after a run. */
  private live: ReadonlyMap<string, Tensor> | null = null;

  /**
   * A copy of the current weights and buffers of both players, by weight name, for views that read the
   * model while it trains; null when no run is in progress.
   */
  async readWeights(): Promise<Map<string, Float32Array> | null> {
    const live = this.live;
    if (!live) return null;
    const out = new Map<string, Float32Array>();
    for (const name of new Set([...this.programs.d.weights, ...this.programs.g.weights].map((w) => w.name)))
      out.set(name, Float32Array.from((await live.get(name)!.getData()) as Float32Array));
    return out;
  }

  /** The type of a weight or optimizer state tensor of either step. */
  typeOf(name: string): TensorType | undefined {
    for (const p of [this.programs.d, this.programs.g]) {
      const t = p.weights.find((w) => w.name === name) ?? p.state.find((s) => s.name === name);
      if (t) return t.type;
    }
    return undefined;
  }

  async run(events: GanTrainerEvents = {}): Promise<TrainResult> {
    const { ort } = this.backend;
    const { d, g, sample } = this.programs;
    const open = (p: { graph: TrainProgram['graph'] }, name: string, updates: ReadonlyMap<string, string>) =>
      ort.InferenceSession.create(
        encodeModel(irToOnnx(p.graph, { name, weights: new Map(), paramsAsInputs: true })),
        sessionOptionsFor(this.backend, p.graph.outputs.map((o) => o.name), updates),
      );
    const sessions: InferenceSession[] = [];
    try {
      const dSession = await open(d, 'gan_d_step', d.updates);
      sessions.push(dSession);
      const gSession = await open(g, 'gan_g_step', g.updates);
      sessions.push(gSession);
      const sampleSession = this.config.sampleEvery ? await open(sample, 'gan_sample', new Map()) : undefined;
      if (sampleSession) sessions.push(sampleSession);
      return await this.loop(dSession, gSession, sampleSession, events);
    } finally {
      this.live = null;
      for (const s of sessions) await s.release();
    }
  }



  private float(type: TensorType, data: Float32Array): Tensor {
    return new this.backend.ort.Tensor('float32', data, type.shape as number[]);
  }

  /** Runs one step program: its feeds from `rng`, the real batch when it takes one; returns its outputs. */
  private async step(session: InferenceSession, p: TrainProgram, live: ReadonlyMap<string, Tensor>, o: { real?: Float32Array; rng: Rng; lr: number; t: number }) {
    const { ort } = this.backend;
    const feeds: Record<string, Tensor> = {};
    for (const x of p.dataInputs) feeds[x.name] = this.float(x.type, o.real!);
    for (const f of p.feeds) feeds[f.name] = this.float(f.type, generateFeed(f.spec, f.type, o.rng));
    feeds[LR_INPUT] = new ort.Tensor('float32', Float32Array.of(o.lr), []);
    feeds[STEP_INPUT] = new ort.Tensor('float32', Float32Array.of(o.t), []);
    const needed = new Set([...p.weights.map((w) => w.name), ...p.state.map((s) => s.name)]);
    for (const [k, v] of live) if (needed.has(k)) feeds[k] = v;
    return session.run(feeds);
  }

  private async loop(dSession: InferenceSession, gSession: InferenceSession, sampleSession: InferenceSession | undefined, events: GanTrainerEvents): Promise<TrainResult> {
    const cfg = this.config;
    const { d, g } = this.programs;
    const batch = this.batch;
    const init = initWeights(this.shaped, cfg.seed);
    for (const [k, v] of this.resumeFrom?.weights ?? []) if (init.has(k)) init.set(k, v);

    // The live state shared by both steps: every weight and buffer, and each player's optimizer slots.
    let live = new Map<string, Tensor>();
    const weightTypes = new Map<string, TensorType>();
    for (const w of [...d.weights, ...g.weights]) weightTypes.set(w.name, w.type);
    for (const [name, type] of weightTypes) live.set(name, this.float(type, Float32Array.from(init.get(name)!)));
    const stateSpecs = [...d.state, ...g.state];
    for (const s of stateSpecs) {
      const saved = this.resumeFrom?.state?.get(s.name);
      live.set(s.name, this.float(s.type, saved ? Float32Array.from(saved) : new Float32Array(numel(s.type))));
    }
    const fixedNoise = this.fixedNoise();
    this.live = live;

    const all = Int32Array.from({ length: this.dataset.size }, (_, i) => i);
    const startStep = this.resumeFrom?.step ?? 0;
    const stepsPerEpoch = Math.max(1, Math.floor(all.length / batch));
    const totalSteps = startStep + (cfg.steps ?? stepsPerEpoch * (cfg.epochs ?? 1));
    const firstEpoch = Math.floor(startStep / stepsPerEpoch) + 1;
    const epochs = Math.ceil(totalSteps / stepsPerEpoch);
    const history: EpochEvent[] = [];
    let step = startStep;
    let samples = 0;
    let lastG: number | undefined;
    const t0 = performance.now();
    let status: TrainResult['status'] = 'finished';
    let message: string | undefined;

    outer: for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const epochStart = performance.now();
      const order = cfg.shuffle === false ? all : reshuffle(all, cfg.seed * 7919 + epoch);
      const sums: Record<string, number> = {};
      const counts: Record<string, number> = {};
      let lossSum = 0;
      let count = 0;
      let skip = epoch === firstEpoch ? startStep - (firstEpoch - 1) * stepsPerEpoch : 0;
      for (const b of batches(this.dataset, order, batch, { dropLast: true, names: [this.realArray] })) {
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
        const before = new Map(live);
        const replaced: Tensor[] = [];
        const apply = (p: TrainProgram, out: InferenceSession.OnnxValueMapType) => {
          for (const [outName, inName] of p.updates) {
            replaced.push(live.get(inName)!);
            live.set(inName, out[outName] as Tensor);
          }
        };
        // Noise and masks depend only on (seed, step, player), so a resumed run draws what an uninterrupted one would.
        const rng = new Rng(cfg.seed);
        const dOut = await this.step(dSession, d, live, { real: b.arrays[this.realArray] as Float32Array, rng: rng.fork(`feeds@${step}/d`), lr, t: step });
        const dLoss = await scalar(dOut[LOSS_OUTPUT] as Tensor);
        const stepMetrics: Record<string, number> = {};
        for (const m of d.metrics) stepMetrics[metricKey(m)] = await scalar(dOut[m] as Tensor);
        let finite = Number.isFinite(dLoss);
        if (finite) apply(d, dOut);
        else disposeOnDevice(...Object.values(dOut) as Tensor[]);
        // The generator steps after every n_critic-th Discriminator step.
        if (finite && step % this.nCritic === 0) {
          const gOut = await this.step(gSession, g, live, { rng: rng.fork(`feeds@${step}/g`), lr, t: step / this.nCritic });
          lastG = await scalar(gOut[LOSS_OUTPUT] as Tensor);
          for (const m of g.metrics) stepMetrics[metricKey(m)] = await scalar(gOut[m] as Tensor);
          finite = Number.isFinite(lastG);
          if (finite) apply(g, gOut);
          else disposeOnDevice(...Object.values(gOut) as Tensor[]);
        }
        const metrics: Record<string, number> = { [GAN_METRICS.dLoss]: dLoss, ...(lastG !== undefined ? { [GAN_METRICS.gLoss]: lastG } : {}), ...stepMetrics };
        if (!finite) {
          status = 'diverged';
          const bad = Number.isFinite(dLoss) ? lastG! : dLoss;
          message = `the ${Number.isFinite(dLoss) ? 'generator' : 'Discriminator'} loss became ${Number.isNaN(bad) ? 'NaN' : 'infinite'} at step ${step} (epoch ${epoch}); training stopped and the weights from step ${step - 1} were kept. Try a smaller learning rate or gradient clipping.`;
          // Back to the weights before this step; the values this step made are dropped.
          const keep = new Set(before.values());
          disposeOnDevice(...[...live.values()].filter((t) => !keep.has(t)));
          live = before;
          break outer;
        }
        disposeOnDevice(...replaced);
        const loss = dLoss + (lastG ?? 0);
        lossSum += loss;
        count++;
        for (const [k, v] of Object.entries(metrics)) {
          sums[k] = (sums[k] ?? 0) + v;
          counts[k] = (counts[k] ?? 0) + 1;
        }
        samples += batch;
        const elapsed = (performance.now() - t0) / 1000;
        const e: StepEvent = {
          epoch,
          step,
          totalSteps,
          loss,
          metrics,
          lr,
          samplesPerSec: samples / Math.max(elapsed, 1e-9),
          etaSec: (elapsed / (step - startStep)) * (totalSteps - step),
        };
        // Awaited like the Trainer's: a host holds the loop here between two steps (pause, views).
        await events.onStep?.(e);
        if (sampleSession && cfg.sampleEvery && step % cfg.sampleEvery === 0)
          events.onSamples?.({ epoch, step, ...(await generate(this.backend, sampleSession, this.programs.sample, live, fixedNoise)) });
        if (step >= totalSteps) break;
      }
      const mean: Record<string, number> = {};
      for (const [k, v] of Object.entries(sums)) mean[k] = v / counts[k]!;
      const e: EpochEvent = { epoch, step, loss: lossSum / Math.max(1, count), metrics: mean, seconds: (performance.now() - epochStart) / 1000 };
      history.push(e);
      await events.onEpoch?.(e);
      if (step >= totalSteps) break;
    }

    this.live = null;
    const weights = new Map<string, Float32Array>();
    for (const name of weightTypes.keys()) weights.set(name, Float32Array.from((await live.get(name)!.getData()) as Float32Array));
    const state = new Map<string, Float32Array>();
    for (const s of stateSpecs) state.set(s.name, Float32Array.from((await live.get(s.name)!.getData()) as Float32Array));
    disposeOnDevice(...live.values());
    return { status, ...(message ? { message } : {}), steps: status === 'diverged' ? step - 1 : step, epochs: history.length, weights, state, history };
  }

  /** The noise of the sample events: the same for the whole run (and for every run with this seed). */
  private fixedNoise(): Record<string, Float32Array> {
    const count = this.config.sampleCount ?? 64;
    const rng = new Rng(this.config.seed).fork('gan-samples');
    const out: Record<string, Float32Array> = {};
    for (const z of this.programs.sample.noise) {
      const data = new Float32Array(count * numel({ shape: z.type.shape.slice(1), dtype: z.type.dtype }));
      for (let i = 0; i < data.length; i++) data[i] = rng.normal();
      out[z.name] = data;
    }
    return out;
  }
}

/**
 * Runs the sample program (Noise → generator, eval mode) on the given noise, one [count, …] array per Noise
 * node, with the weights in `live`; returns the samples and their shape.
 */
export async function generate(
  backend: Backend,
  session: InferenceSession,
  program: SampleProgram,
  live: ReadonlyMap<string, Tensor>,
  noise: Readonly<Record<string, Float32Array>>,
): Promise<{ shape: number[]; data: Float32Array }> {
  const feeds: Record<string, Tensor> = {};
  for (const z of program.noise) {
    const perSample = z.type.shape.slice(1) as number[];
    const data = noise[z.name]!;
    feeds[z.name] = new backend.ort.Tensor('float32', data, [data.length / perSample.reduce((a, d) => a * d, 1), ...perSample]);
  }
  for (const p of program.graph.params) feeds[p.name] = live.get(p.name)!;
  const out = (await session.run(feeds))[program.output] as Tensor;
  const data = Float32Array.from((await out.getData()) as Float32Array);
  const shape = [...out.dims];
  disposeOnDevice(out);
  return { shape, data };
}

