/**
 * safetensors files (https://github.com/huggingface/safetensors): an 8-byte little-endian u64 header length, a
 * JSON header `{"__metadata__": {…}, name: {dtype, shape, data_offsets: [begin, end]}, …}` padded with spaces to a
 * multiple of 8 bytes, then the tensors' little-endian data back to back, in the order given.
 *
 * Only F32 and I64 are read and written (what Layerloom's weights and buffers use). `decodeSafetensors` checks
 * what the reference implementation checks (header within the file, valid JSON, known dtypes, offsets that match
 * the shapes and tile the data section exactly) and throws a `SafetensorsError` with a one-line message otherwise.
 */
import { fromLittleEndianBytes, toLittleEndianBytes } from './typed-bytes';
import { decodeUtf8, encodeUtf8 } from './utf8';

export type SafetensorsDtype = 'F32' | 'I64';

export interface SafetensorsTensor {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  readonly data: Float32Array | BigInt64Array;
}

export interface SafetensorsFile {
  readonly tensors: SafetensorsTensor[];
  readonly metadata?: Record<string, string>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message.replace(/\s+/g, ' ').trim());
    this.name = 'SafetensorsError';
  }
}

const METADATA_KEY = '__metadata__';
const DTYPE_SIZE: Readonly<Record<SafetensorsDtype, number>> = { F32: 4, I64: 8 };
/** dtypes of the format that Layerloom does not read, so the error can say "unsupported" rather than "unknown". */
const OTHER_DTYPES = new Set(['BOOL', 'U8', 'I8', 'F8_E5M2', 'F8_E4M3', 'I16', 'U16', 'F16', 'BF16', 'I32', 'U32', 'F64', 'U64']);

export function encodeSafetensors(tensors: readonly SafetensorsTensor[], metadata?: Record<string, string>): Uint8Array {
  const entries: string[] = [];
  if (metadata !== undefined) {
    const fields = Object.keys(metadata).map((k) => {
      const v = metadata[k];
      if (typeof v !== 'string') throw new SafetensorsError(`metadata '${k}' must be a string`);
      return `${JSON.stringify(k)}:${JSON.stringify(v)}`;
    });
    entries.push(`${JSON.stringify(METADATA_KEY)}:{${fields.join(',')}}`);
  }
  const names = new Set<string>();
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const t of tensors) {
    const where = `tensor '${t.name}'`;
    if (t.name === METADATA_KEY) throw new SafetensorsError(`a tensor may not be named '${METADATA_KEY}'`);
    if (names.has(t.name)) throw new SafetensorsError(`${where} appears twice`);
    names.add(t.name);
    const arrayOk = t.dtype === 'F32' ? t.data instanceof Float32Array : t.dtype === 'I64' ? t.data instanceof BigInt64Array : false;
    if (!arrayOk) throw new SafetensorsError(`${where}: dtype ${String(t.dtype)} needs a ${t.dtype === 'I64' ? 'BigInt64Array' : 'Float32Array'}`);
    const count = t.shape.reduce((n, d) => {
      if (!Number.isSafeInteger(d) || d < 0) throw new SafetensorsError(`${where}: dimension ${d} is not a non-negative integer`);
      return n * d;
    }, 1);
    if (count !== t.data.length) throw new SafetensorsError(`${where}: shape [${t.shape.join(', ')}] needs ${count} elements, the data has ${t.data.length}`);
    const bytes = toLittleEndianBytes(t.data);
    chunks.push(bytes);
    const end = offset + bytes.length;
    entries.push(`${JSON.stringify(t.name)}:{"dtype":"${t.dtype}","shape":[${t.shape.join(',')}],"data_offsets":[${offset},${end}]}`);
    offset = end;
  }
  const json = encodeUtf8(`{${entries.join(',')}}`);
  const headerLength = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength % 0x1_0000_0000, true);
  view.setUint32(4, Math.floor(headerLength / 0x1_0000_0000), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerLength);
  let at = 8 + headerLength;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

