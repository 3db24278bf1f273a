/**
 * Toy DDPM mode (Ho et al. 2020): a graph that predicts the noise ε in a noised sample trains as a denoising
 * diffusion model, and samples by running it backwards from pure noise.
 *
 * The graph: two Inputs — the noisy sample x_t (the dataset sample's shape) and the time t/T ([1]) — and an
 * MSELoss on the predicted noise ε̂ (same shape as the sample), its target left to the runtime. The schedule is
 * linear in β from β₁ to β_T over T steps:
 *
 *   α_t = 1 − β_t,  ᾱ_t = Π_{s≤t} α_s
 *   training   draw t ∈ {1…T} and ε ~ N(0, I) per sample; feed x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε and t/T; MSE(ε̂, ε)
 *   sampling   x_T ~ N(0, I);  x_{t−1} = (x_t − β_t/√(1−ᾱ_t) ε̂(x_t, t/T)) / √α_t + σ_t z,  σ_t = √β_t, z = 0 at t = 1
 *
 * PyTorch equivalent: betas = torch.linspace(b1, bT, T); abar = torch.cumprod(1 − betas, 0); t = randint(0, T)
 * (0-based); xt = abar[t].sqrt()·x0 + (1 − abar[t]).sqrt()·eps; loss = mse(model(cat([xt, (t+1)/T])), eps).
 */
import type { ShapedGraph } from '../passes/infer-shapes';
import { TrainConfigError } from './train-step';

export interface DiffusionConfig {
  /** Number of noising steps T. */
  readonly steps: number;
  /** β₁ and β_T of the linear schedule. */
  readonly betaStart: number;
  readonly betaEnd: number;
}

/** The lecture's toy schedule (G22): T = 50, β from 1e-4 to 0.2. */
export const DEFAULT_DIFFUSION: DiffusionConfig = { steps: 50, betaStart: 1e-4, betaEnd: 0.2 };

export interface DiffusionSchedule {
  readonly T: number;
  /** Index t − 1 for t = 1…T (float64). */
  readonly betas: Float64Array;
  readonly alphas: Float64Array;
  readonly alphaBars: Float64Array;
  /** σ_t = √β_t, the noise scale of the ancestral step into x_{t−1}. */
  readonly sigmas: Float64Array;
}

/** The linear β schedule and the quantities derived from it; a clear error for a schedule that is not one. */
export function linearSchedule(cfg: DiffusionConfig): DiffusionSchedule {
  const { steps: T, betaStart: b1, betaEnd: bT } = cfg;
  if (!Number.isInteger(T) || T < 1) throw new TrainConfigError(`diffusion needs a whole number of steps T ≥ 1, not ${T}`);
  if (!(b1 > 0 && bT < 1 && b1 <= bT)) throw new TrainConfigError(`diffusion needs 0 < beta_start ≤ beta_end < 1, not ${b1} and ${bT}`);
  const betas = new Float64Array(T);
  const alphas = new Float64Array(T);
  const alphaBars = new Float64Array(T);
  const sigmas = new Float64Array(T);
  let bar = 1;
  for (let i = 0; i < T; i++) {
    betas[i] = T === 1 ? b1 : b1 + ((bT - b1) * i) / (T - 1);
    alphas[i] = 1 - betas[i]!;
    bar *= alphas[i]!;
    alphaBars[i] = bar;
    sigmas[i] = Math.sqrt(betas[i]!);
  }
  return { T, betas, alphas, alphaBars, sigmas };
}

/** x_t = √ᾱ_t x₀ + √(1−ᾱ_t) ε, for one sample of `n` values at x0[off…], eps[off…], written to out[off…]. */
export function noiseSample(s: DiffusionSchedule, t: number, x0: ArrayLike<number>, eps: ArrayLike<number>, out: Float32Array, off: number, n: number): void {
  const ab = s.alphaBars[t - 1]!;
  const a = Math.sqrt(ab);
  const b = Math.sqrt(1 - ab);
  for (let k = 0; k < n; k++) out[off + k] = a * x0[off + k]! + b * eps[off + k]!;
}

