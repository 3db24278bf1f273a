import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../../../exporters/onnx/protobuf-writer';
import { decodeUtf8, encodeUtf8 } from '../../../exporters/utf8';

const bytesOf = (write: (w: ProtoWriter) => void): number[] => {
  const w = new ProtoWriter();
  write(w);
  return [...w.finish()];
};

describe('ProtoWriter', () => {
  it('writes varints as in the protobuf encoding guide', () => {
    expect(bytesOf((w) => w.varint(0))).toEqual([0x00]);
    expect(bytesOf((w) => w.varint(1))).toEqual([0x01]);
    expect(bytesOf((w) => w.varint(150))).toEqual([0x96, 0x01]);
    expect(bytesOf((w) => w.varint(2 ** 32))).toEqual([0x80, 0x80, 0x80, 0x80, 0x10]);
    expect(bytesOf((w) => w.varint(Number.MAX_SAFE_INTEGER))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]);
  });

  it('writes negative int64 values as 10-byte two\'s complement varints', () => {
    expect(bytesOf((w) => w.int64(-1))).toEqual([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytesOf((w) => w.int64(-2))).toEqual([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]);
    expect(bytesOf((w) => w.int64(-300))).toHaveLength(10);
    expect(bytesOf((w) => w.int64(300))).toEqual([0xac, 0x02]);
  });

  it('refuses values it cannot represent exactly', () => {
    expect(() => bytesOf((w) => w.varint(-1))).toThrow(RangeError);
    expect(() => bytesOf((w) => w.int64(1.5))).toThrow(RangeError);
    expect(() => bytesOf((w) => w.int64(2 ** 60))).toThrow(RangeError);
    expect(() => bytesOf((w) => w.tag(0, 0))).toThrow(RangeError);
  });

  it('writes tags, floats, strings and nested messages with length prefixes', () => {
    expect(bytesOf((w) => w.varintField(1, 150))).toEqual([0x08, 0x96, 0x01]);
    expect(bytesOf((w) => w.stringField(2, 'testing'))).toEqual([0x12, 0x07, ...'testing'.split('').map((c) => c.charCodeAt(0))]);
    expect(bytesOf((w) => w.floatField(2, 1))).toEqual([0x15, 0x00, 0x00, 0x80, 0x3f]);
    expect(bytesOf((w) => w.messageField(3, (m) => m.varintField(1, 150)))).toEqual([0x1a, 0x03, 0x08, 0x96, 0x01]);
    expect(bytesOf((w) => w.messageField(3, () => undefined))).toEqual([0x1a, 0x00]);
    expect(bytesOf((w) => w.varintField(20, 7))).toEqual([0xa0, 0x01, 0x07]);
  });

  it('writes packed repeated fields, and nothing for an empty list', () => {
    expect(bytesOf((w) => w.packedInt64Field(4, [3, 270, 86942]))).toEqual([0x22, 0x06, 0x03, 0x8e, 0x02, 0x9e, 0xa7, 0x05]);
    expect(bytesOf((w) => w.packedFloatField(7, [1, -2]))).toEqual([0x3a, 0x08, 0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0]);
    expect(bytesOf((w) => w.packedInt64Field(4, []))).toEqual([]);
  });

  it('splices large payloads and deep nesting correctly', () => {
    const big = Uint8Array.from({ length: 100_000 }, (_, i) => i % 251);
    const out = bytesOf((w) =>
      w.messageField(1, (a) => {
        a.varintField(1, 5);
        a.messageField(2, (b) => b.bytesField(3, big));
        a.varintField(4, 6);
      }),
    );
    // 0x0a len(a) | 0x08 05 | 0x12 len(b) | 0x1a len(big) big | 0x20 06
    const lenBig = [0xa0, 0x8d, 0x06]; // 100000
    const lenB = 1 + lenBig.length + big.length;
    expect(out.slice(0, 1)).toEqual([0x0a]);
    expect(out.length).toBe(1 + 3 + 2 + 1 + 3 + lenB + 2);
    expect(out.slice(4, 10)).toEqual([0x08, 0x05, 0x12, 0xa4, 0x8d, 0x06]);
    expect(out.slice(10, 14)).toEqual([0x1a, ...lenBig]);
    expect(out.slice(14, 14 + big.length)).toEqual([...big]);
    expect(out.slice(-2)).toEqual([0x20, 0x06]);
  });
});

describe('UTF-8', () => {
  it('encodes and decodes like TextEncoder/TextDecoder', () => {
    for (const s of ['', 'abc', 'wörld', '€', '𝄞 and 🙂', '\u0000\u007f\u0080\u07ff\u0800\uffff']) {
      expect(encodeUtf8(s)).toEqual(new TextEncoder().encode(s));
      expect(decodeUtf8(new TextEncoder().encode(s))).toBe(s);
    }
    expect(encodeUtf8('a\ud800b')).toEqual(new TextEncoder().encode('a\ud800b'));
  });

  it('rejects malformed UTF-8', () => {
    for (const bad of [[0x80], [0xc0, 0x80], [0xe2, 0x82], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xff]]) {
      expect(decodeUtf8(Uint8Array.from(bad))).toBeUndefined();
    }
  });
});
