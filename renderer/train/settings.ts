/**
 * The training panel's settings, read from and written to the document's `training` section (the same
 * fields `layerloom train` reads; see docs/graph-format.md). Reading is lenient: a missing or wrong-typed
 * field takes the CLI's default, so a hand-edited file never stops the panel from opening. Writing changes
 * only the panel's fields and keeps every other field of the section verbatim.
 */
import type { ScheduleSpec } from '../../graph-core/optimizers/schedules';
import { checkSchedule } from '../../graph-core/optimizers/schedules';
import type { TrainConfig } from '../../runtime/train/trainer';
import { readSectionExtras } from '../../runtime/train/training-section';

export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop';
export const OPTIMIZERS: readonly OptimizerName[] = ['adam', 'adamw', 'sgd', 'rmsprop'];
const OPTIMIZER_KIND: Record<OptimizerName, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop' };

export type ScheduleName = 'constant' | 'step' | 'cosine';
export const SCHEDULES: readonly ScheduleName[] = ['constant', 'step', 'cosine'];

export interface TrainSettings {
  /** A built-in dataset name, or the name of a dataset imported in this session. Empty: none chosen. */
  readonly dataset: string;
  readonly epochs: number;
  readonly batchSize: number;
  readonly optimizer: OptimizerName;
  readonly lr: number;
  readonly schedule: ScheduleName;
  /** Step schedule: multiply the rate by `gamma` every `stepSize` steps. */
  readonly stepSize: number;
  readonly gamma: number;
  readonly seed: number;
  readonly valSplit: number;
}

export const DEFAULT_SETTINGS: TrainSettings = {
  dataset: '',
  epochs: 10,
  batchSize: 32,
  optimizer: 'adam',
  lr: 0.001,
  schedule: 'constant',
  stepSize: 100,
  gamma: 0.1,
  seed: 0,
  valSplit: 0.2,
};

type Section = Readonly<Record<string, unknown>>;

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/** The panel's settings from a document's training section. */
export function readSettings(training: Section | undefined): TrainSettings {
  const t = training ?? {};
  const d = DEFAULT_SETTINGS;
  const optimizer = typeof t.optimizer === 'string' && (OPTIMIZERS as readonly string[]).includes(t.optimizer.toLowerCase()) ? (t.optimizer.toLowerCase() as OptimizerName) : d.optimizer;
  const sched = typeof t.schedule === 'object' && t.schedule !== null ? (t.schedule as Record<string, unknown>) : {};
  const schedule = typeof sched.kind === 'string' && (SCHEDULES as readonly string[]).includes(sched.kind) ? (sched.kind as ScheduleName) : 'constant';
  return {
    dataset: typeof t.dataset === 'string' ? t.dataset : d.dataset,
    epochs: num(t.epochs) ?? d.epochs,
    batchSize: num(t.batch_size) ?? d.batchSize,
    optimizer,
    lr: num(t.lr) ?? (optimizer === 'sgd' ? 0.01 : d.lr),
    schedule,
    stepSize: num(sched.step_size) ?? d.stepSize,
    gamma: num(sched.gamma) ?? d.gamma,
    seed: num(t.seed) ?? d.seed,
    valSplit: num(t.val_split) ?? d.valSplit,
  };
}

/** The training section with the panel's settings written in; other fields are kept as they were. */
export function writeSettings(training: Section | undefined, s: TrainSettings): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(training ?? {}) };
  if (s.dataset) out.dataset = s.dataset;
  else delete out.dataset;
  // A step count ("steps") stands until the user sets the epochs: then the run trains for epochs, here and in the CLI.
  if (s.epochs !== readSettings(training).epochs) delete out.steps;
  out.epochs = s.epochs;
  out.batch_size = s.batchSize;
  out.optimizer = s.optimizer;
  out.lr = s.lr;
  const old = typeof out.schedule === 'object' && out.schedule !== null ? (out.schedule as Record<string, unknown>) : {};
  const warmup = { ...(old.warmup_steps !== undefined ? { warmup_steps: old.warmup_steps } : {}), ...(old.warmup_start_factor !== undefined ? { warmup_start_factor: old.warmup_start_factor } : {}) };
  if (s.schedule === 'constant' && Object.keys(warmup).length === 0) delete out.schedule;
  else out.schedule = scheduleOf(s, undefined, warmup);
  out.seed = s.seed;
  out.val_split = s.valSplit;
  return out;
}

