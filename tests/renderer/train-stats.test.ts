/**
 * The teaching views' arithmetic against NumPy and PyTorch (build/fixtures/dashboard_stats_reference.py run by
 * Debian's /usr/bin/python3): PCA axes, explained variance and projections, histogram edges and counts,
 * argmax predictions and the confusion matrix with per-class accuracy.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { Rng } from '../../graph-core';
import { argmaxRows, confusionMatrix, histogram, l2norm, pca2 } from '../../renderer/views/stats';

const rng = new Rng(42);
// Anisotropic cloud: 40 rows of 6 values with very different spreads, so the axes are well separated.
const n = 40;
const d = 6;
const spread = [5, 2.5, 1, 0.5, 0.2, 0.1];
const data = Float32Array.from({ length: n * d }, (_, i) => rng.normal() * spread[i % d]! + (i % d) * 0.3);
const values = Float32Array.from({ length: 500 }, () => rng.normal() * 0.7 + 0.1);
const classes = 4;
const truth = Array.from({ length: 120 }, () => Math.floor(rng.uniform(0, classes)));
// Logits that favour the true class most of the time.
const logits = Float32Array.from({ length: 120 * classes }, (_, i) => rng.normal() + (truth[Math.floor(i / classes)] === i % classes ? 1.2 : 0));

interface Expected {
  pca: { axes: number[][]; explained: number[]; points: number[] };
  hist: { counts: number[]; edges: number[] };
  confusion: { predicted: number[]; counts: number[]; per_class: (number | null)[]; accuracy: number };
}

function reference(): Expected {
  const input = JSON.stringify({
    pca: { data: Array.from(data), n, d },
    hist: { values: Array.from(values), bins: 12 },
    confusion: { truth, logits: Array.from(logits), classes },
  });
  const r = spawnSync('/usr/bin/python3', ['build/fixtures/dashboard_stats_reference.py'], { input, encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`the reference script failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Expected;
}

describe('teaching-view statistics against NumPy and PyTorch', () => {
  const ref = reference();

  it('pca2 finds the two principal axes, their explained variance and the projected points', () => {
    const p = pca2(data, n, d);
    for (let k = 0; k < 2; k++) for (let j = 0; j < d; j++) expect(p.axes[k]![j]).toBeCloseTo(ref.pca.axes[k]![j]!, 5);
    expect(p.explained[0]).toBeCloseTo(ref.pca.explained[0]!, 6);
    expect(p.explained[1]).toBeCloseTo(ref.pca.explained[1]!, 6);
    expect(p.explained[0]).toBeGreaterThan(p.explained[1]);
    for (let i = 0; i < n * 2; i++) expect(p.points[i]).toBeCloseTo(ref.pca.points[i]!, 4);
  });

  it('histogram matches numpy.histogram edges and counts, NaN and ±Inf left out', () => {
    const withBad = Float32Array.from([...values, NaN, Infinity, -Infinity]);
    const h = histogram(withBad, 12);
    expect(h.nonFinite).toBe(3);
    expect(Array.from(h.counts)).toEqual(ref.hist.counts);
    for (let i = 0; i <= 12; i++) expect(h.edges[i]).toBeCloseTo(ref.hist.edges[i]!, 6);
    // Equal values widen to one unit around them, like numpy.
    const flat = histogram([2, 2, 2], 4);
    expect(Array.from(flat.edges)).toEqual([1.5, 1.75, 2, 2.25, 2.5]);
    expect(Array.from(flat.counts)).toEqual([0, 0, 3, 0]);
  });

  it('argmaxRows and confusionMatrix match torch.argmax and torch.bincount, with per-class recall', () => {
    const predicted = argmaxRows(logits, 120, classes);
    expect(Array.from(predicted)).toEqual(ref.confusion.predicted);
    const c = confusionMatrix(truth, predicted, classes);
    expect(Array.from(c.counts)).toEqual(ref.confusion.counts);
    expect(c.total).toBe(120);
    expect(c.accuracy).toBeCloseTo(ref.confusion.accuracy, 12);
    ref.confusion.per_class.forEach((v, i) => (v === null ? expect(c.perClass[i]).toBeNaN() : expect(c.perClass[i]).toBeCloseTo(v, 12)));
  });

  it('confusionMatrix skips labels outside the classes and reports a class without samples as NaN', () => {
    const c = confusionMatrix([0, 0, 1, 5, -1], [0, 1, 1, 0, 0], 3);
    expect(Array.from(c.counts)).toEqual([1, 1, 0, 0, 1, 0, 0, 0, 0]);
    expect(c.total).toBe(3);
    expect(c.perClass[0]).toBe(0.5);
    expect(c.perClass[1]).toBe(1);
    expect(c.perClass[2]).toBeNaN();
  });

  it('l2norm is the Euclidean length', () => {
    expect(l2norm([3, 4])).toBe(5);
    expect(l2norm([])).toBe(0);
  });
});
