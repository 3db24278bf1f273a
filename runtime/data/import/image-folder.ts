/**
 * Image-folder import: one subfolder per class, as torchvision's ImageFolder reads it.
 *
 * - PNG is decoded by fast-png and JPEG by jpeg-js, both pure JavaScript, so this runs in a browser worker.
 *   The format is recognised by the file's first bytes, so a JPEG named .png still loads.
 * - Colours follow Pillow: grayscale is L = 0.299 R + 0.587 G + 0.114 B; an alpha channel is dropped.
 * - Every image is resized to H×W with {@link resizeBilinear} (Pillow's antialiased bilinear).
 * - x is [C, H, W] float32 in [0, 1] (C = 1 for grayscale, 3 for RGB); y is [] int64; class names are the
 *   folder names sorted by code point, and samples are ordered by class, then by path.
 * - A class is the first folder of a file's path; images deeper inside it belong to the same class.
 * - Files that are not .png/.jpg/.jpeg, and files lying directly in the top folder, are skipped and
 *   listed in `warnings`; hidden files (.DS_Store, ._x.jpg) are skipped silently. A .png or .jpg that
 *   cannot be decoded, a class folder without images, and a folder without class folders are errors.
 */
import { decode as decodePng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { DataError } from '../errors';
import { baseName, checkDecodedSize, checkFileSize, checkInteger, compareStrings, type ImportedDataset } from './common';
import { resizeBilinear } from './resize';

export interface ImageFile {
  /** Path relative to the dataset folder, e.g. `cat/001.png` (/ or \ separators). */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ImageFolderOptions {
  /** [H, W] of every sample. Default [32, 32]. */
  readonly imageSize?: readonly [number, number];
  /** Default 'rgb'. */
  readonly color?: 'grayscale' | 'rgb';
  /** Each image file, and the decoded dataset, must stay under this. Default 512 MiB. */
  readonly maxBytes?: number;
}

/** Images above this many pixels are refused before decoding (as jpeg-js does by default). */
const MAX_PIXELS = 100_000_000;
const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** A decoded image, interleaved: `channels` values per pixel, each from 0 to `max`. */
interface Pixels {
  readonly width: number;
  readonly height: number;
  readonly channels: number;
  readonly data: ArrayLike<number>;
  readonly max: number;
}

function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && b[0] === 0x89 && b[1] === 0x50 && b[2] === 0x4e && b[3] === 0x47 && b[4] === 0x0d && b[5] === 0x0a && b[6] === 0x1a && b[7] === 0x0a;
}

function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Unpacks 1-, 2- and 4-bit grayscale rows (each row starts on a byte). */
function unpackBits(data: ArrayLike<number>, width: number, height: number, depth: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const bit = x * depth;
      const byte = data[y * rowBytes + (bit >> 3)]!;
      out[y * width + x] = (byte >> (8 - depth - (bit & 7))) & mask;
    }
  return out;
}

function readPng(where: string, bytes: Uint8Array): Pixels {
  if (bytes.length >= 24) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const w = view.getUint32(16);
    const h = view.getUint32(20);
    if (w * h > MAX_PIXELS) throw new DataError(`${where}: the image is ${w}×${h} pixels, more than ${MAX_PIXELS / 1e6} megapixels`);
  }
  let png;
  try {
    png = decodePng(bytes, { checkCrc: true });
  } catch (e) {
    throw new DataError(`${where}: unreadable image (the PNG data is damaged or truncated: ${message(e)})`);
  }
  const { width, height, depth } = png;
  if (png.palette) {
    // Indexed colour. An index past the end of the palette is drawn black, as browsers and libpng do.
    const palette = png.palette;
    const indices = depth < 8 ? unpackBits(png.data, width, height, depth) : png.data;
    const rgb = new Uint8Array(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      const colour = palette[indices[p]!];
      if (colour) rgb.set(colour.slice(0, 3), p * 3);
    }
    return { width, height, channels: 3, data: rgb, max: 255 };
  }
  const expected = width * height * png.channels;
  if (depth < 8) return { width, height, channels: png.channels, data: unpackBits(png.data, width, height, depth), max: (1 << depth) - 1 };
  if (png.data.length < expected) throw new DataError(`${where}: unreadable image (the PNG data is truncated)`);
  return { width, height, channels: png.channels, data: png.data, max: depth === 16 ? 65535 : 255 };
}

function readJpeg(where: string, bytes: Uint8Array): Pixels {
  try {
    const img = decodeJpeg(bytes, { useTArray: true, formatAsRGBA: false, tolerantDecoding: false, maxResolutionInMP: MAX_PIXELS / 1e6 });
    return { width: img.width, height: img.height, channels: 3, data: img.data, max: 255 };
  } catch (e) {
    throw new DataError(`${where}: unreadable image (the JPEG data is damaged or truncated: ${message(e)})`);
  }
}

