import { describe, expect, it } from 'vitest';
import { builtins_a } from '../../../runtime/data/builtin/index-a';
import { isBalanced } from '../../../runtime/data/builtin/sequence-tasks';
import type { Dataset } from '../../../runtime/data/dataset';
import { numelOf } from '../../../runtime/data/dataset';
import { DataError } from '../../../runtime/data/errors';
import { getBuiltin } from '../../../runtime/data/registry';

/** The documented shapes: [input shape, input dtype, target shape, target dtype]. */
const SHAPES: Record<string, [number[], string, number[], string]> = {
  spirals: [[2], 'float32', [], 'int64'],
  xor: [[2], 'float32', [], 'int64'],
  moons: [[2], 'float32', [], 'int64'],
  circles: [[2], 'float32', [], 'int64'],
  blobs: [[2], 'float32', [], 'int64'],
  gaussians8: [[2], 'float32', [], 'int64'],
  sine: [[1], 'float32', [1], 'float32'],
  timeseries: [[20, 1], 'float32', [1], 'float32'],
  copy: [[8], 'int64', [8], 'int64'],
  reverse: [[8], 'int64', [8], 'int64'],
  sort: [[8], 'int64', [8], 'int64'],
  addition: [[8], 'int64', [8], 'int64'],
  parity: [[16], 'int64', [], 'int64'],
  brackets: [[12], 'int64', [], 'int64'],
};

const N = 400;
const cache = new Map<string, Dataset>();
async function get(name: string, seed = 1, size = N): Promise<Dataset> {
  const key = `${name}/${seed}/${size}`;
  if (!cache.has(key)) cache.set(key, await getBuiltin(name)!.load({ seed, size }));
  return cache.get(key)!;
}

const sample = (ds: Dataset, name: string, i: number) => {
  const k = numelOf((ds.inputs[name] ?? ds.targets[name])!);
  return Array.from(ds.arrays[name]!.subarray(i * k, (i + 1) * k));
};
const rows = (ds: Dataset) => Array.from({ length: ds.size }, (_, i) => ({ x: sample(ds, 'x', i), y: sample(ds, 'y', i) }));

describe('group-a built-in datasets', () => {
  it('are registered, in the documented order', () => {
    expect(builtins_a.map((b) => b.info.name)).toEqual(Object.keys(SHAPES));
    for (const name of Object.keys(SHAPES)) expect(getBuiltin(name)).toBeDefined();
  });

  it.each(Object.entries(SHAPES))('%s has the documented shapes, metadata and a deterministic generator', async (name, [xs, xt, ys, yt]) => {
    const b = getBuiltin(name)!;
    const ds = await get(name);
    expect(ds.size).toBe(N);
    expect(ds.inputs).toEqual({ x: { shape: xs, dtype: xt } });
    expect(ds.targets).toEqual({ y: { shape: ys, dtype: yt } });
    expect(ds.arrays.x).toBeInstanceOf(xt === 'int64' ? Int32Array : Float32Array);
    expect(ds.arrays.y).toBeInstanceOf(yt === 'int64' ? Int32Array : Float32Array);
    expect(ds.arrays.x!.length).toBe(N * numelOf(ds.inputs.x!));
    expect(ds.arrays.y!.length).toBe(N * numelOf(ds.targets.y!));
    for (const v of ds.arrays.x!) expect(Number.isFinite(v)).toBe(true);

    const info = b.info;
    expect(info.origin).toBe('generated');
    expect(info.description.length).toBeGreaterThan(30);
    expect(info.lecture!.length).toBeGreaterThan(5);
    expect(info.defaultSplit.val + info.defaultSplit.test).toBeLessThan(1);
    expect(b.defaultSize).toBeGreaterThanOrEqual(1000);
    expect(b.defaultSize).toBeLessThanOrEqual(10000);
    if (yt === 'int64' && ys.length === 0) {
      // every class occurs, and labels are valid class indices
      const labels = new Set(ds.arrays.y!);
      expect([...labels].sort()).toEqual(info.classNames!.map((_, i) => i));
    }
    if (xt === 'int64') for (const v of ds.arrays.x!) expect(v >= 0 && v < info.vocab!.length).toBe(true);

    const again = await b.load({ seed: 1, size: N });
    expect(Array.from(again.arrays.x!)).toEqual(Array.from(ds.arrays.x!));
    expect(Array.from(again.arrays.y!)).toEqual(Array.from(ds.arrays.y!));
    const other = await b.load({ seed: 2, size: N });
    expect(Array.from(other.arrays.x!)).not.toEqual(Array.from(ds.arrays.x!));
  });

  it('load their default size when none is given, and refuse a bad size', async () => {
    const s = await getBuiltin('xor')!.load({ seed: 0 });
    expect(s.size).toBe(2000);
    await expect(getBuiltin('spirals')!.load({ seed: 0, size: 0 })).rejects.toThrow(DataError);
    await expect(getBuiltin('copy')!.load({ seed: 0, size: 2.5 })).rejects.toThrow("dataset 'copy': the size must be a whole number from 1 to 10,000,000, not 2.5");
  });
});

