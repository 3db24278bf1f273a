import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { importNpz } from '../../../runtime/data/import/npz';
import { loadDatasetFile, type ImportOptions } from '../../../runtime/data/node/load-file';

/** Writes every fixture with Debian's numpy (python3-numpy), in one Python run. */
const MAKE_FIXTURES = `
import sys, zipfile, io
import numpy as np
d = sys.argv[1]
np.savez(d + '/good.npz', x=np.arange(24, dtype=np.float32).reshape(4, 2, 3), y=np.array([0, 2, 1, 2], dtype=np.int64))
np.savez_compressed(d + '/compressed.npz', x=np.array([[0.5, -1.25], [3.0, 4.5], [1e-3, 2.0]]), y=np.array([1, 0, 1], dtype=np.uint8))
np.savez(d + '/tokens.npz', x=np.array([[5, 6, 7, 8], [1, 2, 3, 4]], dtype=np.int32), y=np.array([[6, 7, 8, 0], [2, 3, 4, 0]], dtype=np.int64))
np.savez(d + '/images.npz', x=np.array([[[0, 255], [128, 1]], [[2, 3], [4, 5]]], dtype=np.uint8), y=np.array([True, False]))
np.savez(d + '/regress.npz', x=np.array([[1.0], [2.0], [3.0]], dtype=np.float32), y=np.array([0.25, 0.5, 0.75]))
np.savez(d + '/nolabel.npz', x=np.zeros((5, 2), dtype=np.float32))
np.savez(d + '/positional.npz', np.ones((3, 2), dtype=np.float32), np.array([2, 0, 1]))
np.savez(d + '/multi.npz', image=np.ones((2, 1, 2, 2), dtype=np.float32), meta=np.array([[7], [9]], dtype=np.int64), y=np.array([1, 0]))
for v in (2, 3):
    with zipfile.ZipFile(d + '/v%d.npz' % v, 'w') as z:
        for name, arr in (('x', np.array([[1.5, 2.5], [3.5, 4.5]], dtype=np.float32)), ('y', np.array([1, 0], dtype=np.int32))):
            buf = io.BytesIO()
            np.lib.format.write_array(buf, arr, version=(v, 0))
            z.writestr(name + '.npy', buf.getvalue())
with zipfile.ZipFile(d + '/extra.npz', 'w') as z:
    buf = io.BytesIO(); np.save(buf, np.zeros((2, 2), dtype=np.float32)); z.writestr('x.npy', buf.getvalue())
    z.writestr('notes.txt', 'hello')
with zipfile.ZipFile(d + '/garbage.npz', 'w') as z:
    z.writestr('x.npy', b'PK this is no npy file at all')
np.savez(d + '/complex.npz', x=np.ones((2, 2), dtype=np.complex64), y=np.array([0, 1]))
np.savez(d + '/uint32.npz', x=np.ones((2, 2), dtype=np.float32), y=np.array([0, 1], dtype=np.uint32))
np.savez(d + '/bigendian.npz', x=np.ones((2, 2), dtype='>f4'), y=np.array([0, 1]))
np.savez(d + '/fortran.npz', x=np.asfortranarray(np.arange(6, dtype=np.float32).reshape(3, 2)), y=np.array([0, 1, 0]))
np.savez(d + '/mismatch.npz', x=np.ones((4, 2), dtype=np.float32), y=np.array([0, 1, 0]))
np.savez(d + '/neglabel.npz', x=np.ones((3, 2), dtype=np.float32), y=np.array([0, -1, 2]))
np.savez(d + '/huge.npz', x=np.ones((2, 2), dtype=np.float32), y=np.array([0, 2**40]))
np.savez(d + '/object.npz', x=np.array([[1, 'a'], [2, 'b']], dtype=object), y=np.array([0, 1]))
np.savez(d + '/scalar.npz', x=np.float32(3.0), y=np.array(1))
np.savez_compressed(d + '/bomb.npz', x=np.zeros((1000000,), dtype=np.float64))
np.save(d + '/bare.npy', np.ones(3, dtype=np.float32))
`;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-npz-'));
  execFileSync('/usr/bin/python3', ['-c', MAKE_FIXTURES, dir]);
}, 30_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const load = (name: string, opts?: ImportOptions) => loadDatasetFile(join(dir, name), opts);

