/**
 * The binary form of the handwritten digits (runtime/data/builtin/digits-binary.ts) that the app's builds ship:
 * decoded, it is bit for bit the Float32Array the Node JSON loader makes; a damaged file is one line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MNIST_COUNTS, digits, setDigitsSource, type MnistDigits } from '../../../runtime/data/builtin/digits';
import { decodeDigitsBinary, encodeDigitsBinary, fnv1a } from '../../../runtime/data/builtin/digits-binary';
import { DataError } from '../../../runtime/data/errors';
import { readDigitsBinary } from '../../../runtime/data/node/digits-file';
import { loadMnistDigits, mnistDigitsBinary } from '../../../runtime/data/node/mnist';

const bitsOf = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

/** The message of the DataError `f` throws (and that it is one line). */
function oneLine(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('no error was thrown');
}

describe('the binary form of the digits', () => {
  let json: MnistDigits;
  let bytes: Uint8Array;
  const dir = mkdtempSync(join(tmpdir(), 'll-digits-'));
  beforeAll(async () => {
    json = await loadMnistDigits();
    bytes = await mnistDigitsBinary();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('decodes bit-identical to the JSON loader: images, labels and counts per class', () => {
    const decoded = decodeDigitsBinary('mnist-digits.bin', bytes);
    expect(decoded.images.length).toBe(10_000 * 784);
    expect(Buffer.from(bitsOf(decoded.images).buffer).equals(Buffer.from(bitsOf(json.images).buffer))).toBe(true);
    expect(Array.from(decoded.labels)).toEqual(Array.from(json.labels));
    expect(decoded.countsPerClass).toEqual(MNIST_COUNTS);
  });

  it('holds one byte per pixel and a table of the 256 values k/255 rounded to 3 decimals', () => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('LLDG');
    expect([1, 2, 3, 4, 5].map((k) => view.getUint32(k * 4, true))).toEqual([1, 10_000, 784, 10, 256]);
    expect(bytes.length).toBe(32 + 10 * 4 + 256 * 4 + 10_000 * 784 + 10_000);
    expect(view.getUint32(24, true)).toBe(fnv1a(bytes.subarray(32)));
    const table = Array.from({ length: 256 }, (_, i) => view.getFloat32(72 + i * 4, true));
    expect(table).toEqual(Array.from({ length: 256 }, (_, k) => Math.fround(Number((k / 255).toFixed(3)))));
  });

  it('matches pixels read straight from the package files (an independent parse)', () => {
    const require = createRequire(import.meta.url);
    const decoded = decodeDigitsBinary('mnist-digits.bin', bytes);
    // Class 7 starts after the digits of classes 0–6.
    const start = MNIST_COUNTS.slice(0, 7).reduce((a, b) => a + b, 0) * 784;
    const raw = (JSON.parse(readFileSync(require.resolve('mnist/src/digits/7.json'), 'utf8')) as { data: number[] }).data;
    for (let i = 0; i < 3 * 784; i++) expect(decoded.images[start + i]).toBe(Math.fround(raw[i]!));
    expect(decoded.labels[start / 784]).toBe(7);
  });

  it('refuses a file that is not one, is truncated or corrupt, in one line', () => {
    expect(oneLine(() => decodeDigitsBinary('x.bin', new Uint8Array(10)))).toMatch(/^the digits file x\.bin is 10 bytes long, too short/);
    const wrong = bytes.slice(0, 64);
    wrong[0] = 0x50;
    expect(oneLine(() => decodeDigitsBinary('x.bin', wrong))).toMatch(/^the digits file x\.bin is not a Layerloom digits file; rebuild the app/);
    expect(oneLine(() => decodeDigitsBinary('x.bin', bytes.subarray(0, bytes.length - 100)))).toMatch(/truncated or damaged/);
    const flipped = bytes.slice();
    flipped[5_000_000] = flipped[5_000_000]! ^ 1;
    expect(oneLine(() => decodeDigitsBinary('x.bin', flipped))).toBe(
      'the digits file x.bin is corrupt (its checksum does not match); rebuild the app (npm run build:web, npm run build:electron) to regenerate it',
    );
  });

  it('encodes only what a byte per pixel can hold', () => {
    const images = new Float32Array(784).map((_, i) => i / 1000);
    expect(() => encodeDigitsBinary({ images, labels: new Int32Array([0]), countsPerClass: [1] })).toThrow(/784 distinct values/);
  });

  it('reads from a file, and names a missing or damaged file in one line', async () => {
    const file = join(dir, 'mnist-digits.bin');
    writeFileSync(file, bytes);
    const read = await readDigitsBinary(file);
    expect(Buffer.from(bitsOf(read.images).buffer).equals(Buffer.from(bitsOf(json.images).buffer))).toBe(true);
    await expect(readDigitsBinary(join(dir, 'none.bin'))).rejects.toThrow(
      `the app's digits file ${join(dir, 'none.bin')} is missing; rebuild the app (npm run build:electron) to generate it`,
    );
    writeFileSync(file, bytes.subarray(0, 1000));
    await expect(readDigitsBinary(file)).rejects.toBeInstanceOf(DataError);
  });

  it('serves the dataset through a registered source exactly as through the default', async () => {
    const viaJson = await digits.load({ seed: 3, size: 500 });
    let asked = 0;
    setDigitsSource(() => {
      asked++;
      return Promise.resolve(decodeDigitsBinary('mnist-digits.bin', bytes));
    });
    try {
      const viaBinary = await digits.load({ seed: 3, size: 500 });
      expect(asked).toBe(1);
      expect(Buffer.from(bitsOf(viaBinary.arrays.x as Float32Array).buffer).equals(Buffer.from(bitsOf(viaJson.arrays.x as Float32Array).buffer))).toBe(true);
      expect(Array.from(viaBinary.arrays.y!)).toEqual(Array.from(viaJson.arrays.y!));
      setDigitsSource(() => Promise.reject(new DataError('digits: unavailable here')));
      await expect(digits.load({ seed: 3 })).rejects.toThrow('digits: unavailable here');
    } finally {
      setDigitsSource(undefined);
    }
    expect((await digits.load({ seed: 3, size: 500 })).arrays.y).toEqual(viaJson.arrays.y);
  });
});
