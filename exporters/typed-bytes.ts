/** Little-endian byte views of typed arrays, the layout of ONNX raw_data and of safetensors files. */

export type NumericArray = Float32Array | BigInt64Array | Int32Array | Uint8Array | Float64Array;
export type NumericKind = 'float32' | 'int64' | 'int32' | 'uint8' | 'float64';

const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function kindOf(data: NumericArray): NumericKind {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Float64Array) return 'float64';
  return 'uint8';
}

/** The array's elements as little-endian bytes (a view on little-endian hosts, a copy otherwise). */
export function toLittleEndianBytes(data: NumericArray): Uint8Array {
  if (HOST_LITTLE_ENDIAN || data instanceof Uint8Array) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  if (data instanceof Float32Array) data.forEach((v, i) => view.setFloat32(i * 4, v, true));
  else if (data instanceof Int32Array) data.forEach((v, i) => view.setInt32(i * 4, v, true));
  else if (data instanceof Float64Array) data.forEach((v, i) => view.setFloat64(i * 8, v, true));
  else data.forEach((v, i) => view.setBigInt64(i * 8, v, true));
  return out;
}

const ELEMENT_SIZE: Readonly<Record<NumericKind, number>> = { float32: 4, int64: 8, int32: 4, uint8: 1, float64: 8 };

/** A fresh typed array read from little-endian bytes; `bytes.length` must be a multiple of the element size. */
export function fromLittleEndianBytes(bytes: Uint8Array, kind: NumericKind): NumericArray {
  const size = ELEMENT_SIZE[kind];
  if (bytes.length % size !== 0) throw new RangeError(`${bytes.length} bytes is not a whole number of ${kind} elements`);
  // A real copy with its own buffer: Node's Buffer.slice() returns a view on a shared pool, whose
  // .buffer would start elsewhere.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  const n = bytes.length / size;
  if (HOST_LITTLE_ENDIAN || kind === 'uint8') {
    switch (kind) {
      case 'float32': return new Float32Array(copy.buffer, 0, n);
      case 'int64': return new BigInt64Array(copy.buffer, 0, n);
      case 'int32': return new Int32Array(copy.buffer, 0, n);
      case 'float64': return new Float64Array(copy.buffer, 0, n);
      case 'uint8': return copy;
    }
  }
  const view = new DataView(copy.buffer);
  switch (kind) {
    case 'float32': return Float32Array.from({ length: n }, (_, i) => view.getFloat32(i * 4, true));
    case 'int32': return Int32Array.from({ length: n }, (_, i) => view.getInt32(i * 4, true));
    case 'float64': return Float64Array.from({ length: n }, (_, i) => view.getFloat64(i * 8, true));
    default: return BigInt64Array.from({ length: n }, (_, i) => view.getBigInt64(i * 8, true));
  }
}
