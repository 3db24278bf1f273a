/**
 * Learning-rate schedules as pure functions of the step, computed as torch.optim.lr_scheduler does.
 *
 * `step` counts scheduler steps taken so far, from 0: with `scheduler.step()` called after every optimizer
 * step, step k gives the rate of optimizer step k + 1 (t = k + 1); with `scheduler.step()` once per epoch, it
 * is the 0-based epoch. The runtime feeds the result to the train-step graph's `lr` input, so changing the
 * schedule never recompiles the graph.
 *
 *   constant   η(s) = η₀
 *   step       η(s) = η₀·γ^⌊s / step_size⌋                              (StepLR)
 *   cosine     η(s) = η_min + (η₀ − η_min)·(1 + cos(π·s / T_max)) / 2     (CosineAnnealingLR, closed form)
 *
 * With `warmup_steps` W > 0 the rate first rises linearly from start_factor·η₀ to η₀, then the schedule above
 * starts from its own step 0:
 *
 *   η(s) = η₀·(f + (1 − f)·s / W)   for s < W                            (LinearLR)
 *   η(s) = base(s − W)              for s ≥ W                            (SequentialLR, milestones=[W])
 *
 * PyTorch: torch.optim.lr_scheduler.StepLR, CosineAnnealingLR, LinearLR, SequentialLR
 */

/** The schedule after the warm-up. */
export type BaseScheduleSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly step_size: number; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly T_max: number; readonly eta_min: number };

/** Optional linear warm-up, shared by every schedule kind. */
export interface WarmupSpec {
  /** Steps of linear warm-up before the schedule starts (0 or absent: none). */
  readonly warmup_steps?: number;
  /** The warm-up's first rate as a fraction of the base rate, in (0, 1]; torch LinearLR's start_factor. */
  readonly warmup_start_factor?: number;
}

/** A learning-rate schedule, as data (documents, CLI configs). */
export type ScheduleSpec = BaseScheduleSpec & WarmupSpec;

/** 'constant' | 'step' | 'cosine'. */
export type ScheduleKind = ScheduleSpec['kind'];

/** The schedule kinds, for menus and the CLI. */
export const scheduleKinds: readonly ScheduleKind[] = ['constant', 'step', 'cosine'];

/** torch.optim.lr_scheduler.LinearLR's default start_factor. */
export const DEFAULT_WARMUP_START_FACTOR = 1 / 3;

/** Exhaustiveness check for switches over unions; reaching it is a bug. */
function assertNever(x: never): never {
  throw new Error(`unexpected schedule ${JSON.stringify(x)}`);
}

/** The rate of the schedule after the warm-up, `s` steps after it started. */
function baseRateAt(baseLr: number, spec: BaseScheduleSpec, s: number): number {
  switch (spec.kind) {
    case 'constant':
      return baseLr;
    case 'step':
      return baseLr * Math.pow(spec.gamma, Math.floor(s / spec.step_size));
    case 'cosine':
      // NOTE: past T_max the curve rises again (period 2·T_max), as torch's CosineAnnealingLR does.
      return spec.eta_min + ((baseLr - spec.eta_min) * (1 + Math.cos((Math.PI * s) / spec.T_max))) / 2;
    default:
      return assertNever(spec);
  }
}

/** The learning rate at the 0-based scheduler step `step` (see the file comment). */
export function learningRateAt(baseLr: number, spec: ScheduleSpec, step: number): number {
  const warmup = spec.warmup_steps ?? 0;
  if (step < warmup) {
    const f = spec.warmup_start_factor ?? DEFAULT_WARMUP_START_FACTOR;
    return baseLr * (f + ((1 - f) * step) / warmup);
  }
  return baseRateAt(baseLr, spec, step - warmup);
}

/** Problems with a schedule's numbers, as messages for a student; empty when it is valid. */
export function checkSchedule(spec: ScheduleSpec): string[] {
  const problems: string[] = [];
  const isCount = (v: number) => Number.isInteger(v) && v >= 1;
  switch (spec.kind) {
    case 'constant':
      break;
    case 'step':
      if (!isCount(spec.step_size)) problems.push('step_size must be a whole number of at least 1.');
      if (!(spec.gamma > 0)) problems.push('gamma must be greater than 0.');
      break;
    case 'cosine':
      if (!isCount(spec.T_max)) problems.push('T_max must be a whole number of at least 1.');
      if (!(spec.eta_min >= 0)) problems.push('eta_min must be at least 0.');
      break;
    default:
      return assertNever(spec);
  }
  const w = spec.warmup_steps;
  if (w !== undefined && !(Number.isInteger(w) && w >= 0)) problems.push('warmup_steps must be a whole number of at least 0.');
  const f = spec.warmup_start_factor;
  if (f !== undefined && !(f > 0 && f <= 1)) problems.push('warmup_start_factor must be above 0 and at most 1.');
  return problems;
}

/** A one-line description of a schedule for the training panel and the CLI, e.g. `StepLR: ×0.1 every 10 steps`. */
export function describeSchedule(spec: ScheduleSpec): string {
  const base = ((): string => {
    switch (spec.kind) {
      case 'constant':
        return 'constant learning rate';
      case 'step':
        return `StepLR: ×${spec.gamma} every ${spec.step_size} step${spec.step_size === 1 ? '' : 's'}`;
      case 'cosine':
        return `CosineAnnealingLR: cosine from lr down to ${spec.eta_min} over ${spec.T_max} step${spec.T_max === 1 ? '' : 's'}`;
      default:
        return assertNever(spec);
    }
  })();
  const w = spec.warmup_steps ?? 0;
  if (w <= 0) return base;
  const f = spec.warmup_start_factor ?? DEFAULT_WARMUP_START_FACTOR;
  const from = f === DEFAULT_WARMUP_START_FACTOR ? '1/3' : `${f}`;
  return `linear warm-up from ${from}·lr to lr over ${w} step${w === 1 ? '' : 's'}, then ${base}`;
}