/** Decodes a PNG or JPEG file into planar values in [0, 1] with `outChannels` channels (1 or 3), at its own size. */
function decodeImage(where: string, bytes: Uint8Array, outChannels: 1 | 3): { data: Float32Array; width: number; height: number } {
  let px: Pixels;
  if (isPng(bytes)) px = readPng(where, bytes);
  else if (isJpeg(bytes)) px = readJpeg(where, bytes);
  else throw new DataError(`${where}: unreadable image (it is not a PNG or JPEG file)`);
  const { width, height, channels, data, max } = px;
  if (width === 0 || height === 0) throw new DataError(`${where}: unreadable image (it has no pixels)`);
  const plane = width * height;
  const out = new Float32Array(outChannels * plane);
  const colour = channels >= 3;
  for (let p = 0; p < plane; p++) {
    const s = p * channels;
    if (outChannels === 1) {
      out[p] = (colour ? 0.299 * data[s]! + 0.587 * data[s + 1]! + 0.114 * data[s + 2]! : data[s]!) / max;
    } else if (colour) {
      out[p] = data[s]! / max;
      out[plane + p] = data[s + 1]! / max;
      out[2 * plane + p] = data[s + 2]! / max;
    } else {
      const v = data[s]! / max;
      out[p] = v;
      out[plane + p] = v;
      out[2 * plane + p] = v;
    }
  }
  return { data: out, width, height };
}

/**
 * Builds a classification dataset from the files of an image folder. `folder` names the folder in messages
 * and gives the dataset its name; `classFolders` lists the subfolders that exist (so an empty one can be
 * reported); without it, the class folders are read off the file paths.
 */
export function importImageFolder(
  folder: string,
  files: readonly ImageFile[],
  opts: ImageFolderOptions = {},
  classFolders?: readonly string[],
): ImportedDataset {
  const [h, w] = opts.imageSize ?? [32, 32];
  checkInteger(folder, 'the image height', h, 1);
  checkInteger(folder, 'the image width', w, 1);
  const color = opts.color ?? 'rgb';
  const channels = color === 'grayscale' ? 1 : 3;
  const shown = folder.replace(/[\\/]+$/, '');

  const warnings: string[] = [];
  const skipped: string[] = [];
  const byClass = new Map<string, { path: string; bytes: Uint8Array }[]>();
  for (const c of classFolders ?? []) if (!c.startsWith('.')) byClass.set(c, []);
  for (const f of files) {
    const parts = f.path.split(/[\\/]+/).filter((p) => p !== '' && p !== '.');
    const path = parts.join('/');
    if (parts.some((p) => p.startsWith('.'))) continue;
    if (parts.length < 2 || !IMAGE_EXT.test(path)) {
      skipped.push(path);
      continue;
    }
    const cls = parts[0]!;
    let list = byClass.get(cls);
    if (!list) byClass.set(cls, (list = []));
    list.push({ path, bytes: f.bytes });
  }
  if (skipped.length > 0) {
    const list = skipped.slice(0, 5).join(', ') + (skipped.length > 5 ? `, and ${skipped.length - 5} more` : '');
    warnings.push(`${shown}: skipped ${skipped.length} file${skipped.length === 1 ? '' : 's'} that ${skipped.length === 1 ? 'is' : 'are'} not a .png or .jpg inside a class folder: ${list}`);
  }
  const classNames = [...byClass.keys()].sort(compareStrings);
  if (classNames.length === 0)
    throw new DataError(`${shown}: no class folders; put the images of each class in their own subfolder (e.g. ${shown}/cat/1.png, ${shown}/dog/1.png)`);
  for (const c of classNames)
    if (byClass.get(c)!.length === 0) throw new DataError(`${shown}/${c}: the class folder has no images (.png or .jpg)`);
  if (classNames.length === 1) warnings.push(`${shown}: there is only one class folder (${classNames[0]}), so every image has the same label`);

  const samples = classNames.flatMap((c, label) => byClass.get(c)!.sort((a, b) => compareStrings(a.path, b.path)).map((s) => ({ ...s, label })));
  const per = channels * h * w;
  checkDecodedSize(shown, samples.length * per * 4, opts.maxBytes, 'choose a smaller image size or use fewer images');
  const x = new Float32Array(samples.length * per);
  const y = new Int32Array(samples.length);
  samples.forEach((s, i) => {
    const where = `${shown}/${s.path}`;
    checkFileSize(where, s.bytes.length, opts.maxBytes);
    const img = decodeImage(where, s.bytes, channels);
    x.set(resizeBilinear(img.data, channels, img.height, img.width, h, w), i * per);
    y[i] = s.label;
  });

  const name = baseName(shown);
  return {
    info: {
      name,
      title: name,
      description: `${samples.length} images in ${classNames.length} classes from the folder ${name}, resized to ${h}×${w} ${color === 'rgb' ? 'RGB' : 'grayscale'}.`,
      origin: `your folder ${name}`,
      task: 'classification',
      classNames,
      defaultSplit: { val: 0.15, test: 0.15 },
    },
    size: samples.length,
    inputs: { x: { shape: [channels, h, w], dtype: 'float32' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, y },
    warnings,
  };
}
