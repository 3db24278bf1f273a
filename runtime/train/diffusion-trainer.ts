/**
 * The toy DDPM trainer: trains an ε-prediction graph (graph-core's findDiffusion) on the samples x₀ of a
 * dataset, and draws new samples by ancestral sampling through the graph's eval program.
 *
 * Training: for every pass over the data and every sample, t ∈ {1…T} and ε ~ N(0, I) are drawn from the
 * seeded generator (Rng(seed).fork('diffusion')), so each sample is seen at a fresh noise level in every pass;
 * the noised rows (x_t, t/T, target ε) form the dataset the ordinary Trainer trains on, without a validation
 * split. Its step events, pause/resume/stop, divergence handling and checkpoints are the Trainer's.
 *
 * Sampling: x_T ~ N(0, I), then T ancestral steps, each one run of the eval program (ε̂ for the whole batch)
 * and the update of graph-core's ancestralStep; deterministic for a seed.
 */
import type { Tensor } from 'onnxruntime-common';
import { Rng, type ShapedGraph } from '../../graph-core';
import { lowerLayers } from '../../graph-core/passes/lower';
import { ancestralStep, DEFAULT_DIFFUSION, findDiffusion, linearSchedule, noiseSample, type DiffusionConfig, type DiffusionGraph, type DiffusionSchedule } from '../../graph-core/train/diffusion';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import type { Dataset } from '../data/dataset';
import type { Backend } from './backend';
import { sessionOptionsFor } from './tensors';
import { Trainer, TrainSetupError, type TrainConfig, type TrainerEvents, type TrainResult } from './trainer';

export interface DiffusionTrainConfig extends Omit<TrainConfig, 'valSplit' | 'adversarial'> {
  /** T, β₁ and β_T (default: the lecture's T = 50, β 1e-4 … 0.2). */
  readonly diffusion?: DiffusionConfig;
}

export class DiffusionTrainer {
  readonly graph: DiffusionGraph;
  readonly schedule: DiffusionSchedule;
  /** The Trainer that runs on the noised rows. */
  readonly trainer: Trainer;
  /** The dataset array that holds the clean samples x₀. */
  readonly sourceArray: string;

  constructor(
    readonly shaped: ShapedGraph,
    readonly dataset: Dataset,
    readonly backend: Backend,
    readonly config: DiffusionTrainConfig,
    resumeFrom?: ConstructorParameters<typeof Trainer>[4],
  ) {
    this.graph = findDiffusion(shaped);
    this.schedule = linearSchedule(config.diffusion ?? DEFAULT_DIFFUSION);
    const ins = Object.keys(dataset.inputs).filter((k) => dataset.inputs[k]!.dtype === 'float32');
    const src = ins.includes(this.graph.sampleInput) ? this.graph.sampleInput : ins.length === 1 ? ins[0]! : ins.includes('x') ? 'x' : undefined;
    if (!src) throw new TrainSetupError(`dataset '${dataset.info.name}' has no float input for diffusion to learn (it has ${Object.keys(dataset.inputs).join(', ') || 'none'})`);
    const shape = dataset.inputs[src]!.shape;
    if (shape.join(',') !== this.graph.sampleShape.join(','))
      throw new TrainSetupError(`the diffusion graph denoises samples of [${this.graph.sampleShape.join(', ')}]; dataset '${dataset.info.name}' gives ${src} as [${shape.join(', ')}]`);
    this.sourceArray = src;
    const batch = Math.min(config.batchSize, dataset.size);
    const totalSteps = config.steps ?? Math.max(1, Math.floor(dataset.size / batch)) * (config.epochs ?? 1);
    // Enough passes over x₀ that every step takes rows no earlier step took.
    const passes = Math.max(1, Math.ceil(((totalSteps + 1) * batch) / dataset.size));
    const { epochs: _epochs, diffusion: _diffusion, ...rest } = config;
    this.trainer = new Trainer(shaped, this.noised(passes), backend, { ...rest, steps: totalSteps, valSplit: 0 }, resumeFrom);
  }

