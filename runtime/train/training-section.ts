/**
 * The settings of a graph's training section that the training panel does not edit (docs/graph-format.md,
 * "The training section"): the dataset's options, a separate validation set, a step count, the optimizer's
 * extra parameters, gradient clipping, WGAN settings, adversarial training and the diffusion marker. The
 * panel's runs honour them exactly as `layerloom train` does, so a template trains the same way in the
 * app and on the command line. Browser-safe; a setting that cannot work throws TrainingSectionError with
 * one line for a person.
 */
import { GAN_OBJECTIVES, type GanObjective } from '../../graph-core/train/gan-step';
import { AttackSpecError, resolveAttack, type AttackSpec } from './attack';

export class TrainingSectionError extends Error {}

export interface ValidationSpec {
  readonly dataset: string;
  readonly options: Readonly<Record<string, unknown>>;
  readonly seed?: number;
}

export type AdversarialSpec = AttackSpec & { readonly fraction?: number };

export interface SectionExtras {
  /** Options of the section's own dataset ("dataset_options"); empty when there are none. */
  readonly datasetOptions: Readonly<Record<string, unknown>>;
  readonly validation?: ValidationSpec;
  /** Optimizer steps to train ("steps"), which take the place of epochs. */
  readonly steps?: number;
  readonly momentum?: number;
  readonly weightDecay?: number;
  /** Adam's β1 ("beta1"). */
  readonly beta1?: number;
  readonly clipNorm?: number;
  readonly ganObjective?: GanObjective;
  readonly nCritic?: number;
  /** WGAN weight clipping bound ("clip_value"). */
  readonly clipValue?: number;
  readonly adversarial?: AdversarialSpec;
  /** The section names a diffusion setup ("diffusion"). */
  readonly diffusion: boolean;
}

type Section = Readonly<Record<string, unknown>>;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function number(t: Section, key: string, o: { int?: boolean; min?: number; max?: number; exclusiveMin?: boolean } = {}): number | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!o.int || Number.isInteger(v)) &&
    (o.min === undefined || (o.exclusiveMin ? v > o.min : v >= o.min)) &&
    (o.max === undefined || v <= o.max);
  if (!ok) {
    const range = [o.min !== undefined ? `${o.exclusiveMin ? '>' : '≥'} ${o.min}` : '', o.max !== undefined ? `≤ ${o.max}` : ''].filter(Boolean).join(' and ');
    throw new TrainingSectionError(`the training section's ${key} must be ${o.int ? 'a whole number' : 'a number'}${range ? ` ${range}` : ''}, not ${JSON.stringify(v)}`);
  }
  return v;
}

/** The section's "validation": {"dataset": NAME, "dataset_options": {...}, "seed": S}, checked. */
export function readValidation(raw: unknown): ValidationSpec | undefined {
  if (raw === undefined) return undefined;
  const v = (isObject(raw) ? raw : {}) as Record<string, unknown>;
  const opts = v.dataset_options;
  if (!isObject(raw) || typeof v.dataset !== 'string' || v.dataset === '')
    throw new TrainingSectionError('the training section\'s validation must be an object naming a dataset, e.g. {"dataset": "synthdigits", "dataset_options": {"size": 1000}}');
  if (opts !== undefined && !isObject(opts)) throw new TrainingSectionError('validation.dataset_options must be an object, e.g. {"size": 1000}');
  if (v.seed !== undefined && !(typeof v.seed === 'number' && Number.isInteger(v.seed) && v.seed >= 0)) throw new TrainingSectionError('validation.seed must be a whole number ≥ 0');
  const extra = Object.keys(v).filter((k) => !['dataset', 'dataset_options', 'seed'].includes(k));
  if (extra.length) throw new TrainingSectionError(`validation has unknown key${extra.length > 1 ? 's' : ''} ${extra.map((k) => `"${k}"`).join(', ')} (known: dataset, dataset_options, seed)`);
  return { dataset: v.dataset, options: (opts ?? {}) as Record<string, unknown>, ...(v.seed !== undefined ? { seed: v.seed as number } : {}) };
}

/**
 * An attack object as the section writes it ({"attack": "fgsm"|"pgd", "eps", "alpha", "steps", "random_start",
 * "clamp": [lo, hi], "fraction"}), checked; `name` says where it came from in messages (e.g. "adversarial").
 */
