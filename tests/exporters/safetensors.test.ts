import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  decodeSafetensors,
  decodeSafetensorsFile,
  encodeSafetensors,
  SafetensorsError,
  type SafetensorsTensor,
} from '../../exporters/safetensors';
import { runSystemPython } from '../helpers/onnx-checker';

const dir = mkdtempSync(join(tmpdir(), 'layerloom-safetensors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tensors: SafetensorsTensor[] = [
  { name: 'fc1.weight', dtype: 'F32', shape: [2, 3], data: Float32Array.from([0.5, -1.25, 2, 3.5, -0.125, 1e-7]) },
  { name: 'fc1.bias', dtype: 'F32', shape: [3], data: Float32Array.from([0.1, 0.2, -0.3]) },
  { name: 'bn.num_batches_tracked', dtype: 'I64', shape: [], data: BigInt64Array.from([9007199254740993n]) },
  { name: 'ids', dtype: 'I64', shape: [2, 2], data: BigInt64Array.from([-1n, 0n, 2n ** 40n, -(2n ** 63n)]) },
  { name: 'empty', dtype: 'F32', shape: [0, 4], data: new Float32Array(0) },
  { name: '10', dtype: 'F32', shape: [1], data: Float32Array.from([7]) }, // an integer-like name: JSON objects reorder those
  { name: 'wörter', dtype: 'F32', shape: [1], data: Float32Array.from([-0]) },
];
const metadata = { format: 'pt', producer: 'layerloom' };

/** A file with the given header JSON (padded like the format requires) followed by `data`. */
function fileWith(header: string, data: Uint8Array = new Uint8Array(0)): Uint8Array {
  const json = new TextEncoder().encode(header.padEnd(Math.ceil(header.length / 8) * 8, ' '));
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function expectSafetensorsError(bytes: Uint8Array, message: RegExp): void {
  let error: unknown;
  try {
    decodeSafetensors(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SafetensorsError);
  expect((error as Error).message).toMatch(message);
  expect((error as Error).message).not.toMatch(/\n/);
}

describe('safetensors', () => {
  it('round-trips tensors (in order) and metadata', () => {
    const bytes = encodeSafetensors(tensors, metadata);
    expect(decodeSafetensors(bytes)).toEqual(tensors);
    expect(decodeSafetensorsFile(bytes)).toEqual({ tensors, metadata });
    expect(decodeSafetensorsFile(encodeSafetensors(tensors))).toEqual({ tensors });
    expect(encodeSafetensors(tensors, metadata)).toEqual(bytes);
  });

  it('writes the standard layout: u64 header length, space-padded JSON header, then the data', () => {
    const bytes = encodeSafetensors(tensors.slice(0, 3), metadata);
    const view = new DataView(bytes.buffer);
    const n = view.getUint32(0, true);
    expect(view.getUint32(4, true)).toBe(0);
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(header).toMatch(/^\{"__metadata__":\{"format":"pt","producer":"layerloom"\},"fc1\.weight":/);
    expect(header.trimEnd().length).toBeGreaterThan(n - 8);
    expect(JSON.parse(header)).toEqual({
      __metadata__: metadata,
      'fc1.weight': { dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] },
      'fc1.bias': { dtype: 'F32', shape: [3], data_offsets: [24, 36] },
      'bn.num_batches_tracked': { dtype: 'I64', shape: [], data_offsets: [36, 44] },
    });
    expect(bytes.length).toBe(8 + n + 44);
    expect(view.getFloat32(8 + n + 4, true)).toBe(-1.25);
  });

  it('loads in PyTorch and numpy with the same values', () => {
    const file = join(dir, 'weights.safetensors');
    writeFileSync(file, encodeSafetensors(tensors, metadata));
    const script = `
import sys, json, struct, numpy as np, torch
try:
    from safetensors.torch import load_file
except ImportError:
    load_file = None
raw = open(sys.argv[1], 'rb').read()
(n,) = struct.unpack('<Q', raw[:8])
header = json.loads(raw[8:8 + n].decode('utf-8'))
data = raw[8 + n:]
dtypes = {'F32': np.dtype('<f4'), 'I64': np.dtype('<i8')}
meta = header.pop('__metadata__', None)
loaded = load_file(sys.argv[1]) if load_file else None
out = {}
for name, info in header.items():
    b, e = info['data_offsets']
    a = np.frombuffer(data[b:e], dtype=dtypes[info['dtype']]).reshape(info['shape'])
    t = loaded[name] if loaded is not None else torch.from_numpy(a.copy())
    out[name] = {'dtype': str(t.dtype), 'shape': list(t.shape), 'values': [repr(v) for v in t.flatten().tolist()]}
print(json.dumps({'metadata': meta, 'tensors': out, 'n': n}))
`;
    const seen = JSON.parse(runSystemPython(script, [file])) as {
      metadata: unknown;
      tensors: Record<string, { dtype: string; shape: number[]; values: string[] }>;
    };
    expect(seen.metadata).toEqual(metadata);
    expect(Object.keys(seen.tensors).sort()).toEqual(tensors.map((t) => t.name).sort());
    for (const t of tensors) {
      const got = seen.tensors[t.name]!;
      expect(got.dtype).toBe(t.dtype === 'F32' ? 'torch.float32' : 'torch.int64');
      expect(got.shape).toEqual(t.shape);
      const values = Array.from(t.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v : Number(v)));
      expect(got.values.map((v) => (t.dtype === 'I64' ? BigInt(v) : Math.fround(Number(v))))).toEqual(values);
    }
  });

  it('refuses tensors it cannot write', () => {
    const f = (over: Partial<SafetensorsTensor>): SafetensorsTensor => ({ name: 'w', dtype: 'F32', shape: [2], data: new Float32Array(2), ...over });
    expect(() => encodeSafetensors([f({}), f({})])).toThrow(SafetensorsError);
    expect(() => encodeSafetensors([f({ shape: [3] })])).toThrow(/needs 3 elements/);
    expect(() => encodeSafetensors([f({ dtype: 'I64' })])).toThrow(/BigInt64Array/);
    expect(() => encodeSafetensors([f({ name: '__metadata__' })])).toThrow(SafetensorsError);
  });

  it('reports corrupt files as SafetensorsError with a clear message', () => {
    const good = encodeSafetensors(tensors.slice(0, 2));
    expectSafetensorsError(new Uint8Array(3), /too short/);
    const huge = good.slice();
    new DataView(huge.buffer).setUint32(4, 1, true);
    expectSafetensorsError(huge, /header length 4294967\d+ is beyond the end of the file/);
    expectSafetensorsError(good.subarray(0, 20), /beyond the end of the file/);
    expectSafetensorsError(fileWith('{"a": '), /not valid JSON/);
    expectSafetensorsError(fileWith('[1, 2]'), /not a JSON object/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F16", "shape": [1], "data_offsets": [0, 2]}}', new Uint8Array(2)), /dtype F16, which Layerloom does not read/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "Q4", "shape": [1], "data_offsets": [0, 2]}}', new Uint8Array(2)), /unknown dtype 'Q4'/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]}}', new Uint8Array(4)), /outside the data section/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F32", "shape": [3], "data_offsets": [0, 8]}}', new Uint8Array(8)), /needs 12/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F32", "shape": [-1], "data_offsets": [0, 4]}}', new Uint8Array(4)), /not a non-negative integer/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [4, 8]}}', new Uint8Array(8)), /data starts at 4, expected 0/);
    expectSafetensorsError(fileWith('{"w": {"dtype": "F32", "shape": [1], "data_offsets": [0, 4]}}', new Uint8Array(8)), /cover 4/);
    expectSafetensorsError(fileWith('{"__metadata__": {"a": 1}}'), /'a' is not a string/);
    const badUtf8 = fileWith('{"w":        }');
    badUtf8[10] = 0xff;
    expectSafetensorsError(badUtf8, /not valid UTF-8/);
    for (let n = 0; n < good.length; n++) expect(() => decodeSafetensors(good.subarray(0, n))).toThrow(SafetensorsError);
  });
});
