import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { importImageFolder } from '../../../runtime/data/import/image-folder';
import { resizeBilinear } from '../../../runtime/data/import/resize';
import { loadDatasetFile, type ImportOptions } from '../../../runtime/data/node/load-file';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'layerloom-img-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/** A solid-colour RGB PNG. */
function solidPng(w: number, h: number, rgb: readonly [number, number, number]): Uint8Array {
  const data = new Uint8Array(w * h * 3);
  for (let p = 0; p < w * h; p++) data.set(rgb, p * 3);
  return encodePng({ width: w, height: h, data, channels: 3, depth: 8 });
}

/** A solid-colour JPEG (jpeg-js takes RGBA). */
function solidJpeg(w: number, h: number, rgb: readonly [number, number, number]): Uint8Array {
  const data = new Uint8Array(w * h * 4);
  for (let p = 0; p < w * h; p++) data.set([...rgb, 255], p * 4);
  return new Uint8Array(encodeJpeg({ width: w, height: h, data }, 95).data);
}

/** Makes a folder from { 'cat/1.png': bytes, 'empty/': null } and returns its path. */
async function makeFolder(name: string, files: Record<string, Uint8Array | string | null>): Promise<string> {
  const dir = join(root, name);
  await mkdir(dir, { recursive: true });
  for (const [rel, bytes] of Object.entries(files)) {
    const path = join(dir, rel);
    if (bytes === null) await mkdir(path, { recursive: true });
    else {
      await mkdir(join(path, '..'), { recursive: true });
      await writeFile(path, bytes);
    }
  }
  return dir;
}

async function failure(dir: string, opts?: ImportOptions): Promise<string> {
  try {
    await loadDatasetFile(dir, opts);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replaceAll(`${root}/`, '');
  }
  throw new Error('expected a DataError');
}