function scheduleOf(s: TrainSettings, totalSteps: number | undefined, warmup: Section = {}): Record<string, unknown> {
  if (s.schedule === 'step') return { kind: 'step', step_size: s.stepSize, gamma: s.gamma, ...warmup };
  // Cosine anneals over the whole run: T_max is the run's step count once known.
  if (s.schedule === 'cosine') return { kind: 'cosine', T_max: totalSteps ?? Math.max(1, s.epochs), eta_min: 0, ...warmup };
  return { kind: 'constant', ...warmup };
}

/** One line per setting that cannot train, for a person; empty when all are fine. */
export function checkSettings(s: TrainSettings): string[] {
  const problems: string[] = [];
  if (!s.dataset) problems.push('Choose a dataset.');
  if (!Number.isInteger(s.epochs) || s.epochs < 1) problems.push('Epochs must be a whole number of at least 1.');
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1 || s.batchSize > 65536) problems.push('Batch size must be a whole number from 1 to 65536.');
  if (!(s.lr > 0) || !Number.isFinite(s.lr)) problems.push('The learning rate must be a number above 0.');
  if (!Number.isInteger(s.seed) || s.seed < 0) problems.push('The seed must be a whole number of at least 0.');
  if (!(s.valSplit >= 0 && s.valSplit <= 0.9)) problems.push('The validation split must be between 0 and 0.9.');
  if (s.schedule === 'step' && (!Number.isInteger(s.stepSize) || s.stepSize < 1)) problems.push('The step schedule needs a step size of at least 1.');
  if (s.schedule === 'step' && !(s.gamma > 0)) problems.push('The step schedule needs a factor (gamma) above 0.');
  return problems;
}

/**
 * The Trainer's configuration for these settings; `stepsPerEpoch` sizes a cosine schedule to the run.
 * From the document's training section come what the panel does not edit, read as `layerloom train` reads
 * them: a warm-up kept in the schedule, "steps" (instead of epochs), momentum, weight_decay, beta1 (0.5 for
 * a GAN's Adam, as the command line's default), clip_norm and adversarial training. Throws
 * TrainingSectionError (one line) for a section setting that cannot work.
 */
export function toTrainConfig(s: TrainSettings, stepsPerEpoch: number, training?: Section, o: { readonly gan?: boolean } = {}): TrainConfig {
  const extras = readSectionExtras(training);
  const old = typeof training?.schedule === 'object' && training.schedule !== null ? (training.schedule as Record<string, unknown>) : {};
  const warmup = { ...(typeof old.warmup_steps === 'number' ? { warmup_steps: old.warmup_steps } : {}), ...(typeof old.warmup_start_factor === 'number' ? { warmup_start_factor: old.warmup_start_factor } : {}) };
  const schedule = scheduleOf(s, Math.max(1, extras.steps ?? stepsPerEpoch * s.epochs), warmup) as unknown as ScheduleSpec;
  const problems = checkSchedule(schedule);
  if (problems.length) throw new Error(`the learning-rate schedule is not valid: ${problems.join('; ')}`);
  const adam = s.optimizer === 'adam' || s.optimizer === 'adamw';
  const beta1 = adam ? (extras.beta1 ?? (o.gan ? 0.5 : undefined)) : undefined;
  const params = {
    lr: s.lr,
    ...(extras.momentum !== undefined ? { momentum: extras.momentum } : {}),
    ...(extras.weightDecay !== undefined ? { weight_decay: extras.weightDecay } : {}),
    ...(beta1 !== undefined ? { beta1 } : {}),
  };
  return {
    ...(extras.steps !== undefined ? { steps: extras.steps } : { epochs: s.epochs }),
    batchSize: s.batchSize,
    optimizer: { kind: OPTIMIZER_KIND[s.optimizer], params },
    lr: s.lr,
    schedule,
    seed: s.seed,
    valSplit: s.valSplit,
    ...(extras.clipNorm !== undefined ? { clipNorm: extras.clipNorm } : {}),
    ...(extras.adversarial && !o.gan ? { adversarial: extras.adversarial } : {}),
  };
}
