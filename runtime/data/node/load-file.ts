/**
 * Node-only: reads the user's data file or folder and hands its bytes to the browser-safe importers in
 * ../import. The importer is chosen by extension (.csv, .npz, .txt, .md) or by the path being a folder
 * (an image folder, one subfolder per class). Every problem is a DataError with a one-line message naming
 * the path; nothing is written.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { DataError } from '../errors';
import { checkFileSize, DEFAULT_MAX_BYTES, formatBytes, type ImportedDataset } from '../import/common';
import { importCsv } from '../import/csv';
import { importImageFolder, type ImageFile } from '../import/image-folder';
import { importNpz } from '../import/npz';
import { importText } from '../import/text';

export interface ImportOptions {
  /** CSV: the label column, by name or 1-based number. Default: the last column. */
  label?: string;
  /** Image folders: [H, W] of every sample. Default [32, 32]. */
  imageSize?: [number, number];
  /** Image folders: default 'rgb'. */
  color?: 'grayscale' | 'rgb';
  /** Text: default 'char'. */
  tokenize?: 'char' | 'word';
  /** Text: tokens per sample. Default 64 (char) or 16 (word). */
  seqLen?: number;
  /** Text: tokens between sample starts. Default seqLen. */
  stride?: number;
  /** Text: largest vocabulary, counting <pad> and <unk>. Default 10000. */
  vocabSize?: number;
  /** Largest file (and, for a folder, largest total of images) to read. Default 512 MiB. */
  maxBytes?: number;
}

const IMAGE_EXT = /\.(png|jpe?g)$/i;

/** The error of a failed file-system call, in words. */
function fsError(path: string, e: unknown): DataError {
  if (e instanceof DataError) return e;
  const code = (e as { code?: string }).code;
  if (code === 'ENOENT') return new DataError(`${path}: no such file or folder`);
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`${path}: permission denied`);
  if (code === 'ENOTDIR') return new DataError(`${path}: no such file or folder (a part of the path is a file)`);
  return new DataError(`${path}: cannot read it (${e instanceof Error ? e.message : String(e)})`);
}

async function readChecked(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const s = await stat(path);
    checkFileSize(path, s.size, maxBytes);
    return new Uint8Array(await readFile(path));
  } catch (e) {
    throw fsError(path, e);
  }
}

/** Lists the files under `dir` (relative paths with /), skipping hidden entries; reads only the images. */
async function readImageFolder(root: string, maxBytes: number): Promise<{ files: ImageFile[]; classFolders: string[] }> {
  const files: ImageFile[] = [];
  const classFolders: string[] = [];
  let total = 0;
  const walk = async (rel: string): Promise<void> => {
    const dir = rel ? join(root, rel) : root;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (e) {
      throw fsError(dir, e);
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const childRel = rel ? `${rel}/${entry.name}` : entry.name;
      const full = join(root, childRel);
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const s = await stat(full);
          isDir = s.isDirectory();
          isFile = s.isFile();
        } catch (e) {
          throw fsError(full, e);
        }
      }
      if (isDir) {
        if (!rel) classFolders.push(entry.name);
        await walk(childRel);
      } else if (isFile) {
        if (!IMAGE_EXT.test(entry.name)) {
          files.push({ path: childRel, bytes: new Uint8Array(0) }); // skipped (and listed) by the importer
          continue;
        }
        const bytes = await readChecked(full, maxBytes);
        total += bytes.length;
        if (total > maxBytes)
          throw new DataError(`${root}: the images total more than ${formatBytes(maxBytes)} (the limit); use fewer or smaller images, or raise the size limit`);
        files.push({ path: childRel, bytes });
      }
    }
  };
  await walk('');
  return { files, classFolders };
}

/**
 * Loads the user's data: a .csv, .npz, .txt or .md file, or a folder of images with one subfolder per
 * class. Throws a DataError with a one-line message for anything wrong with it.
 */
export async function loadDatasetFile(path: string, options: ImportOptions = {}): Promise<ImportedDataset> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw fsError(path, e);
  }
  if (info.isDirectory()) {
    const { files, classFolders } = await readImageFolder(path, maxBytes);
    return importImageFolder(
      path,
      files,
{ imageSize: options.imageSize, color: options.color, maxBytes },
      classFolders,
    );
  }
  const ext = extname(path).toLowerCase();
  switch (ext) {
    case '.csv':
      return importCsv(path, await readChecked(path, maxBytes), { label: options.label, maxBytes });
    case '.npz':
      return importNpz(path, await readChecked(path, maxBytes), { maxBytes });
    case '.txt':
    case '.md':
      return importText(path, await readChecked(path, maxBytes), {
        tokenize: options.tokenize,
        seqLen: options.seqLen,
        stride: options.stride,
        vocabSize: options.vocabSize,
        maxBytes,
      });
    case '.npy':
      throw new DataError(`${path}: a single .npy array has no targets; save an .npz with np.savez(path, x=…, y=…)`);
    default:
      throw new DataError(
        `${path}: cannot tell the format${ext ? ` of a ${ext} file` : ''}; use a .csv, .npz, .txt or .md file, or a folder of images with one subfolder per class`,
      );
  }
}