describe('image folder import', () => {
  it('reads one class per subfolder, PNG and JPEG, resized, as [3, H, W] float32 in [0, 1]', async () => {
    const dir = await makeFolder('pets', {
      'dog/b.png': solidPng(10, 6, [0, 0, 255]),
      'dog/a.jpg': solidJpeg(16, 16, [255, 255, 255]),
      'cat/1.png': solidPng(8, 8, [255, 0, 0]),
      'cat/deeper/2.PNG': solidPng(3, 5, [0, 255, 0]),
      'README.txt': 'not an image',
      'dog/notes.md': 'also not an image',
      '.DS_Store': 'hidden',
      'cat/._1.png': 'macOS litter',
    });
    const ds = await loadDatasetFile(dir, { imageSize: [4, 6] });
    expect(ds.info.name).toBe('pets');
    expect(ds.info.task).toBe('classification');
    expect(ds.info.classNames).toEqual(['cat', 'dog']);
    expect(ds.size).toBe(4);
    expect(ds.inputs.x).toEqual({ shape: [3, 4, 6], dtype: 'float32' });
    expect(ds.targets.y).toEqual({ shape: [], dtype: 'int64' });
    // ordered by class, then path: cat/1.png, cat/deeper/2.PNG, dog/a.jpg, dog/b.png
    expect(Array.from(ds.arrays.y!)).toEqual([0, 0, 1, 1]);
    const x = ds.arrays.x as Float32Array;
    const per = 3 * 4 * 6;
    const channelMeans = (i: number) =>
      [0, 1, 2].map((c) => {
        const plane = x.subarray(i * per + c * 24, i * per + (c + 1) * 24);
        return plane.reduce((a, b) => a + b, 0) / 24;
      });
    expect(channelMeans(0)).toEqual([1, 0, 0]);
    expect(channelMeans(1)).toEqual([0, 1, 0]);
    channelMeans(2).forEach((v) => expect(v).toBeCloseTo(1, 2)); // white JPEG, lossy
    expect(channelMeans(3)).toEqual([0, 0, 1]);
    expect(Math.min(...x)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...x)).toBeLessThanOrEqual(1.0001);
    expect(ds.warnings.map((w) => w.replaceAll(`${root}/`, ''))).toEqual(['pets: skipped 2 files that are not a .png or .jpg inside a class folder: README.txt, dog/notes.md']);
  });

  it('converts to grayscale with the Pillow weights', async () => {
    const dir = await makeFolder('gray', {
      'red/r.png': solidPng(4, 4, [255, 0, 0]),
      'green/g.png': solidPng(4, 4, [0, 255, 0]),
      'mixed/m.png': solidPng(4, 4, [51, 102, 204]),
    });
    const ds = await loadDatasetFile(dir, { imageSize: [2, 2], color: 'grayscale' });
    expect(ds.inputs.x).toEqual({ shape: [1, 2, 2], dtype: 'float32' });
    expect(ds.info.classNames).toEqual(['green', 'mixed', 'red']);
    const x = Array.from(ds.arrays.x!);
    const lum = (r: number, g: number, b: number) => (0.299 * r + 0.587 * g + 0.114 * b) / 255;
    x.slice(0, 4).forEach((v) => expect(v).toBeCloseTo(lum(0, 255, 0), 6));
    x.slice(4, 8).forEach((v) => expect(v).toBeCloseTo(lum(51, 102, 204), 6));
    x.slice(8, 12).forEach((v) => expect(v).toBeCloseTo(lum(255, 0, 0), 6));
  });

  it('decodes 1-bit, 16-bit, grey+alpha and palette PNGs, and a JPEG named .png', async () => {
    // 1-bit grayscale 3×2: rows 101 / 010, packed into one byte per row
    const oneBit = encodePng({ width: 3, height: 2, data: Uint8Array.from([0b1010_0000, 0b0100_0000]), channels: 1, depth: 1 });
    const sixteen = encodePng({ width: 2, height: 1, data: Uint16Array.from([65535, 0]), channels: 1, depth: 16 });
    const greyAlpha = encodePng({ width: 2, height: 1, data: Uint8Array.from([51, 0, 204, 255]), channels: 2, depth: 8 });
    const palette = encodePng({
      width: 2,
      height: 1,
      data: Uint8Array.from([0b0001_0000]),
      channels: 1,
      depth: 4,
      palette: [
        [255, 0, 0],
        [0, 0, 255],
      ],
    });
    const files = [
      { path: 'a/one-bit.png', bytes: oneBit },
      { path: 'b/sixteen.png', bytes: sixteen },
      { path: 'c/grey-alpha.png', bytes: greyAlpha },
      { path: 'd/palette.png', bytes: palette },
      { path: 'e/actually-jpeg.png', bytes: solidJpeg(8, 8, [0, 0, 0]) },
    ];
    const gray = importImageFolder('formats', files, { imageSize: [2, 3], color: 'grayscale' });
    const x = Array.from(gray.arrays.x!);
    expect(x.slice(0, 6)).toEqual([1, 0, 1, 0, 1, 0]); // same size: no resampling
    const rgb = importImageFolder('formats', files.slice(1, 4), { imageSize: [1, 2], color: 'rgb' });
    const y = Array.from(rgb.arrays.x!);
    expect(y.slice(0, 6)).toEqual([1, 0, 1, 0, 1, 0]); // 16-bit white, black in each of R, G, B
    expect(y.slice(6, 12).map((v) => Math.round(v * 255))).toEqual([51, 204, 51, 204, 51, 204]); // alpha dropped
    expect(y.slice(12, 18)).toEqual([0, 1, 0, 0, 1, 0]); // palette indices 1, 0: blue, red (R, G, B planes)
    expect(x.slice(24, 30).every((v) => v < 0.02)).toBe(true); // the black JPEG
    // an index past the end of the palette is black, as browsers draw it
    const short = encodePng({ width: 2, height: 1, data: Uint8Array.from([0b0011_0000]), channels: 1, depth: 4, palette: [[255, 255, 255]] });
    const z = importImageFolder('short', [{ path: 'a/short.png', bytes: short }], { imageSize: [1, 2], color: 'grayscale' });
    expect(Array.from(z.arrays.x!)).toEqual([0, 1]);
  });

  it('resizes as Pillow BILINEAR does (values from Image.resize on a mode F image)', () => {
    const a = Float32Array.from({ length: 20 }, (_, i) => i);
    expect(Array.from(resizeBilinear(a, 1, 4, 5, 2, 3))).toEqual(
      [4.0, 5.5714287757873535, 7.142857074737549, 11.85714340209961, 13.428571701049805, 15.0].map((v) => expect.closeTo(v, 4)),
    );
    const b = Float32Array.from([0, 10, 20, 30]);
    expect(Array.from(resizeBilinear(b, 1, 2, 2, 4, 4))).toEqual([0, 2.5, 7.5, 10, 5, 7.5, 12.5, 15, 15, 17.5, 22.5, 25, 20, 22.5, 27.5, 30]);
    const c = Float32Array.from({ length: 36 }, (_, i) => i);
    const pillow = [
      1.6607142686843872, 3.0634920597076416, 4.507936477661133, 5.910714149475098, 8.517857551574707, 9.920635223388672, 11.365079879760742,
      12.767857551574707, 15.375, 16.77777862548828, 18.22222137451172, 19.625, 22.23214340209961, 23.63492202758789, 25.079364776611328,
      26.48214340209961, 29.089284896850586, 30.492063522338867, 31.936506271362305, 33.33928680419922,
    ];
    expect(Array.from(resizeBilinear(c, 1, 6, 6, 5, 4))).toEqual(pillow.map((v) => expect.closeTo(v, 4)));
    // two channels are resized independently
    const two = resizeBilinear(Float32Array.from([0, 10, 20, 30, 1, 1, 1, 1]), 2, 2, 2, 4, 4);
    expect(Array.from(two.subarray(16))).toEqual(new Array(16).fill(1));
  });
});