async function failure(name: string, opts?: ImportOptions): Promise<string> {
  try {
    await load(name, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replaceAll(`${dir}/`, '');
  }
  throw new Error('expected a DataError');
}

describe('npz import', () => {
  it('reads x float32 and y int64 written by numpy.savez', async () => {
    const ds = await load('good.npz');
    expect(ds.size).toBe(4);
    expect(ds.inputs).toEqual({ x: { shape: [2, 3], dtype: 'float32' } });
    expect(ds.targets).toEqual({ y: { shape: [], dtype: 'int64' } });
    expect(ds.arrays.x).toBeInstanceOf(Float32Array);
    expect(Array.from(ds.arrays.x!)).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(ds.arrays.y).toBeInstanceOf(Int32Array);
    expect(Array.from(ds.arrays.y!)).toEqual([0, 2, 1, 2]);
    expect(ds.info.task).toBe('classification');
    expect(ds.info.classNames).toEqual(['0', '1', '2']);
    expect(ds.info.name).toBe('good.npz');
    expect(ds.warnings).toEqual([]);
  });

  it('reads savez_compressed, float64 (as float32) and uint8 labels (as int64)', async () => {
    const ds = await load('compressed.npz');
    expect(ds.inputs.x).toEqual({ shape: [2], dtype: 'float32' });
    expect(Array.from(ds.arrays.x!)).toEqual([0.5, -1.25, 3, 4.5, 1e-3, 2].map(Math.fround));
    expect(ds.targets.y).toEqual({ shape: [], dtype: 'int64' });
    expect(Array.from(ds.arrays.y!)).toEqual([1, 0, 1]);
  });

  it('keeps integer inputs as int64 ids, and integer sequence targets as sequence labelling', async () => {
    const ds = await load('tokens.npz');
    expect(ds.inputs.x).toEqual({ shape: [4], dtype: 'int64' });
    expect(ds.targets.y).toEqual({ shape: [4], dtype: 'int64' });
    expect(Array.from(ds.arrays.x!)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
    expect(Array.from(ds.arrays.y!)).toEqual([6, 7, 8, 0, 2, 3, 4, 0]);
    expect(ds.info.task).toBe('sequence-labelling');
  });

  it('turns uint8 inputs into float32 (values kept) and a bool target into int64', async () => {
    const ds = await load('images.npz');
    expect(ds.inputs.x).toEqual({ shape: [2, 2], dtype: 'float32' });
    expect(ds.arrays.x).toBeInstanceOf(Float32Array);
    expect(Array.from(ds.arrays.x!)).toEqual([0, 255, 128, 1, 2, 3, 4, 5]);
    expect(ds.targets.y).toEqual({ shape: [], dtype: 'int64' });
    expect(Array.from(ds.arrays.y!)).toEqual([1, 0]);
  });

  it('reads a float target as regression, and no target as inputs only', async () => {
    const reg = await load('regress.npz');
    expect(reg.info.task).toBe('regression');
    expect(reg.targets.y).toEqual({ shape: [], dtype: 'float32' });
    expect(Array.from(reg.arrays.y!)).toEqual([0.25, 0.5, 0.75]);
    const gen = await load('nolabel.npz');
    expect(gen.info.task).toBe('generative');
    expect(gen.targets).toEqual({});
    expect(gen.size).toBe(5);
    expect(gen.warnings).toEqual([`${join(dir, 'nolabel.npz')}: there is no array y, so the dataset has inputs only (for an autoencoder or a generator)`]);
  });

  it('reads positional arrays as x and y, and names several inputs after their arrays', async () => {
    const pos = await load('positional.npz');
    expect(Object.keys(pos.inputs)).toEqual(['x']);
    expect(Array.from(pos.arrays.y!)).toEqual([2, 0, 1]);
    expect(pos.warnings[0]).toMatch(/arr_0 is read as x and arr_1 as y/);
    const multi = await load('multi.npz');
    expect(multi.inputs).toEqual({ image: { shape: [1, 2, 2], dtype: 'float32' }, meta: { shape: [1], dtype: 'int64' } });
    expect(Array.from(multi.arrays.meta!)).toEqual([7, 9]);
    expect(Array.from(multi.arrays.y!)).toEqual([1, 0]);
  });

  it('reads .npy format versions 2 and 3', async () => {
    for (const v of ['v2.npz', 'v3.npz']) {
      const ds = await load(v);
      expect(Array.from(ds.arrays.x!)).toEqual([1.5, 2.5, 3.5, 4.5]);
      expect(Array.from(ds.arrays.y!)).toEqual([1, 0]);
      expect(ds.inputs.x).toEqual({ shape: [2], dtype: 'float32' });
    }
  });
});

describe('npz import errors', () => {
  it('refuses a truncated archive and one that is not a zip', async () => {
    const good = new Uint8Array(await readFile(join(dir, 'good.npz')));
    await writeFile(join(dir, 'cut.npz'), good.subarray(0, good.length - 40));
    expect(await failure('cut.npz')).toBe('cut.npz: not a readable .npz file (the zip archive is truncated or damaged: invalid zip data)');
    await writeFile(join(dir, 'text.npz'), 'just some text');
    expect(await failure('text.npz')).toBe('text.npz: not an .npz file (it is not a zip archive)');
    expect(() => importNpz('bare.npy', new Uint8Array([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]))).toThrow(
      'bare.npy: this is a single .npy array, not an .npz archive; save with np.savez(path, x=…, y=…)',
    );
    expect(await failure('bare.npy')).toBe('bare.npy: a single .npy array has no targets; save an .npz with np.savez(path, x=…, y=…)');
  });

  it('refuses damaged compressed data', async () => {
    const bytes = new Uint8Array(await readFile(join(dir, 'compressed.npz')));
    const damaged = bytes.slice();
    for (let i = 60; i < 90; i++) damaged[i] = 0xff; // inside the first entry's deflate stream
    expect(() => importNpz('damaged.npz', damaged)).toThrow(/^damaged\.npz: not a readable \.npz file \(the zip archive is truncated or damaged: \w/);
  });

  it('names an entry that is not a .npy array', async () => {
    expect(await failure('extra.npz')).toBe('extra.npz, entry notes.txt: not a .npy array; an .npz holds only .npy files');
    expect(await failure('garbage.npz')).toBe('garbage.npz, entry x.npy: not a .npy array (it does not start with \\x93NUMPY)');
  });

  it('names the entry and the dtype that is not supported', async () => {
    expect(await failure('complex.npz')).toBe('complex.npz, entry x.npy: dtype <c8 is not supported; use <f4, <f8, <i4, <i8, |u1 and |b1 (bool)');
    expect(await failure('uint32.npz')).toBe('uint32.npz, entry y.npy: dtype <u4 is not supported; use <f4, <f8, <i4, <i8, |u1 and |b1 (bool)');
    expect(await failure('bigendian.npz')).toBe(
      "bigendian.npz, entry x.npy: dtype >f4 is big-endian; save a.astype(a.dtype.newbyteorder('<'))",
    );
    expect(await failure('object.npz')).toBe('object.npz, entry x.npy: the array holds Python objects (dtype |O); save a numeric array');
  });

  it('refuses Fortran order', async () => {
    expect(await failure('fortran.npz')).toBe('fortran.npz, entry x.npy: the array is stored in Fortran order; save np.ascontiguousarray(a) instead');
  });

  it('names the array whose first dimension differs, and a 0-d array', async () => {
    expect(await failure('mismatch.npz')).toBe(
      'mismatch.npz, entry y.npy: the array has 3 samples (first dimension) but x.npy has 4; every array needs one entry per sample',
    );
    expect(await failure('scalar.npz')).toBe('scalar.npz, entry x.npy: the array is a single number; it needs a first dimension with one entry per sample');
  });

  it('refuses a label out of range and an int64 that does not fit in 32 bits', async () => {
    expect(await failure('neglabel.npz')).toBe(
      'neglabel.npz, entry y.npy: label -1 of sample 1 is out of range; labels must be whole numbers from 0 to 100000',
    );
    expect(await failure('huge.npz')).toBe(
      'huge.npz, entry y.npy: value 1099511627776 at index 1 does not fit in 32 bits; ids and labels must be below 2147483648',
    );
  });

  it('refuses a file over the size limit, and arrays that unpack to more than the limit', async () => {
    const size = (await readFile(join(dir, 'good.npz'))).length;
    expect(await failure('good.npz', { maxBytes: 100 })).toBe(`good.npz: the file is ${size} bytes, over the 100 bytes limit; raise the size limit to load it`);
    expect(await failure('bomb.npz', { maxBytes: 1024 * 1024 })).toBe(
      'bomb.npz, entry x.npy: the data would take 7.6 MiB in memory, over the 1.0 MiB limit; the arrays are too large to unpack',
    );
  });
});
