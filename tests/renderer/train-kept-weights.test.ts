/**
 * The kept-weights sidecar: trained weights written as safetensors with the model's shapes, read back by
 * Python's safetensors-format reader (the header parsed with json, data with numpy-free struct), and read
 * back here; a corrupt or non-float file is one line for a person. Whether kept weights fit a model: every weight
 * of the model with its size, extra tensors ignored, the misfits named in one line.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes, initWeights, parseDocument } from '../../graph-core';
import { decodeKeptWeights, encodeKeptWeights, weightsFit } from '../../renderer/train/kept-weights';

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

  it('fit a model when every weight is there with its size; extra tensors are ignored; misfits are named', () => {
    const spiral = parseDocument(readFileSync(new URL('../../examples/spiral-mlp.json', import.meta.url), 'utf8')).doc!;
    const shaped = inferShapes(spiral);
    const all = initWeights(shaped, 0);
    expect([...all.keys()]).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias', 'out.weight', 'out.bias']);
    expect(weightsFit(shaped, new Map([...all, ['gone.weight', new Float32Array(5)]]))).toEqual({ ok: true, expected: 6, misfits: [], message: null });
    const broken = new Map(all);
    broken.delete('fc1.bias');
    broken.set('fc2.weight', new Float32Array(10));
    broken.set('out.weight', new Float32Array(3));
    broken.delete('out.bias');
    const fit = weightsFit(shaped, broken, 'The imported weights');
    expect(fit.ok).toBe(false);
    expect(fit.misfits).toEqual(['fc1.bias', 'fc2.weight', 'out.weight', 'out.bias']);
    expect(fit.message).toBe(
      'The imported weights no longer fit the model: fc1.bias is missing; fc2.weight has 10 values, the model needs 4096; out.weight has 3 values, the model needs 192; and 1 more.',
    );
  });
});