  /** The training rows: for each pass and sample, x_t, t/T and the target ε. */
  private noised(passes: number): Dataset {
    const { sampleInput, timeInput, loss, sampleShape } = this.graph;
    const n = sampleShape.reduce((a, d) => a * d, 1);
    const N = this.dataset.size;
    const x0 = this.dataset.arrays[this.sourceArray] as Float32Array;
    const rows = N * passes;
    const xt = new Float32Array(rows * n);
    const eps = new Float32Array(rows * n);
    const tt = new Float32Array(rows);
    const rng = new Rng(this.config.seed).fork('diffusion');
    const { T } = this.schedule;
    const one = new Float32Array(n);
    const out = new Float32Array(n);
    for (let r = 0; r < rows; r++) {
      const t = 1 + rng.int(T);
      const src = (r % N) * n;
      for (let k = 0; k < n; k++) one[k] = rng.normal();
      noiseSample(this.schedule, t, x0.subarray(src, src + n), one, out, 0, n);
      xt.set(out, r * n);
      eps.set(one, r * n);
      tt[r] = t / T;
    }
    return {
      info: { ...this.dataset.info, name: `${this.dataset.info.name} (noised)`, task: 'generative' },
      size: rows,
      inputs: { [sampleInput]: { shape: sampleShape, dtype: 'float32' }, [timeInput]: { shape: [1], dtype: 'float32' } },
      targets: { [loss]: { shape: sampleShape, dtype: 'float32' } },
      arrays: { [sampleInput]: xt, [timeInput]: tt, [loss]: eps },
    };
  }

  run(events: TrainerEvents = {}): Promise<TrainResult> {
    return this.trainer.run(events);
  }

  pause(): void {
    this.trainer.pause();
  }

  unpause(): void {
    this.trainer.unpause();
  }

  stop(): void {
    this.trainer.stop();
  }

  /** The number of samples one step trains on. */
  get batch(): number {
    return this.trainer.batch;
  }
}

/**
 * Draws `count` samples from a trained ε-predictor by ancestral sampling: [count, …sample shape] values, from
 * x_T ~ N(0, I) drawn with `seed`. `onStep` sees x_{t−1} after each step (t = T…1), e.g. for a reverse-process strip.
 */
export async function sampleDiffusion(
  shaped: ShapedGraph,
  weights: ReadonlyMap<string, Float32Array>,
  backend: Backend,
  o: { readonly count: number; readonly seed: number; readonly diffusion?: DiffusionConfig; readonly onStep?: (t: number, x: Float32Array) => void },
): Promise<{ shape: number[]; data: Float32Array }> {
  const graph = findDiffusion(shaped);
  const schedule = linearSchedule(o.diffusion ?? DEFAULT_DIFFUSION);
  const lowered = lowerLayers(shaped, { mode: 'eval' });
  const ir = lowered.builder.build();
  if (ir.outputs.length !== 1) throw new TrainSetupError(`a diffusion graph predicts the noise at one output; this one has ${ir.outputs.length}`);
  const output = ir.outputs[0]!.name;
  const { ort } = backend;
  const session = await ort.InferenceSession.create(encodeModel(irToOnnx(ir, { name: 'diffusion_eps', weights })), sessionOptionsFor(backend, [output], new Map()));
  try {
    const n = graph.sampleShape.reduce((a, d) => a * d, 1);
    const rng = new Rng(o.seed).fork('diffusion-sample');
    const x = Float32Array.from({ length: o.count * n }, () => rng.normal());
    const z = new Float32Array(x.length);
    const shape = [o.count, ...graph.sampleShape];
    for (let t = schedule.T; t >= 1; t--) {
      const feeds: Record<string, Tensor> = {
        [graph.sampleInput]: new ort.Tensor('float32', Float32Array.from(x), shape),
        [graph.timeInput]: new ort.Tensor('float32', new Float32Array(o.count).fill(t / schedule.T), [o.count, 1]),
      };
      const epsHat = (await session.run(feeds))[output]!.data as Float32Array;
      for (let i = 0; i < z.length; i++) z[i] = t > 1 ? rng.normal() : 0;
      ancestralStep(schedule, t, x, epsHat, z);
      o.onStep?.(t, x);
    }
    return { shape, data: x };
  } finally {
    await session.release();
  }
}
