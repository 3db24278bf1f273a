/**
 * The per-user block library: block definitions saved for reuse across projects, in
 * `<userData>/block-library.json`, written atomically. The renderer reaches it through Host.listBlocks /
 * saveBlock / deleteBlock (IPC channels `blocks:*`, validated in ipc-handlers.ts). A damaged file is moved
 * aside (`block-library.json.damaged-<time>`), never overwritten, and the library starts empty.
 */
import { promises as fsp } from 'node:fs';
import { z } from 'zod';
import { libraryBlockSchema, LIMITS } from './ipc-contract';
import { atomicWriteFile } from './project-files';

export const BLOCK_LIBRARY_FORMAT = 'layerloom.block-library';

const fileSchema = z.strictObject({
  format: z.literal(BLOCK_LIBRARY_FORMAT),
  version: z.literal(1),
  blocks: z.array(libraryBlockSchema).max(LIMITS.libraryBlocks),
});

export type LibraryBlockEntry = z.infer<typeof libraryBlockSchema>;

export class BlockLibraryStore {
  constructor(
    readonly file: string,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Every entry, newest first. */
  async list(): Promise<LibraryBlockEntry[]> {
    let raw: string;
    try {
      raw = await fsp.readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    try {
      const parsed = fileSchema.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data.blocks;
    } catch {
      // not JSON: handled below
    }
    const aside = `${this.file}.damaged-${this.now().toISOString().replace(/[:.]/g, '-')}`;
    console.warn(`Layerloom: the block library ${this.file} is damaged; it was moved to ${aside} and the library starts empty`);
    await fsp.rename(this.file, aside);
    return [];
  }

  /** Adds an entry, or replaces the one with its id, and puts it first. */
  async save(block: LibraryBlockEntry): Promise<void> {
    const blocks = [block, ...(await this.list()).filter((b) => b.id !== block.id)];
    if (blocks.length > LIMITS.libraryBlocks) throw new Error(`the block library holds at most ${LIMITS.libraryBlocks} blocks; delete some first`);
    await this.write(blocks);
  }

  async delete(id: string): Promise<void> {
    const blocks = await this.list();
    if (!blocks.some((b) => b.id === id)) return;
    await this.write(blocks.filter((b) => b.id !== id));
  }

  private async write(blocks: readonly LibraryBlockEntry[]): Promise<void> {
    await atomicWriteFile(this.file, `${JSON.stringify({ format: BLOCK_LIBRARY_FORMAT, version: 1, blocks }, null, 1)}\n`);
  }
}