/** The tensors of a safetensors file, in file (data) order. */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsTensor[] {
  return decodeSafetensorsFile(bytes).tensors;
}

/** The tensors and the `__metadata__` of a safetensors file. */
export function decodeSafetensorsFile(bytes: Uint8Array): SafetensorsFile {
  if (!(bytes instanceof Uint8Array)) throw new SafetensorsError('expected the bytes of a safetensors file (a Uint8Array)');
  if (bytes.length < 8) throw new SafetensorsError(`the file is ${bytes.length} bytes, too short for a safetensors header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
  if (headerLength > bytes.length - 8) {
    throw new SafetensorsError(`the header length ${headerLength} is beyond the end of the file (${bytes.length} bytes)`);
  }
  const text = decodeUtf8(bytes.subarray(8, 8 + headerLength));
  if (text === undefined) throw new SafetensorsError('the header is not valid UTF-8');
  if (!text.startsWith('{')) throw new SafetensorsError('the header is not a JSON object');
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new SafetensorsError(`the header is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (!isObject(header)) throw new SafetensorsError('the header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataLength = bytes.length - dataStart;
  let metadata: Record<string, string> | undefined;
  const entries: { name: string; dtype: SafetensorsDtype; shape: number[]; begin: number; end: number }[] = [];
  for (const [name, value] of Object.entries(header)) {
    if (name === METADATA_KEY) {
      metadata = readMetadata(value);
      continue;
    }
    const where = `tensor '${name}'`;
    if (!isObject(value)) throw new SafetensorsError(`${where}: its header entry is not an object`);
    const dtype = value['dtype'];
    if (typeof dtype !== 'string') throw new SafetensorsError(`${where}: dtype is missing`);
    if (dtype !== 'F32' && dtype !== 'I64') {
      if (OTHER_DTYPES.has(dtype)) throw new SafetensorsError(`${where} has dtype ${dtype}, which Layerloom does not read (only F32 and I64)`);
      throw new SafetensorsError(`${where} has unknown dtype '${dtype}'`);
    }
    const shape = readInts(value['shape'], `${where}: shape`);
    const offsets = readInts(value['data_offsets'], `${where}: data_offsets`);
    if (offsets.length !== 2) throw new SafetensorsError(`${where}: data_offsets must be [begin, end]`);
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataLength) {
      throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] are outside the data section (${dataLength} bytes)`);
    }
    const count = shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * DTYPE_SIZE[dtype]) {
      throw new SafetensorsError(`${where}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes, shape [${shape.join(', ')}] of ${dtype} needs ${count * DTYPE_SIZE[dtype]}`);
    }
    entries.push({ name, dtype, shape, begin, end });
  }

  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let expected = 0;
  for (const e of entries) {
    if (e.begin !== expected) throw new SafetensorsError(`tensor '${e.name}': data starts at ${e.begin}, expected ${expected} (tensors must tile the data section)`);
    expected = e.end;
  }
  if (expected !== dataLength) throw new SafetensorsError(`the data section is ${dataLength} bytes but the tensors cover ${expected}`);

  const tensors = entries.map((e): SafetensorsTensor => {
    const raw = bytes.subarray(dataStart + e.begin, dataStart + e.end);
    const data = fromLittleEndianBytes(raw, e.dtype === 'F32' ? 'float32' : 'int64') as Float32Array | BigInt64Array;
    return { name: e.name, dtype: e.dtype, shape: e.shape, data };
  });
  return metadata === undefined ? { tensors } : { tensors, metadata };
}

function readMetadata(value: unknown): Record<string, string> {
  if (!isObject(value)) throw new SafetensorsError(`${METADATA_KEY} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw new SafetensorsError(`${METADATA_KEY}: '${k}' is not a string`);
    out[k] = v;
  }
  return out;
}

function readInts(value: unknown, where: string): number[] {
  if (!Array.isArray(value)) throw new SafetensorsError(`${where} is not a list`);
  return value.map((v: unknown) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new SafetensorsError(`${where}: ${JSON.stringify(v)} is not a non-negative integer`);
    return v;
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
