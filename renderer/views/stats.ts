/**
 * The arithmetic behind the teaching views, as pure functions over flat Float32Arrays (no DOM, no React):
 * class predictions, the confusion matrix with per-class accuracy, histograms of weights and gradients,
 * and a two-component PCA for embedding scatters. Checked against NumPy and PyTorch in
 * tests/renderer/train-stats.test.ts.
 */

/** The index of the largest value in each row of an n × c matrix (the predicted class of each logit row). */
export function argmaxRows(logits: ArrayLike<number>, n: number, c: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestValue = -Infinity;
    for (let j = 0; j < c; j++) {
      const v = logits[i * c + j]!;
      if (v > bestValue) {
        bestValue = v;
        best = j;
      }
    }
    out[i] = best;
  }
  return out;
}

export interface Confusion {
  readonly classes: number;
  /** counts[t · classes + p]: samples of true class t predicted as p (rows: truth, columns: prediction). */
  readonly counts: Int32Array;
  /** Per true class: the fraction predicted correctly (recall); NaN for a class with no samples. */
  readonly perClass: Float64Array;
  readonly accuracy: number;
  readonly total: number;
}

/** The confusion matrix of `truth` against `predicted` (labels outside 0…classes−1 are skipped). */
export function confusionMatrix(truth: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): Confusion {
  const counts = new Int32Array(classes * classes);
  let total = 0;
  let right = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (!(t >= 0 && t < classes && p >= 0 && p < classes)) continue;
    counts[t * classes + p]!++;
    total++;
    if (t === p) right++;
  }
  const perClass = new Float64Array(classes);
  for (let t = 0; t < classes; t++) {
    let row = 0;
    for (let p = 0; p < classes; p++) row += counts[t * classes + p]!;
    perClass[t] = row === 0 ? NaN : counts[t * classes + t]! / row;
  }
  return { classes, counts, perClass, accuracy: total === 0 ? NaN : right / total, total };
}

export interface Histogram {
  /** bins + 1 edges, from the smallest to the largest value. */
  readonly edges: Float64Array;
  readonly counts: Int32Array;
  /** Values that were NaN or infinite, left out of the bins. */
  readonly nonFinite: number;
}

/**
 * Equal-width bins over [min, max] of the finite values, each bin holding [edge_i, edge_i+1) and the last
 * one its right edge too (numpy.histogram's convention). All-equal values give one bin around them.
 */
export function histogram(values: ArrayLike<number>, bins: number): Histogram {
  let lo = Infinity;
  let hi = -Infinity;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      nonFinite++;
      continue;
    }
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === Infinity) return { edges: Float64Array.of(0, 1), counts: new Int32Array(1), nonFinite };
  // numpy widens an empty range to [v − 0.5, v + 0.5].
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const edges = new Float64Array(bins + 1);
  for (let i = 0; i <= bins; i++) edges[i] = lo + ((hi - lo) * i) / bins;
  const counts = new Int32Array(bins);
  const scale = bins / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    let b = Math.floor((v - lo) * scale);
    if (b >= bins) b = bins - 1;
    // Floating-point rounding can put a value on the wrong side of an edge: settle it against the edges.
    if (b > 0 && v < edges[b]!) b--;
    else if (b < bins - 1 && v >= edges[b + 1]!) b++;
    counts[b]!++;
  }
  return { edges, counts, nonFinite };
}

/** The L2 norm of a vector (a layer's gradient, for the gradient-norm-over-time plot). */
export function l2norm(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]! * values[i]!;
  return Math.sqrt(s);
}

export interface Pca2 {
  /** n × 2 coordinates of the centred rows on the two principal axes. */
  readonly points: Float64Array;
  /** The two unit axes, each of length d; each axis's largest-magnitude entry is positive. */
  readonly axes: readonly [Float64Array, Float64Array];
  /** Fraction of the total variance each axis explains. */
  readonly explained: readonly [number, number];
}

/**
 * The first two principal components of n rows of d values (an Embedding's weight: one row per token),
 * by power iteration with deflation on the d × d covariance. Deterministic: it starts from a fixed vector.
 */
export function pca2(data: ArrayLike<number>, n: number, d: number): Pca2 {
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += data[i * d + j]! / n;
  const cov = new Float64Array(d * d);
  for (let i = 0; i < n; i++)
    for (let a = 0; a < d; a++) {
      const xa = data[i * d + a]! - mean[a]!;
      for (let b = a; b < d; b++) cov[a * d + b]! += (xa * (data[i * d + b]! - mean[b]!)) / Math.max(1, n - 1);
    }
  for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) cov[a * d + b] = cov[b * d + a]!;
  let trace = 0;
  for (let a = 0; a < d; a++) trace += cov[a * d + a]!;

  const axes: Float64Array[] = [];
  const values: number[] = [];
  const work = Float64Array.from(cov);
  for (let k = 0; k < 2; k++) {
    let v = new Float64Array(d);
    for (let j = 0; j < d; j++) v[j] = 1 + j / d;
    let lambda = 0;
    for (let it = 0; it < 500; it++) {
      const next = new Float64Array(d);
      for (let a = 0; a < d; a++) {
        let s = 0;
        for (let b = 0; b < d; b++) s += work[a * d + b]! * v[b]!;
        next[a] = s;
      }
      const norm = Math.hypot(...next);
      if (norm === 0) break;
      for (let j = 0; j < d; j++) next[j]! /= norm;
      let delta = 0;
      for (let j = 0; j < d; j++) delta = Math.max(delta, Math.abs(next[j]! - v[j]!));
      v = next;
      lambda = norm;
      if (delta < 1e-12) break;
    }
    // Sign convention: the largest-magnitude entry is positive, so the plot does not flip between updates.
    let big = 0;
    for (let j = 1; j < d; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    if (v[big]! < 0) for (let j = 0; j < d; j++) v[j] = -v[j]!;
    axes.push(v);
    values.push(lambda);
    // Deflate: remove this component so the next iteration finds the second.
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) work[a * d + b]! -= lambda * v[a]! * v[b]!;
  }
  while (axes.length < 2) axes.push(new Float64Array(d));
  const points = new Float64Array(n * 2);
  for (let i = 0; i < n; i++)
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += (data[i * d + j]! - mean[j]!) * axes[k]![j]!;
      points[i * 2 + k] = s;
    }
  return {
    points,
    axes: [axes[0]!, axes[1]!],
    explained: [trace > 0 ? (values[0] ?? 0) / trace : 0, trace > 0 ? (values[1] ?? 0) / trace : 0],
  };
}
