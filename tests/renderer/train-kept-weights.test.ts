/**
 * The kept-weights sidecar: trained weights written as safetensors with the model's shapes, read back by
 * Python's safetensors-format reader (the header parsed with json, data with numpy-free struct), and read
 * back here; a corrupt or non-float file is one line for a person.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { decodeKeptWeights, encodeKeptWeights } from '../../renderer/train/kept-weights';

const weights = new Map([
  ['fc1.weight', Float32Array.from({ length: 6 }, (_, i) => i / 4 - 0.5)],
  ['fc1.bias', Float32Array.of(0.25, -1)],
]);
const shapes: Record<string, number[]> = { 'fc1.weight': [2, 3], 'fc1.bias': [2] };

describe('kept weights', () => {
  it('writes a safetensors file with the model shapes that an independent reader parses', () => {
    const bytes = encodeKeptWeights(weights, (n) => shapes[n]);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        `import sys, json, struct
b = sys.stdin.buffer.read()
n = struct.unpack('<Q', b[:8])[0]
h = json.loads(b[8:8+n]); data = b[8+n:]
out = {}
for k, v in h.items():
    if k == '__metadata__': continue
    s, e = v['data_offsets']
    out[k] = {'dtype': v['dtype'], 'shape': v['shape'], 'values': list(struct.unpack('<%df' % ((e - s) // 4), data[s:e]))}
print(json.dumps(out))`,
      ],
      { input: Buffer.from(bytes), encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    const read = JSON.parse(py.stdout) as Record<string, { dtype: string; shape: number[]; values: number[] }>;
    expect(read['fc1.weight']).toEqual({ dtype: 'F32', shape: [2, 3], values: Array.from(weights.get('fc1.weight')!) });
    expect(read['fc1.bias']).toEqual({ dtype: 'F32', shape: [2], values: [0.25, -1] });
    const back = decodeKeptWeights(bytes);
    expect([...back.keys()].sort()).toEqual(['fc1.bias', 'fc1.weight']);
    for (const [k, v] of weights) expect(Array.from(back.get(k)!)).toEqual(Array.from(v));
  });

  it('falls back to a flat shape when the model does not give one that fits', () => {
    const bytes = encodeKeptWeights(weights, (n) => (n === 'fc1.weight' ? [4, 4] : undefined));
    expect(Array.from(decodeKeptWeights(bytes).get('fc1.weight')!)).toEqual(Array.from(weights.get('fc1.weight')!));
  });

  it('says in one line what is wrong with a corrupt file', () => {
    expect(() => decodeKeptWeights(Uint8Array.of(1, 2, 3), 'spiral weights')).toThrow(/^spiral weights could not be read: the file is 3 bytes, too short for a safetensors header$/);
    const bytes = encodeKeptWeights(weights);
    expect(() => decodeKeptWeights(bytes.subarray(0, bytes.length - 4))).toThrow(/^the kept weights could not be read: /);
  });
});
