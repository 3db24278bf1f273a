/**
 * Pieces shared by the importers: the size limit, file names, UTF-8 decoding and the result type.
 * Browser-safe: nothing here touches the file system.
 */
import { strFromU8 } from 'fflate';
import type { Dataset } from '../dataset';
import { DataError } from '../errors';

/** Files (and decoded datasets) larger than this are refused unless the caller raises the limit: 512 MiB. */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** A Dataset read from the user's own file, with the things that were skipped (e.g. a README in an image folder). */
export interface ImportedDataset extends Dataset {
  readonly warnings: readonly string[];
}

/** "1.5 KiB", "600.0 MiB": a byte count for a person. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let v = n / 1024;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${v.toFixed(1)} ${units[u]}`;
}

/** Refuses a file of `size` bytes when it is over `maxBytes` (default 512 MiB). */
export function checkFileSize(file: string, size: number, maxBytes: number = DEFAULT_MAX_BYTES): void {
  if (size > maxBytes)
    throw new DataError(
      `${file}: the file is ${formatBytes(size)}${size >= 1024 ? ` (${size} bytes)` : ''}, over the ${formatBytes(maxBytes)} limit; raise the size limit to load it`,
    );
}

/** Refuses a decoded dataset that would need more than `maxBytes` of memory. */
export function checkDecodedSize(file: string, size: number, maxBytes: number = DEFAULT_MAX_BYTES, hint = ''): void {
  if (size > maxBytes)
    throw new DataError(
      `${file}: the data would take ${formatBytes(size)} in memory, over the ${formatBytes(maxBytes)} limit${hint ? `; ${hint}` : ''}`,
    );
}

/** Number of bytes `text` takes in UTF-8. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/**
 * The text of a file given as bytes (decoded as UTF-8, a byte-order mark dropped) or as a string, after the
 * size check.
 */
export function textOf(file: string, content: Uint8Array | string, maxBytes: number = DEFAULT_MAX_BYTES): string {
  checkFileSize(file, typeof content === 'string' ? utf8Length(content) : content.length, maxBytes);
  const text = typeof content === 'string' ? content : strFromU8(content);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** The last part of a path, for dataset names: `data/iris.csv` → `iris.csv`. Works with / and \. */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const i = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return i >= 0 ? trimmed.slice(i + 1) : trimmed;
}

/** Checks that an option is a whole number of at least `min`. */
export function checkInteger(file: string, option: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new DataError(`${file}: ${option} must be a whole number of at least ${min}, not ${value}`);
  return value;
}

/** Compares strings by code point, so sorting does not depend on the locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