/**
 * One ancestral step from x_t to x_{t−1} for a batch (in place): x ← (x − β_t/√(1−ᾱ_t) ε̂)/√α_t + σ_t z,
 * with z ignored at t = 1 (the last step adds no noise).
 */
export function ancestralStep(s: DiffusionSchedule, t: number, x: Float32Array, epsHat: ArrayLike<number>, z: ArrayLike<number>): void {
  const beta = s.betas[t - 1]!;
  const coef = beta / Math.sqrt(1 - s.alphaBars[t - 1]!);
  const inv = 1 / Math.sqrt(s.alphas[t - 1]!);
  const sigma = t > 1 ? s.sigmas[t - 1]! : 0;
  for (let i = 0; i < x.length; i++) x[i] = (x[i]! - coef * epsHat[i]!) * inv + sigma * z[i]!;
}

/** The parts of an ε-prediction graph. */
export interface DiffusionGraph {
  /** The Input that takes the noisy sample x_t. */
  readonly sampleInput: string;
  /** The Input that takes t/T, shape [1]. */
  readonly timeInput: string;
  /** The MSELoss node whose target is the drawn noise ε. */
  readonly loss: string;
  /** The shape of one sample (without the batch). */
  readonly sampleShape: readonly number[];
}

/**
 * The diffusion structure of a graph: two Inputs (the sample, and t/T of shape [1] — named `time` when both
 * have that shape) and one MSELoss with an unconnected target whose prediction has the sample's shape.
 */
export function findDiffusion(shaped: ShapedGraph): DiffusionGraph {
  const inputs = shaped.order.filter((id) => shaped.nodes.get(id)?.kind === 'Input');
  const shapeOf = (id: string) => (shaped.info.get(id)?.outputs.out?.shape ?? []).slice(1) as number[];
  const isTime = (id: string) => {
    const s = shapeOf(id);
    return s.length === 1 && s[0] === 1;
  };
  if (inputs.length !== 2)
    throw new TrainConfigError(`a diffusion graph has two Inputs, the noisy sample x_t and the time t/T ([1]); this one has ${inputs.length}${inputs.length ? ` (${inputs.join(', ')})` : ''}`);
  const times = inputs.filter(isTime);
  const timeInput = times.length === 1 ? times[0]! : times.includes('time') ? 'time' : undefined;
  if (!timeInput) throw new TrainConfigError(`a diffusion graph takes the time t/T at an Input of shape [1] (name it time); neither of ${inputs.join(' and ')} is one`);
  const sampleInput = inputs.find((i) => i !== timeInput)!;
  const losses = shaped.order.filter((id) => shaped.nodes.get(id)?.kind?.endsWith('Loss'));
  if (losses.length !== 1 || shaped.nodes.get(losses[0]!)?.kind !== 'MSELoss')
    throw new TrainConfigError(`a diffusion graph ends in one MSELoss between the predicted and the drawn noise; this one has ${losses.length ? losses.map((l) => `${l} (${shaped.nodes.get(l)?.kind})`).join(', ') : 'no loss'}`);
  const loss = losses[0]!;
  if (shaped.edges.some((e) => e.to.node === loss && e.to.port === 'target'))
    throw new TrainConfigError(`the MSELoss ${loss} of a diffusion graph takes the drawn noise as its target: leave its target unconnected`);
  const pred = shaped.edges.find((e) => e.to.node === loss && e.to.port !== 'target');
  const predShape = pred ? ((shaped.info.get(pred.from.node)?.outputs[pred.from.port]?.shape ?? []).slice(1) as number[]) : [];
  const sampleShape = shapeOf(sampleInput);
  if (predShape.join(',') !== sampleShape.join(','))
    throw new TrainConfigError(`the predicted noise [${predShape.join(', ')}] must have the shape of the sample ${sampleInput} [${sampleShape.join(', ')}]`);
  return { sampleInput, timeInput, loss, sampleShape };
}