describe('image folder import errors', () => {
  it('names an image file that cannot be decoded', async () => {
    const dir = await makeFolder('broken', { 'cat/ok.png': solidPng(4, 4, [1, 2, 3]), 'cat/bad.png': 'these are not pixels' });
    expect(await failure(dir)).toBe('broken/cat/bad.png: unreadable image (it is not a PNG or JPEG file)');
  });

  it('names a truncated PNG and a truncated JPEG', async () => {
    const png = solidPng(32, 32, [10, 20, 30]);
    const pngDir = await makeFolder('cut-png', { 'a/x.png': png.subarray(0, png.length - 30) });
    expect(await failure(pngDir)).toMatch(/^cut-png\/a\/x\.png: unreadable image \(the PNG data is damaged or truncated: /);
    const jpg = solidJpeg(32, 32, [10, 20, 30]);
    const jpgDir = await makeFolder('cut-jpg', { 'a/x.jpg': jpg.subarray(0, Math.floor(jpg.length / 2)) });
    expect(await failure(jpgDir)).toMatch(/^cut-jpg\/a\/x\.jpg: unreadable image \(the JPEG data is damaged or truncated: /);
  });

  it('names an empty class folder, and one that holds only non-images', async () => {
    const dir = await makeFolder('half', { 'cat/1.png': solidPng(4, 4, [1, 2, 3]), 'dog/': null });
    expect(await failure(dir)).toBe('half/dog: the class folder has no images (.png or .jpg)');
    const dir2 = await makeFolder('half2', { 'cat/1.png': solidPng(4, 4, [1, 2, 3]), 'dog/readme.txt': 'x' });
    expect(await failure(dir2)).toBe('half2/dog: the class folder has no images (.png or .jpg)');
  });

  it('refuses a folder without class folders', async () => {
    const dir = await makeFolder('flat', { '1.png': solidPng(4, 4, [1, 2, 3]) });
    expect(await failure(dir)).toBe(
      'flat: no class folders; put the images of each class in their own subfolder (e.g. flat/cat/1.png, flat/dog/1.png)',
    );
  });

  it('refuses an image over the size limit, and a dataset too large for memory', async () => {
    const big = solidPng(64, 64, [9, 9, 9]);
    const dir = await makeFolder('big', { 'a/big.png': big });
    expect(await failure(dir, { maxBytes: 50 })).toBe(
      `big/a/big.png: the file is ${big.length} bytes, over the 50 bytes limit; raise the size limit to load it`,
    );
    const files = [{ path: 'a/big.png', bytes: big }];
    expect(() => importImageFolder('mem', files, { imageSize: [512, 512], maxBytes: 1024 * 1024 })).toThrow(
      'mem: the data would take 3.0 MiB in memory, over the 1.0 MiB limit; choose a smaller image size or use fewer images',
    );
  });

  it('refuses a bad image size', () => {
    expect(() => importImageFolder('x', [], { imageSize: [0, 4] })).toThrow('x: the image height must be a whole number of at least 1, not 0');
  });
});
