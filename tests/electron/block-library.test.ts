/**
 * The per-user block library in the desktop shell: entries survive a restart, replace by id, a damaged file
 * is moved aside rather than lost, and the `blocks:*` IPC requests are checked for sender and payload.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BlockLibraryStore } from '../../electron/block-library';
import { createIpcHandlers, type IpcSender } from '../../electron/ipc-handlers';
import { PathGrants, RecentProjects } from '../../electron/project-files';
import { RecoveryStore } from '../../electron/recovery';

const entry = (id: string, name = id) => ({ id, name, hash: '0123abcd', savedAt: '2026-11-23T01:00:00.000Z', text: '{"name":"x","body":{"nodes":[],"edges":[]}}' });
const win: IpcSender = { windowId: 1, frameUrl: 'app://layerloom/index.html', isMainFrame: true };

function handlers(dir: string, blocks?: BlockLibraryStore) {
  const grants = new PathGrants();
  const fail = async () => {
    throw new Error('no dialogs here');
  };
  return createIpcHandlers({
    grants,
    recent: new RecentProjects(join(dir, 'recent.json'), 10, grants),
    recovery: new RecoveryStore(join(dir, 'recovery')),
    ...(blocks ? { blocks } : {}),
    dialogs: { chooseOpenPath: fail, chooseSavePath: fail, confirmReplace: fail },
    windows: {
      recoverySlot: () => null,
      takePendingOpen: () => null,
      setTitle: () => undefined,
      setDirty: () => undefined,
      nativeEdit: () => undefined,
      projectLocated: () => undefined,
      saveFinished: () => undefined,
    },
  });
}

describe('the block library store', () => {
  it('keeps entries across restarts, newest first, replacing by id, and deletes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-blocks-'));
    const file = join(dir, 'block-library.json');
    const a = new BlockLibraryStore(file);
    expect(await a.list()).toEqual([]);
    await a.save(entry('enc', 'Encoder'));
    await a.save(entry('ff', 'FeedForward'));
    await a.save(entry('enc', 'Encoder v2'));
    const b = new BlockLibraryStore(file);
    expect((await b.list()).map((x) => x.name)).toEqual(['Encoder v2', 'FeedForward']);
    await b.delete('ff');
    expect((await new BlockLibraryStore(file).list()).map((x) => x.id)).toEqual(['enc']);
  });

  it('moves a damaged file aside and starts empty, losing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-blocks-'));
    const file = join(dir, 'block-library.json');
    writeFileSync(file, '{"format": "layerloom.block-library", "blocks": [');
    const store = new BlockLibraryStore(file, () => new Date('2026-11-23T01:02:03.000Z'));
    expect(await store.list()).toEqual([]);
    expect(existsSync(file)).toBe(false);
    const aside = readdirSync(dir).filter((f) => f.startsWith('block-library.json.damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0]!), 'utf8')).toContain('"blocks": [');
    await store.save(entry('enc'));
    expect((await store.list()).map((x) => x.id)).toEqual(['enc']);
  });
});

describe('blocks:* IPC requests', () => {
  it('list, save and delete through the checked handlers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-blocks-ipc-'));
    const h = handlers(dir, new BlockLibraryStore(join(dir, 'block-library.json')));
    expect(await h.invoke('blocks:save', win, { block: entry('enc', 'Encoder') })).toEqual({ ok: true, value: null });
    expect(await h.invoke('blocks:list', win, null)).toEqual({ ok: true, value: [entry('enc', 'Encoder')] });
    expect(await h.invoke('blocks:delete', win, { id: 'enc' })).toEqual({ ok: true, value: null });
    expect(await h.invoke('blocks:list', win, null)).toEqual({ ok: true, value: [] });
  });

  it('refuses bad payloads, foreign senders and a missing library with a message', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-blocks-ipc-'));
    const h = handlers(dir, new BlockLibraryStore(join(dir, 'block-library.json')));
    const bad = await h.invoke('blocks:save', win, { block: { ...entry('../etc'), extra: 1 } });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/Refused "blocks:save": invalid payload/);
    const foreign = await h.invoke('blocks:list', { ...win, frameUrl: 'https://example.com/' }, null);
    expect(!foreign.ok && foreign.error).toMatch(/not Layerloom's/);
    const none = await handlers(dir).invoke('blocks:list', win, null);
    expect(!none.ok && none.error).toBe('The block library is not available in this window.');
  });
});
