/**
 * `.npz` import, for users coming from Python: the zip archive `numpy.savez` and `numpy.savez_compressed`
 * write, one `.npy` file per array. The archive is opened with fflate; the `.npy` format (versions 1, 2
 * and 3) is read here.
 *
 * - The array `y` is the target; every other array is an input named after its Input node (`x` when the
 *   graph has one Input). Positional arrays (`np.savez(f, a, b)` gives arr_0, arr_1) are read as x, y.
 * - dtypes: <f4 and <f8 become float32; <i4 and <i8 become int64 (kept as 32-bit, so values must fit);
 *   |u1 and |b1 (bool) become float32 in an input (pixel values stay 0…255: divide in numpy if you want
 *   [0, 1]) and int64 in the target y (class labels). Other dtypes, big-endian data, Python objects and
 *   Fortran-ordered arrays are refused with a message naming the entry.
 * - The first dimension of every array is the sample count and must be the same for all arrays.
 * - y: int64 with one value per sample is a classification label (0 or more; class names '0', '1', …);
 *   int64 with more values per sample is sequence labelling; float32 is regression; without y the
 *   dataset is 'generative' (inputs only).
 */
import { unzipSync, type Unzipped } from 'fflate';
import type { ArrayData, ArraySpec, DataDType, Task } from '../dataset';
import { DataError } from '../errors';
import { baseName, checkDecodedSize, checkFileSize, formatBytes, type ImportedDataset } from './common';

export interface NpzOptions {
  /** The file, and the arrays unpacked from it, must stay under this. Default 512 MiB. */
  readonly maxBytes?: number;
}