export function readAttackSpec(raw: unknown, name: string): AdversarialSpec | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) throw new TrainingSectionError(`${name} must be an object, e.g. {"attack": "pgd", "eps": 0.1}`);
  const kind = raw.attack ?? 'pgd';
  if (kind !== 'fgsm' && kind !== 'pgd') throw new TrainingSectionError(`${name} must be fgsm or pgd, not "${String(kind)}"`);
  const n = (k: string) => (typeof raw[k] === 'number' ? (raw[k] as number) : undefined);
  const clamp = raw.clamp;
  let range: [number, number] | undefined;
  if (clamp !== undefined) {
    if (!(Array.isArray(clamp) && clamp.length === 2 && typeof clamp[0] === 'number' && typeof clamp[1] === 'number' && clamp[0] < clamp[1]))
      throw new TrainingSectionError(`${name}'s clamp must be [lo, hi] with lo < hi, e.g. [0, 1]`);
    range = [clamp[0], clamp[1]];
  }
  const fraction = n('fraction');
  if (fraction !== undefined && !(fraction > 0 && fraction <= 1)) throw new TrainingSectionError(`${name}'s fraction must be > 0 and ≤ 1, not ${fraction}`);
  const spec: AdversarialSpec = {
    kind,
    eps: n('eps') ?? 0.1,
    ...(n('alpha') !== undefined ? { alpha: n('alpha')! } : {}),
    ...(n('steps') !== undefined ? { steps: n('steps')! } : {}),
    randomStart: raw.random_start !== false,
    ...(range ? { range } : {}),
    ...(fraction !== undefined ? { fraction } : {}),
  };
  try {
    resolveAttack(spec);
  } catch (e) {
    if (e instanceof AttackSpecError) throw new TrainingSectionError(`${name}: ${e.message}`);
    throw e;
  }
  return spec;
}

/** The section's dataset_options as a built-in's load options: `size` is the sample count, the rest its generator options. */
export function builtinLoadOptions(name: string, raw: Readonly<Record<string, unknown>>, known: readonly string[]): { size?: number; options?: Record<string, unknown> } {
  const { size, ...options } = raw;
  if (size !== undefined && (typeof size !== 'number' || !Number.isInteger(size) || size < 1))
    throw new TrainingSectionError(`dataset_options.size must be a whole number ≥ 1, not ${JSON.stringify(size)}`);
  const unknown = Object.keys(options).filter((k) => !known.includes(k));
  if (unknown.length)
    throw new TrainingSectionError(`dataset '${name}' has no option${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (${known.length ? `its options: size, ${known.join(', ')}` : 'its only option is size'})`);
  return { ...(size !== undefined ? { size } : {}), ...(Object.keys(options).length ? { options } : {}) };
}

/** Everything of the section beyond the panel's own fields, checked. */
export function readSectionExtras(training: Section | undefined): SectionExtras {
  const t = training ?? {};
  const datasetOptions = t.dataset_options;
  if (datasetOptions !== undefined && !isObject(datasetOptions)) throw new TrainingSectionError('the training section\'s dataset_options must be an object, e.g. {"size": 3000}');
  const ganLoss = t.gan_loss;
  if (ganLoss !== undefined && !(GAN_OBJECTIVES as readonly unknown[]).includes(ganLoss))
    throw new TrainingSectionError(`the training section's gan_loss must be ${GAN_OBJECTIVES.join(' or ')}, not ${JSON.stringify(ganLoss)}`);
  const wgan = ganLoss === 'wasserstein';
  const clipValue = number(t, 'clip_value', { min: 0, exclusiveMin: true });
  if (clipValue !== undefined && !wgan) throw new TrainingSectionError('weight clipping ("clip_value") is part of WGAN training: add "gan_loss": "wasserstein"');
  const values = {
    steps: number(t, 'steps', { int: true, min: 1 }),
    momentum: number(t, 'momentum', { min: 0, max: 1 }),
    weightDecay: number(t, 'weight_decay', { min: 0 }),
    beta1: number(t, 'beta1', { min: 0, max: 1 }),
    clipNorm: number(t, 'clip_norm', { min: 0, exclusiveMin: true }),
    // WGAN's own recipe (Arjovsky et al.): 5 critic steps per generator step, clipping at 0.01.
    nCritic: number(t, 'n_critic', { int: true, min: 1 }) ?? (wgan ? 5 : undefined),
    clipValue: clipValue ?? (wgan ? 0.01 : undefined),
  };
  const validation = readValidation(t.validation);
  const adversarial = readAttackSpec(t.adversarial, 'adversarial');
  return {
    datasetOptions: (datasetOptions ?? {}) as Record<string, unknown>,
    ...Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)),
    ...(ganLoss !== undefined ? { ganObjective: ganLoss as GanObjective } : {}),
    ...(validation ? { validation } : {}),
    ...(adversarial ? { adversarial } : {}),
    diffusion: t.diffusion !== undefined && t.diffusion !== false,
  };
}
