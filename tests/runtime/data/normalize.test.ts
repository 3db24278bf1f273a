import { describe, expect, it } from 'vitest';
import type { ArrayData, ArraySpec, Dataset } from '../../../runtime/data/dataset';
import { applyNormStats, computeNormStats, defaultAxis, denormalizeArray, normalizeArray } from '../../../runtime/data/normalize';
import { spirals } from '../../../runtime/data/builtin/toy2d';
import { splitIndices } from '../../../runtime/data/split';

function dataset(x: ArraySpec, data: ArrayData, size: number): Dataset {
  return {
    info: { name: 'd', title: 'D', description: 'test', origin: 'test', task: 'regression', defaultSplit: { val: 0, test: 0 } },
    size,
    inputs: { x },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x: data, y: new Int32Array(size) },
  };
}

describe('normalisation statistics', () => {
  it('are per feature for [F] inputs and use only the training indices', () => {
    // sample i = (i, 10 i); samples 0, 1, 2 are training, 3 is an outlier outside the split
    const ds = dataset({ shape: [2], dtype: 'float32' }, Float32Array.from([0, 0, 1, 10, 2, 20, 1000, 10000]), 4);
    const s = computeNormStats(ds, Int32Array.from([0, 1, 2]));
    expect(s.axis).toBe('feature');
    expect(Array.from(s.mean)).toEqual([1, 10]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(2 / 3), 6);
    expect(s.std[1]).toBeCloseTo(10 * Math.sqrt(2 / 3), 5);
    const n = applyNormStats(ds, s);
    const x = n.arrays.x as Float32Array;
    expect(x[0]).toBeCloseTo(-1.2247, 4);
    expect(x[3]).toBeCloseTo(0, 6);
    expect(x[5]).toBeCloseTo(1.2247, 4);
    expect(ds.arrays.x![0]).toBe(0); // the original is untouched
    expect(n.arrays.y).toBe(ds.arrays.y);
  });

  it('are per channel for [C, H, W] images', () => {
    // 2 samples of [2, 1, 2]: channel 0 holds 1..4, channel 1 holds 10, 10, 30, 30
    const data = Float32Array.from([1, 2, 10, 10, 3, 4, 30, 30]);
    const ds = dataset({ shape: [2, 1, 2], dtype: 'float32' }, data, 2);
    const s = computeNormStats(ds, Int32Array.from([0, 1]));
    expect(s.axis).toBe('channel');
    expect(Array.from(s.mean)).toEqual([2.5, 20]);
    expect(s.std[0]).toBeCloseTo(Math.sqrt(1.25), 6);
    expect(s.std[1]).toBeCloseTo(10, 6);
    const x = normalizeArray(data, s);
    expect(x[2]).toBeCloseTo(-1, 6);
    expect(x[6]).toBeCloseTo(1, 6);
    expect(Array.from(denormalizeArray(x, s)).map((v) => Math.round(v * 1000) / 1000)).toEqual(Array.from(data));
  });

  it('give a constant feature a std of 1 (centred only), and "all" pools every value', () => {
    const ds = dataset({ shape: [2], dtype: 'float32' }, Float32Array.from([5, 0, 5, 2]), 2);
    const s = computeNormStats(ds, Int32Array.from([0, 1]));
    expect(Array.from(s.std)).toEqual([1, 1]);
    expect(Array.from(s.mean)).toEqual([5, 1]);
    const all = computeNormStats(ds, Int32Array.from([0, 1]), { axis: 'all' });
    expect(Array.from(all.mean)).toEqual([3]);
    expect(defaultAxis([20, 1])).toBe('feature');
    expect(defaultAxis([3, 32, 32])).toBe('channel');
  });

  it('normalise the training split of spirals to mean 0 and std 1', async () => {
    const ds = await spirals.load({ seed: 5, size: 600 });
    const split = splitIndices(ds.size, ds.info.defaultSplit, 5);
    const n = applyNormStats(ds, computeNormStats(ds, split.train));
    const after = computeNormStats(n, split.train);
    for (let f = 0; f < 2; f++) {
      expect(after.mean[f]).toBeCloseTo(0, 5);
      expect(after.std[f]).toBeCloseTo(1, 5);
    }
  });

  it('refuse int64 arrays, missing arrays, an empty split and mismatched statistics', () => {
    const ds = dataset({ shape: [2], dtype: 'float32' }, Float32Array.from([1, 2]), 1);
    expect(() => computeNormStats(ds, Int32Array.from([0]), { name: 'y' })).toThrow("'y' of dataset 'd' holds int64 ids or labels");
    expect(() => computeNormStats(ds, Int32Array.from([0]), { name: 'q' })).toThrow("dataset 'd' has no array named 'q'");
    expect(() => computeNormStats(ds, new Int32Array(0))).toThrow('from an empty training split');
    const other = dataset({ shape: [1], dtype: 'float32' }, Float32Array.from([1]), 1);
    expect(() => applyNormStats(other, computeNormStats(ds, Int32Array.from([0])))).toThrow("the statistics are for [2] but 'x' of 'd' is [1]");
  });
});
