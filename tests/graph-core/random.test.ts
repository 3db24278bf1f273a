import { describe, expect, it } from 'vitest';
import { Rng } from '../../graph-core';

describe('Rng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(7)));
    const b = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(7)));
    const c = Array.from({ length: 5 }, ((r) => () => r.next())(new Rng(8)));
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    for (const v of a) expect(v >= 0 && v < 1).toBe(true);
  });

  it('fillMask draws exactly what a loop of next() draws, and leaves the generator in the same state', () => {
    const slow = new Rng(42);
    const fast = new Rng(42);
    const expected = Float32Array.from({ length: 1000 }, () => (slow.next() < 0.7 ? 1 / 0.7 : 0));
    const got = new Float32Array(1000);
    fast.fillMask(got, 0.7, 1 / 0.7);
    expect(Array.from(got)).toEqual(Array.from(expected));
    expect(fast.next()).toBe(slow.next());
    const kept = got.filter((v) => v > 0).length;
    expect(kept).toBeGreaterThan(650);
    expect(kept).toBeLessThan(750);
  });

  it('draws standard normals with mean ≈ 0 and variance ≈ 1', () => {
    const r = new Rng(3);
    const xs = Array.from({ length: 20000 }, () => r.normal());
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});
