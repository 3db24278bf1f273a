/**
 * A small protobuf wire-format writer: varints, fixed32/fixed64, length-delimited fields and packed repeated
 * numbers. Output depends only on the calls made, so the same calls always give the same bytes. Nested messages
 * are written into their own writer and spliced in by reference (no copy of large payloads until `finish`).
 */
import { encodeUtf8 } from '../utf8';

export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LEN = 2;
export const WIRE_FIXED32 = 5;

const CHUNK = 4096;
/** Payloads at least this large are kept by reference instead of copied into the current chunk. */
const BY_REFERENCE = 1024;

export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private partsLength = 0;
  private buf = new Uint8Array(CHUNK);
  private pos = 0;
  private readonly scratch = new DataView(new ArrayBuffer(8));

  /** Bytes written so far. */
  get length(): number {
    return this.partsLength + this.pos;
  }

  /** Field key: field number and wire type. */
  tag(field: number, wireType: number): void {
    if (!Number.isInteger(field) || field < 1 || field > 0x1fffffff) throw new RangeError(`invalid protobuf field number ${field}`);
    this.varint(field * 8 + wireType);
  }

  /** An unsigned varint; `value` must be a non-negative safe integer. */
  varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${value} is not a non-negative safe integer`);
    let v = value;
    while (v >= 0x80) {
      this.byte((v % 0x80) | 0x80);
      v = Math.floor(v / 0x80);
    }
    this.byte(v);
  }

  /** A protobuf int64/int32 value: negative numbers are 10-byte two's complement varints. */
  int64(value: number): void {
    if (!Number.isSafeInteger(value)) throw new RangeError(`${value} is not a safe integer`);
    if (value >= 0) {
      this.varint(value);
      return;
    }
    let v = BigInt.asUintN(64, BigInt(value));
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  float32(value: number): void {
    this.scratch.setFloat32(0, value, true);
    for (let i = 0; i < 4; i++) this.byte(this.scratch.getUint8(i));
  }

  float64(value: number): void {
    this.scratch.setFloat64(0, value, true);
    for (let i = 0; i < 8; i++) this.byte(this.scratch.getUint8(i));
  }

  /** Raw bytes, no length prefix. Large arrays are kept by reference until `finish`. */
  raw(bytes: Uint8Array): void {
    if (bytes.length >= BY_REFERENCE) {
      this.flush();
      this.push(bytes);
      return;
    }
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  varintField(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.varint(value);
  }

  int64Field(field: number, value: number): void {
    this.tag(field, WIRE_VARINT);
    this.int64(value);
  }

  floatField(field: number, value: number): void {
    this.tag(field, WIRE_FIXED32);
    this.float32(value);
  }

  bytesField(field: number, bytes: Uint8Array): void {
    this.tag(field, WIRE_LEN);
    this.varint(bytes.length);
    this.raw(bytes);
  }

  stringField(field: number, text: string): void {
    this.bytesField(field, encodeUtf8(text));
  }

  /** An embedded message; `write` fills it in. An empty message is still written (presence matters in proto2). */
  messageField(field: number, write: (w: ProtoWriter) => void): void {
    const child = new ProtoWriter();
    write(child);
    this.tag(field, WIRE_LEN);
    this.varint(child.length);
    child.flush();
    this.flush();
    for (const part of child.parts) this.push(part);
  }

  /** Packed repeated int64/int32 (nothing is written for an empty list). */
  packedInt64Field(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const child = new ProtoWriter();
    for (const v of values) child.int64(v);
    this.bytesField(field, child.finish());
  }

  /** Packed repeated float (nothing is written for an empty list). */
  packedFloatField(field: number, values: readonly number[]): void {
    if (values.length === 0) return;
    const child = new ProtoWriter();
    for (const v of values) child.float32(v);
    this.bytesField(field, child.finish());
  }

  /** All bytes written, as one array. */
  finish(): Uint8Array {
    this.flush();
    if (this.parts.length === 1) return this.parts[0]!.slice();
    const out = new Uint8Array(this.partsLength);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.flush();
    this.buf = new Uint8Array(Math.max(CHUNK, n));
  }

  private flush(): void {
    if (this.pos === 0) return;
    this.push(this.buf.subarray(0, this.pos));
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
  }

  private push(part: Uint8Array): void {
    if (part.length === 0) return;
    this.parts.push(part);
    this.partsLength += part.length;
  }
}