describe('what the 2-D datasets look like', () => {
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const byClass = async (name: string) => {
    const r = rows(await get(name));
    const k = Math.max(...r.map((s) => s.y[0]!)) + 1;
    return Array.from({ length: k }, (_, c) => r.filter((s) => s.y[0] === c).map((s) => s.x as [number, number]));
  };

  it('spirals: three balanced arms inside the unit disc, radius spread over [0, 1)', async () => {
    const arms = await byClass('spirals');
    expect(arms.map((a) => a.length)).toEqual([134, 133, 133]);
    const radii = arms.flat().map(([a, b]) => Math.hypot(a, b));
    expect(Math.max(...radii)).toBeLessThan(1);
    expect(mean(radii)).toBeCloseTo(0.5, 1);
    // sample i of arm c: its angle is about 4c + 4r (mod 2π), so the arms are rotated copies
    const angleError = arms.map((pts, c) =>
      mean(pts.map(([a, b]) => {
        const r = Math.hypot(a, b);
        const d = Math.atan2(a, b) - (4 * c + 4 * r);
        return Math.abs(Math.atan2(Math.sin(d), Math.cos(d)));
      })),
    );
    for (const e of angleError) expect(e).toBeLessThan(0.25);
  });

  it('xor: class 1 exactly when the coordinates have different signs', async () => {
    for (const { x, y } of rows(await get('xor'))) {
      expect(y[0]).toBe(x[0]! * x[1]! < 0 ? 1 : 0);
      expect(Math.min(Math.abs(x[0]!), Math.abs(x[1]!))).toBeGreaterThanOrEqual(0.05 - 1e-6);
    }
  });

  it('moons and circles: the class means and radii of make_moons / make_circles', async () => {
    const [upper, lower] = await byClass('moons');
    expect(mean(upper!.map((p) => p[0]))).toBeCloseTo(0, 1);
    expect(mean(upper!.map((p) => p[1]))).toBeCloseTo(2 / Math.PI, 1);
    expect(mean(lower!.map((p) => p[0]))).toBeCloseTo(1, 1);
    expect(mean(lower!.map((p) => p[1]))).toBeCloseTo(0.5 - 2 / Math.PI, 1);
    const [outer, inner] = await byClass('circles');
    expect(mean(outer!.map(([a, b]) => Math.hypot(a, b)))).toBeCloseTo(1, 1);
    expect(mean(inner!.map(([a, b]) => Math.hypot(a, b)))).toBeCloseTo(0.5, 1);
  });

  it('blobs and gaussians8: points cluster around their documented centres', async () => {
    const blobs = await byClass('blobs');
    blobs.forEach((pts, c) => {
      const a = Math.PI / 2 + (c * 2 * Math.PI) / 3;
      expect(Math.hypot(mean(pts.map((p) => p[0])) - 1.5 * Math.cos(a), mean(pts.map((p) => p[1])) - 1.5 * Math.sin(a))).toBeLessThan(0.15);
    });
    const modes = await byClass('gaussians8');
    expect(modes).toHaveLength(8);
    modes.forEach((pts, k) => {
      for (const [x, y] of pts) expect(Math.hypot(x - 2 * Math.cos((k * Math.PI) / 4), y - 2 * Math.sin((k * Math.PI) / 4))).toBeLessThan(0.12);
    });
  });
});