/** An array read from a `.npy` file, before it is given a role. */
export interface NpyArray {
  /** The numpy dtype string, e.g. `<f4`. */
  readonly descr: string;
  readonly shape: readonly number[];
  /** Values as read: float dtypes as Float32Array, integer and bool dtypes as Int32Array. */
  readonly data: Float32Array | Int32Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const SUPPORTED = '<f4, <f8, <i4, <i8, |u1 and |b1 (bool)';
const MAX_CLASS = 100_000;

function startsWith(bytes: Uint8Array, prefix: readonly number[]): boolean {
  return bytes.length >= prefix.length && prefix.every((b, i) => bytes[i] === b);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

function utf8(bytes: Uint8Array): string {
  return decodeURIComponent(Array.from(bytes, (b) => `%${b.toString(16).padStart(2, '0')}`).join(''));
}

/** Parses one `.npy` file. `where` names it in messages ("data.npz, entry x.npy"). */
export function parseNpy(where: string, bytes: Uint8Array): NpyArray {
  if (!startsWith(bytes, MAGIC)) throw new DataError(`${where}: not a .npy array (it does not start with \\x93NUMPY)`);
  if (bytes.length < 10) throw new DataError(`${where}: the .npy header is truncated`);
  const major = bytes[6]!;
  if (major < 1 || major > 3) throw new DataError(`${where}: .npy format version ${major}.${bytes[7]} is not supported (versions 1 to 3 are)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const lenSize = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenSize) throw new DataError(`${where}: the .npy header is truncated`);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = 8 + lenSize;
  const dataStart = start + headerLen;
  if (bytes.length < dataStart) throw new DataError(`${where}: the .npy header is truncated`);
  const headerBytes = bytes.subarray(start, dataStart);
  let header: string;
  try {
    header = major === 3 ? utf8(headerBytes) : latin1(headerBytes);
  } catch {
    throw new DataError(`${where}: the .npy header is not valid text`);
  }

  const descrMatch = /['"]descr['"]\s*:\s*['"]([^'"]*)['"]/.exec(header);
  const fortranMatch = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeMatch = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrMatch) {
    if (/['"]descr['"]\s*:\s*\[/.test(header)) throw new DataError(`${where}: structured arrays (records with named fields) are not supported; save one plain array per name`);
    throw new DataError(`${where}: the .npy header has no dtype ('descr')`);
  }
  if (!fortranMatch || !shapeMatch) throw new DataError(`${where}: the .npy header is damaged (no 'fortran_order' or 'shape')`);
  if (fortranMatch[1] === 'True')
    throw new DataError(`${where}: the array is stored in Fortran order; save np.ascontiguousarray(a) instead`);
  const shape = shapeMatch[1]!
    .split(',')
    .map((s) => s.trim().replace(/L$/, ''))
    .filter((s) => s !== '')
    .map(Number);
  if (shape.some((d) => !Number.isInteger(d) || d < 0)) throw new DataError(`${where}: the .npy header has a bad shape (${shapeMatch[1]})`);

  const descr = descrMatch[1]!;
  const count = shape.reduce((a, b) => a * b, 1);
  const itemSize: Record<string, number> = { '<f4': 4, '<f8': 8, '<i4': 4, '<i8': 8, '|u1': 1, '|b1': 1 };
  const size = itemSize[descr];
  if (size === undefined) {
    if (descr.includes('O')) throw new DataError(`${where}: the array holds Python objects (dtype ${descr}); save a numeric array`);
    if (descr.startsWith('>')) throw new DataError(`${where}: dtype ${descr} is big-endian; save a.astype(a.dtype.newbyteorder('<'))`);
    throw new DataError(`${where}: dtype ${descr} is not supported; use ${SUPPORTED}`);
  }
  const need = count * size;
  const have = bytes.length - dataStart;
  if (have < need) throw new DataError(`${where}: the array data is truncated (expected ${need} bytes, found ${have})`);

  // Copy into an aligned buffer (entries of a stored zip need not be aligned); hosts are little-endian.
  // (A real copy: Node's Buffer.slice() would return a view into a shared pool whose .buffer starts elsewhere.)
  const raw = new Uint8Array(need);
  raw.set(bytes.subarray(dataStart, dataStart + need));
  let data: Float32Array | Int32Array;
  switch (descr) {
    case '<f4':
      data = new Float32Array(raw.buffer, 0, count);
      break;
    case '<f8':
      data = Float32Array.from(new Float64Array(raw.buffer, 0, count));
      break;
    case '<i4':
      data = new Int32Array(raw.buffer, 0, count);
      break;
    case '<i8': {
      const words = new Int32Array(raw.buffer, 0, count * 2);
      data = new Int32Array(count);
      for (let i = 0; i < count; i++) {
        const lo = words[2 * i]!;
        const hi = words[2 * i + 1]!;
        if (hi !== lo >> 31) {
          const value = BigInt.asIntN(64, (BigInt(hi) << 32n) | BigInt(lo >>> 0));
          throw new DataError(`${where}: value ${value} at index ${i} does not fit in 32 bits; ids and labels must be below 2147483648`);
        }
        data[i] = lo;
      }
      break;
    }
    default: // |u1, |b1
      data = Int32Array.from(raw);
  }
  return { descr, shape, data };
}

function openZip(file: string, bytes: Uint8Array, maxBytes: number | undefined): Unzipped {
  if (startsWith(bytes, MAGIC)) throw new DataError(`${file}: this is a single .npy array, not an .npz archive; save with np.savez(path, x=…, y=…)`);
  if (!startsWith(bytes, [0x50, 0x4b])) throw new DataError(`${file}: not an .npz file (it is not a zip archive)`);
  let total = 0;
  let tooBig: string | undefined;
  let entries: Unzipped;
  try {
    entries = unzipSync(bytes, {
      filter: (f) => {
        total += f.originalSize;
        if (maxBytes !== undefined && total > maxBytes) tooBig ??= f.name;
        return tooBig === undefined;
      },
    });
  } catch (e) {
    throw new DataError(`${file}: not a readable .npz file (the zip archive is truncated or damaged: ${e instanceof Error ? e.message : String(e)})`);
  }
  if (tooBig !== undefined) checkDecodedSize(`${file}, entry ${tooBig}`, total, maxBytes, 'the arrays are too large to unpack');
  return entries;
}

/** Reads an `.npz` archive (its bytes) into a dataset. `file` names the file in messages and names the dataset. */
export function importNpz(file: string, bytes: Uint8Array, opts: NpzOptions = {}): ImportedDataset {
  const maxBytes = opts.maxBytes ?? 512 * 1024 * 1024;
  checkFileSize(file, bytes.length, maxBytes);
  const entries = openZip(file, bytes, maxBytes);
  const names = Object.keys(entries).filter((n) => !n.endsWith('/'));
  if (names.length === 0) throw new DataError(`${file}: the archive holds no arrays`);

  const warnings: string[] = [];
  const arrays = new Map<string, { entry: string; array: NpyArray }>();
  for (const entry of names.sort()) {
    if (!entry.endsWith('.npy')) throw new DataError(`${file}, entry ${entry}: not a .npy array; an .npz holds only .npy files`);
    const array = parseNpy(`${file}, entry ${entry}`, entries[entry]!);
    arrays.set(entry.slice(0, -4), { entry, array });
  }
  const keys = [...arrays.keys()];
  if (keys.every((k) => /^arr_\d+$/.test(k)) && keys.length <= 2 && arrays.has('arr_0')) {
    const renamed = new Map([['x', arrays.get('arr_0')!]]);
    if (arrays.has('arr_1')) renamed.set('y', arrays.get('arr_1')!);
    arrays.clear();
    for (const [k, v] of renamed) arrays.set(k, v);
    warnings.push(`${file}: the arrays have no names, so arr_0 is read as x${renamed.has('y') ? ' and arr_1 as y' : ''}; save with np.savez(path, x=…, y=…) to name them`);
  }

  let size: number | undefined;
  let first = '';
  for (const [, { entry, array }] of arrays) {
    if (array.shape.length === 0)
      throw new DataError(`${file}, entry ${entry}: the array is a single number; it needs a first dimension with one entry per sample`);
    const n = array.shape[0]!;
    if (size === undefined) {
      size = n;
      first = entry;
    } else if (n !== size)
      throw new DataError(`${file}, entry ${entry}: the array has ${n} samples (first dimension) but ${first} has ${size}; every array needs one entry per sample`);
  }
  if (size === 0) throw new DataError(`${file}, entry ${first}: the arrays have no samples (the first dimension is 0)`);

  const inputs: Record<string, ArraySpec> = {};
  const targets: Record<string, ArraySpec> = {};
  const data: Record<string, ArrayData> = {};
  let classNames: string[] | undefined;
  let task: Task = 'generative';
  for (const [name, { entry, array }] of arrays) {
    const isTarget = name === 'y';
    const integer = array.data instanceof Int32Array && (isTarget || !['|u1', '|b1'].includes(array.descr));
    const dtype: DataDType = integer ? 'int64' : 'float32';
    const values = integer || array.data instanceof Float32Array ? array.data : Float32Array.from(array.data);
    const spec: ArraySpec = { shape: array.shape.slice(1), dtype };
    if (isTarget) {
      targets[name] = spec;
      if (dtype === 'int64') {
        let max = 0;
        values.forEach((v, i) => {
          if (v < 0 || v > MAX_CLASS) {
            const per = Math.max(1, values.length / size!);
            throw new DataError(
              `${file}, entry ${entry}: label ${v} of sample ${Math.floor(i / per)} is out of range; labels must be whole numbers from 0 to ${MAX_CLASS}`,
            );
          }
          if (v > max) max = v;
        });
        if (spec.shape.length === 0) {
          task = 'classification';
          classNames = Array.from({ length: max + 1 }, (_, i) => String(i));
        } else task = 'sequence-labelling';
      } else task = 'regression';
    } else inputs[name] = spec;
    data[name] = values;
  }
  if (Object.keys(inputs).length === 0) throw new DataError(`${file}: the archive holds only y; add the inputs, e.g. np.savez(path, x=…, y=…)`);
  if (!('y' in targets)) warnings.push(`${file}: there is no array y, so the dataset has inputs only (for an autoencoder or a generator)`);

  const name = baseName(file);
  const described = [...arrays.entries()].map(([k, { array }]) => `${k} ${array.descr} [${array.shape.join(', ')}]`).join(', ');
  return {
    info: {
      name,
      title: name,
      description: `${size} samples from ${name} (${formatBytes(bytes.length)}): ${described}.`,
      origin: `your file ${name}`,
      task,
      ...(classNames ? { classNames } : {}),
      defaultSplit: { val: 0.15, test: 0.15 },
    },
    size: size!,
    inputs,
    targets,
    arrays: data,
    warnings,
  };
}
