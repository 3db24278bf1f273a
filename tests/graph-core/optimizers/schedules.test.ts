/**
 * Learning-rate schedules against torch.optim.lr_scheduler (torch 1.13): the rate before each of 50
 * `scheduler.step()` calls, for every kind with and without warm-up, in one Python call.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { checkSchedule, describeSchedule, learningRateAt, type ScheduleSpec } from '../../../graph-core/optimizers';
import { expectRelClose, torchReference, type ScheduleCase, type TorchResults } from './torch-optim';

const STEPS = 50;

const cases: readonly (ScheduleCase & { name: string })[] = [
  { name: 'constant', base_lr: 0.1, spec: { kind: 'constant' }, steps: STEPS },
  { name: 'constant after a 5-step warm-up (LinearLR)', base_lr: 0.1, spec: { kind: 'constant', warmup_steps: 5 }, steps: STEPS },
  { name: 'StepLR ×0.5 every 7 steps', base_lr: 0.1, spec: { kind: 'step', step_size: 7, gamma: 0.5 }, steps: STEPS },
  {
    name: 'StepLR after a 10-step warm-up from 0.1·lr (SequentialLR)',
    base_lr: 0.05,
    spec: { kind: 'step', step_size: 4, gamma: 0.9, warmup_steps: 10, warmup_start_factor: 0.1 },
    steps: STEPS,
  },
  { name: 'CosineAnnealingLR over 50 steps to 0.001', base_lr: 0.1, spec: { kind: 'cosine', T_max: 50, eta_min: 0.001 }, steps: STEPS },
  { name: 'CosineAnnealingLR past T_max (rises again)', base_lr: 0.3, spec: { kind: 'cosine', T_max: 20, eta_min: 0.01 }, steps: STEPS },
  {
    name: 'CosineAnnealingLR after a 5-step warm-up (SequentialLR)',
    base_lr: 1e-3,
    spec: { kind: 'cosine', T_max: 45, eta_min: 1e-5, warmup_steps: 5 },
    steps: STEPS,
  },
];

let torch: TorchResults;
beforeAll(() => {
  torch = torchReference({ schedules: cases });
});

describe('learningRateAt matches torch.optim.lr_scheduler over 50 steps', () => {
  cases.forEach((c, k) => {
    it(c.name, () => {
      const ours = Array.from({ length: c.steps }, (_, s) => learningRateAt(c.base_lr, c.spec, s));
      const theirs = torch.schedules[k]!.lrs;
      expect(theirs.length).toBe(STEPS);
      expectRelClose(ours, theirs, c.name);
      expect(ours[0]).toBe(c.spec.warmup_steps ? c.base_lr * (c.spec.warmup_start_factor ?? 1 / 3) : c.base_lr);
    });
  });
});

describe('schedules', () => {
  it('hits the closed-form values at their landmarks', () => {
    const cosine: ScheduleSpec = { kind: 'cosine', T_max: 10, eta_min: 0 };
    expect(learningRateAt(0.1, cosine, 5)).toBeCloseTo(0.05, 15);
    expect(learningRateAt(0.1, cosine, 10)).toBe(0);
    expect(learningRateAt(1, { kind: 'step', step_size: 3, gamma: 0.1 }, 6)).toBeCloseTo(0.01, 15);
    const warm: ScheduleSpec = { kind: 'cosine', T_max: 10, eta_min: 0, warmup_steps: 4, warmup_start_factor: 0.2 };
    expect([0, 1, 2, 3, 4].map((s) => learningRateAt(1, warm, s))).toEqual([0.2, 0.4, 0.6000000000000001, 0.8, 1]);
  });

  it('reports invalid numbers', () => {
    expect(checkSchedule({ kind: 'step', step_size: 0, gamma: 0.5 })).toHaveLength(1);
    expect(checkSchedule({ kind: 'cosine', T_max: 2.5, eta_min: -1, warmup_steps: -1, warmup_start_factor: 0 })).toHaveLength(4);
    expect(checkSchedule({ kind: 'constant', warmup_steps: 3 })).toEqual([]);
  });

  it('describes itself in one line', () => {
    expect(describeSchedule({ kind: 'constant' })).toBe('constant learning rate');
    expect(describeSchedule({ kind: 'step', step_size: 10, gamma: 0.1 })).toBe('StepLR: ×0.1 every 10 steps');
    expect(describeSchedule({ kind: 'cosine', T_max: 100, eta_min: 0, warmup_steps: 5 })).toBe(
      'linear warm-up from 1/3·lr to lr over 5 steps, then CosineAnnealingLR: cosine from lr down to 0 over 100 steps',
    );
  });
});