describe('what the regression datasets look like', () => {
  it('sine: y is sin(x) plus noise of std 0.1, x in [−π, π)', async () => {
    const r = rows(await get('sine'));
    const residual = r.map(({ x, y }) => y[0]! - Math.sin(x[0]!));
    const m = residual.reduce((a, b) => a + b, 0) / r.length;
    const sd = Math.sqrt(residual.reduce((a, b) => a + (b - m) ** 2, 0) / r.length);
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(sd).toBeCloseTo(0.1, 1);
    for (const { x } of r) expect(Math.abs(x[0]!)).toBeLessThanOrEqual(Math.PI);
  });

  it('timeseries: the next value continues the window (closer to the last value than the series spread)', async () => {
    const r = rows(await get('timeseries'));
    const jump = r.map(({ x, y }) => Math.abs(y[0]! - x[19]!));
    const spread = r.map(({ x }) => Math.max(...x) - Math.min(...x));
    expect(jump.reduce((a, b) => a + b) / r.length).toBeLessThan((0.5 * spread.reduce((a, b) => a + b)) / r.length);
    for (const { x } of r) expect(Math.max(...x.map(Math.abs))).toBeLessThan(2.5);
  });
});

describe('what the sequence tasks look like', () => {
  it('copy, reverse and sort: y is x copied, reversed, sorted', async () => {
    for (const { x, y } of rows(await get('copy'))) expect(y).toEqual(x);
    for (const { x, y } of rows(await get('reverse'))) expect(y).toEqual([...x].reverse());
    for (const { x, y } of rows(await get('sort'))) expect(y).toEqual([...x].sort((a, b) => a - b));
    expect(getBuiltin('sort')!.info.vocab).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('addition: x decodes to "a+b=" and y to the digits of a + b, padded with <pad> (id 0)', async () => {
    const ds = await get('addition');
    const vocab = ds.info.vocab!;
    expect(vocab[0]).toBe('<pad>');
    const decode = (ids: number[]) => ids.filter((t) => t !== 0).map((t) => vocab[t]).join('');
    let short = 0;
    for (const { x, y } of rows(ds)) {
      const m = /^(\d{1,3})\+(\d{1,3})=$/.exec(decode(x));
      expect(m).not.toBeNull();
      expect(decode(y)).toBe(String(Number(m![1]) + Number(m![2])));
      // padding only at the end
      expect(x.slice(decode(x).length).every((t) => t === 0)).toBe(true);
      if (m![1]!.length < 3) short++;
    }
    expect(short).toBeGreaterThan(N / 3);
  });

  it('parity: y is the number of ones mod 2, and the classes are about even', async () => {
    const r = rows(await get('parity'));
    for (const { x, y } of r) expect(y[0]).toBe(x.reduce((a, b) => a + b, 0) % 2);
    const odd = r.filter((s) => s.y[0] === 1).length;
    expect(odd).toBeGreaterThan(N * 0.4);
    expect(odd).toBeLessThan(N * 0.6);
  });

  it('brackets: half balanced, even lengths, padding at the end, labels right', async () => {
    const r = rows(await get('brackets'));
    let sameCounts = 0;
    for (const { x, y } of r) {
      const len = x.findIndex((t) => t === 0) === -1 ? x.length : x.findIndex((t) => t === 0);
      expect(len % 2).toBe(0);
      expect(x.slice(len).every((t) => t === 0)).toBe(true);
      const s = x.slice(0, len);
      expect(y[0]).toBe(isBalanced(s) ? 1 : 0);
      if (y[0] === 0 && s.filter((t) => t === 1).length === len / 2) sameCounts++;
    }
    expect(r.filter((s) => s.y[0] === 1)).toHaveLength(N / 2);
    // most unbalanced strings have as many ( as ), so counting is not enough
    expect(sameCounts).toBeGreaterThan(N / 2 / 2);
  });
});
