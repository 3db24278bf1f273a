/**
 * Writes files so that a reader never sees half a file: write to a temporary file beside the target,
 * fsync, then rename over it. Several files are all written before any is renamed, and on failure every
 * temporary file is removed and no target is touched.
 */
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export async function writeFilesAtomically(files: readonly { path: string; data: Uint8Array | string }[]): Promise<void> {
  const temps: { tmp: string; path: string }[] = [];
  try {
    for (const f of files) {
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.${Date.now()}.tmp`);
      temps.push({ tmp, path: f.path });
      const handle = await open(tmp, 'w');
      try {
        await handle.writeFile(f.data);
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    for (const t of temps) await rename(t.tmp, t.path);
  } catch (e) {
    await Promise.all(temps.map((t) => rm(t.tmp, { force: true })));
    throw e;
  }
}
