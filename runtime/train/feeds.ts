/**
 * The values of runtime-fed train-step inputs that are neither masks nor plain noise: a scheduled scalar
 * (GradientReversal's λ) and RandomShift's shift matrices. Both depend only on the seeded generator and the
 * run's progress, so a run is reproducible and a resumed run draws what an uninterrupted one would.
 */
import type { FeedSpec, Rng, TensorType } from '../../graph-core';

type ScheduleFeed = Extract<FeedSpec, { kind: 'schedule' }>;
type ShiftFeed = Extract<FeedSpec, { kind: 'shift' }>;

/**
 * The scheduled scalar at progress p ∈ [0, 1]: `constant` → value; `dann` → value·(2/(1 + e^(−γp)) − 1),
 * the λ_p of Ganin & Lempitsky, 0 at the start and ≈ value from p ≈ 0.5 on.
 */
export function scheduledValue(spec: ScheduleFeed, progress: number): number {
  if (spec.schedule === 'constant') return spec.value;
  const p = Math.min(1, Math.max(0, progress));
  return spec.value * (2 / (1 + Math.exp(-spec.gamma * p)) - 1);
}

/**
 * Fills `out` ([N, 1, S, S]) with one shift matrix per sample: M[i, j] = 1 where j = i − d (output row i
 * takes input row i − d), d uniform in {−maxShift … maxShift}; transposed, M[j, i] = 1 instead, for
 * multiplying from the right. With `circular`, j wraps around (torch.roll). Returns the shifts drawn, for tests and previews.
 */
export function fillShiftMatrices(out: Float32Array, type: TensorType, spec: ShiftFeed, rng: Rng): Int32Array {
  const [n, , s] = type.shape as readonly number[];
  const shifts = new Int32Array(n!);
  out.fill(0);
  for (let k = 0; k < n!; k++) {
    const d = rng.int(2 * spec.maxShift + 1) - spec.maxShift;
    shifts[k] = d;
    const base = k * s! * s!;
    for (let i = 0; i < s!; i++) {
      let j = i - d;
      if (spec.circular) j = (((j % s!) + s!) % s!);
      else if (j < 0 || j >= s!) continue;
      out[base + (spec.transposed ? j * s! + i : i * s! + j)] = 1;
    }
  }
  return shifts;
}
