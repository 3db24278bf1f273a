import { describe, expect, it } from 'vitest';
import { batchCount, batches, gatherBatch } from '../../../runtime/data/batches';
import type { Dataset } from '../../../runtime/data/dataset';
import { DataError } from '../../../runtime/data/errors';

/** 5 samples: x [2, 1] float32 = (10i, 10i + 1), t [3] int64 = (i, i, i), y [] int64 = i mod 2. */
function tiny(): Dataset {
  const n = 5;
  const x = new Float32Array(n * 2);
  const t = new Int32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set([10 * i, 10 * i + 1], 2 * i);
    t.set([i, i, i], 3 * i);
    y[i] = i % 2;
  }
  return {
    info: { name: 'tiny', title: 'Tiny', description: 'test', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
    size: n,
    inputs: { x: { shape: [2, 1], dtype: 'float32' }, t: { shape: [3], dtype: 'int64' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, t, y },
  };
}

const order = Int32Array.from([4, 0, 3, 1, 2]);

describe('batches', () => {
  it('gathers samples in index order into contiguous buffers, int64 as BigInt64Array', () => {
    const bs = [...batches(tiny(), order, 2)];
    expect(bs.map((b) => [b.size, b.real])).toEqual([[2, 2], [2, 2], [1, 1]]);
    const [b0] = bs;
    expect(b0!.arrays.x).toBeInstanceOf(Float32Array);
    expect(Array.from(b0!.arrays.x as Float32Array)).toEqual([40, 41, 0, 1]);
    expect(b0!.arrays.t).toBeInstanceOf(BigInt64Array);
    expect(Array.from(b0!.arrays.t as BigInt64Array)).toEqual([4n, 4n, 4n, 0n, 0n, 0n]);
    expect(Array.from(b0!.arrays.y as BigInt64Array)).toEqual([0n, 0n]);
    expect(b0!.shapes).toEqual({ x: [2, 2, 1], t: [2, 3], y: [2] });
    expect(Array.from(bs[2]!.arrays.x as Float32Array)).toEqual([20, 21]);
    expect(Array.from(bs[2]!.indices)).toEqual([2]);
  });

  it('widens negative and large int64 values exactly (ignore_index −100, −1, −2³¹, 2³¹ − 1)', () => {
    const values = [-100, -1, 0, 2147483647, -2147483648, 7];
    const ds: Dataset = {
      info: { name: 'ids', title: 'Ids', description: 'test', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
      size: 3,
      inputs: { t: { shape: [2], dtype: 'int64' } },
      targets: {},
      arrays: { t: Int32Array.from(values) },
    };
    const b = gatherBatch(ds, Int32Array.from([2, 0, 1, 0]));
    expect(Array.from(b.arrays.t as BigInt64Array)).toEqual([-2147483648n, 7n, -100n, -1n, 0n, 2147483647n, -100n, -1n]);
  });

  it('dropLast leaves out the short last batch', () => {
    const bs = [...batches(tiny(), order, 2, { dropLast: true })];
    expect(bs.map((b) => Array.from(b.indices))).toEqual([[4, 0], [3, 1]]);
    expect(batchCount(5, 2, { dropLast: true })).toBe(2);
    expect(batchCount(5, 2)).toBe(3);
  });

  it('pad fills the last batch by repeating samples from the start and reports how many are real', () => {
    const bs = [...batches(tiny(), order, 4, { pad: true })];
    expect(bs).toHaveLength(2);
    const last = bs[1]!;
    expect(last.size).toBe(4);
    expect(last.real).toBe(1);
    expect(Array.from(last.indices)).toEqual([2, 4, 0, 3]);
    expect(Array.from(last.arrays.x as Float32Array)).toEqual([20, 21, 40, 41, 0, 1, 30, 31]);
    expect(last.shapes.x).toEqual([4, 2, 1]);
  });

  it('pads a batch larger than the whole index list by cycling through it', () => {
    const [b] = [...batches(tiny(), Int32Array.from([1, 3]), 5, { pad: true, names: ['y'] })];
    expect(Array.from(b!.indices)).toEqual([1, 3, 1, 3, 1]);
    expect(b!.real).toBe(2);
    expect(Object.keys(b!.arrays)).toEqual(['y']);
    expect(Array.from(b!.arrays.y as BigInt64Array)).toEqual([1n, 1n, 1n, 1n, 1n]);
  });

  it('gatherBatch copies, so changing a batch leaves the dataset alone', () => {
    const ds = tiny();
    const b = gatherBatch(ds, Int32Array.from([1]));
    (b.arrays.x as Float32Array)[0] = 99;
    expect(ds.arrays.x![2]).toBe(10);
  });

  it('refuses bad options and bad indices with a DataError', () => {
    const ds = tiny();
    expect(() => [...batches(ds, order, 0)]).toThrow('the batch size must be a whole number of at least 1, not 0');
    expect(() => [...batches(ds, order, 2, { pad: true, dropLast: true })]).toThrow(DataError);
    expect(() => [...batches(ds, order, 2, { names: ['z'] })]).toThrow("dataset 'tiny' has no array named 'z'");
    expect(() => [...batches(ds, Int32Array.from([5]), 2)]).toThrow("sample index 5 is outside dataset 'tiny' (5 samples)");
  });
});
