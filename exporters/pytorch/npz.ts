/**
 * .npz writing (numpy's `np.savez` format): a zip archive of uncompressed `.npy` files, one per array. Used to
 * hand Layerloom's datasets to the generated train.py (and to anything else that reads numpy files).
 *
 * `.npy` v1.0: the magic `\x93NUMPY`, version 1.0, a little-endian u16 header length, a Python-literal header
 * `{'descr': '<f4', 'fortran_order': False, 'shape': (N, …), }` padded with spaces and a newline so the data
 * starts at a multiple of 64 bytes, then the raw little-endian data.
 */
import { toLittleEndianBytes } from '../typed-bytes';
import { encodeUtf8 } from '../utf8';

export interface NpyArray {
  readonly name: string;
  readonly shape: readonly number[];
  /** float32 data, or int64 data (given as BigInt64Array, or Int32Array to widen). */
  readonly data: Float32Array | BigInt64Array | Int32Array;
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE 802.3), as zip stores it. */
export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One array as `.npy` bytes. */
export function encodeNpy(a: NpyArray): Uint8Array {
  const isFloat = a.data instanceof Float32Array;
  const data = a.data instanceof Int32Array ? BigInt64Array.from(a.data, (v) => BigInt(v)) : a.data;
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(', ')})`;
  let header = `{'descr': '${isFloat ? '<f4' : '<i8'}', 'fortran_order': False, 'shape': ${shape}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const head = encodeUtf8(header);
  const body = toLittleEndianBytes(data);
  const out = new Uint8Array(10 + head.length + body.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0); // \x93NUMPY v1.0
  new DataView(out.buffer).setUint16(8, head.length, true);
  out.set(head, 10);
  out.set(body, 10 + head.length);
  return out;
}

/** The arrays as an `.npz` archive (stored, not deflated: numpy reads both). */
export function encodeNpz(arrays: readonly NpyArray[]): Uint8Array {
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const a of arrays) {
    const name = encodeUtf8(`${a.name}.npy`);
    const body = encodeNpy(a);
    const crc = crc32(body);
    const local = new Uint8Array(30 + name.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true); // version needed
    lv.setUint16(12, 0x21, true); // date 1980-01-01
    lv.setUint32(14, crc, true);
    lv.setUint32(18, body.length, true);
    lv.setUint32(22, body.length, true);
    lv.setUint16(26, name.length, true);
    local.set(name, 30);
    const central = new Uint8Array(46 + name.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true); // version made by
    cv.setUint16(6, 20, true); // version needed
    cv.setUint16(14, 0x21, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, body.length, true);
    cv.setUint32(24, body.length, true);
    cv.setUint16(28, name.length, true);
    cv.setUint32(42, offset, true);
    central.set(name, 46);
    locals.push(local, body);
    centrals.push(central);
    offset += local.length + body.length;
  }
  const cdSize = centrals.reduce((n, c) => n + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, arrays.length, true);
  ev.setUint16(10, arrays.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
