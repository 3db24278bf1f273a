import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../runtime/data/errors';
import { loadDatasetFile } from '../../../runtime/data/node/load-file';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'layerloom-load-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function failure(path: string): Promise<string> {
  try {
    await loadDatasetFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(DataError);
    return (e as Error).message.replaceAll(`${dir}/`, '');
  }
  throw new Error('expected a DataError');
}

describe('loadDatasetFile', () => {
  it('picks the importer by extension, in any case', async () => {
    await writeFile(join(dir, 'table.CSV'), 'a,b\n1,0\n2,1\n');
    await writeFile(join(dir, 'story.txt'), 'once upon a time there was a tiny model');
    await writeFile(join(dir, 'notes.md'), '# Notes\n\nSome words to read, some words to learn.');
    const csv = await loadDatasetFile(join(dir, 'table.CSV'));
    expect(csv.inputs.x).toEqual({ shape: [1], dtype: 'float32' });
    expect(Array.from(csv.arrays.y!)).toEqual([0, 1]);
    const txt = await loadDatasetFile(join(dir, 'story.txt'), { seqLen: 8 });
    expect(txt.info.task).toBe('language-model');
    expect(txt.inputs.x).toEqual({ shape: [8], dtype: 'int64' });
    expect(txt.size).toBe(4); // 40 characters: ⌊(40 − 1 − 8) / 8⌋ + 1
    const md = await loadDatasetFile(join(dir, 'notes.md'), { tokenize: 'word', seqLen: 3, stride: 3, vocabSize: 5 });
    expect(md.info.vocab).toEqual(['<pad>', '<unk>', 'some', 'to', 'words']);
  });

  it('says so when the path does not exist', async () => {
    expect(await failure(join(dir, 'nothing.csv'))).toBe('nothing.csv: no such file or folder');
    expect(await failure(join(dir, 'no-folder/'))).toBe('no-folder/: no such file or folder');
  });

  it('refuses a format it cannot read', async () => {
    await writeFile(join(dir, 'sheet.xlsx'), 'PK');
    expect(await failure(join(dir, 'sheet.xlsx'))).toBe(
      'sheet.xlsx: cannot tell the format of a .xlsx file; use a .csv, .npz, .txt or .md file, or a folder of images with one subfolder per class',
    );
    await writeFile(join(dir, 'README'), 'x');
    expect(await failure(join(dir, 'README'))).toBe(
      'README: cannot tell the format; use a .csv, .npz, .txt or .md file, or a folder of images with one subfolder per class',
    );
  });

  it('refuses a folder whose images together pass the size limit', async () => {
    const folder = join(dir, 'many');
    await mkdir(join(folder, 'a'), { recursive: true });
    // the files are not decoded before the limit is checked, so their content does not matter
    await writeFile(join(folder, 'a', '1.png'), new Uint8Array(600));
    await writeFile(join(folder, 'a', '2.png'), new Uint8Array(600));
    await expect(loadDatasetFile(folder, { maxBytes: 1000 })).rejects.toThrow(
      `${folder}: the images total more than 1000 bytes (the limit); use fewer or smaller images, or raise the size limit`,
    );
  });
});
