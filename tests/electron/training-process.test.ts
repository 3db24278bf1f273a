/**
 * Main's side of native training (electron/training-process.ts) with an injected fork: the utility process
 * starts on the first request only, serves every window over its own channel, is restarted after it dies
 * (the connected windows told in one line), is not restarted while it keeps dying, and is killed on quit;
 * the `training:connect` request is checked (sender, nonce) before anything forks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createIpcHandlers, type IpcSender } from '../../electron/ipc-handlers';
import { PathGrants, RecentProjects } from '../../electron/project-files';
import { RecoveryStore } from '../../electron/recovery';
import { CRASH_LIMIT, CRASH_WINDOW_MS, goneMessage, TrainingProcess } from '../../electron/training-process';

class FakeChild {
  readonly posted: Array<{ message: unknown; transfer: unknown[] | undefined }> = [];
  killed = 0;
  private exitListener: ((code: number) => void) | null = null;
  postMessage(message: unknown, transfer?: unknown[]) {
    this.posted.push({ message, transfer });
  }
  kill() {
    this.killed++;
    return true;
  }
  on(event: 'exit', listener: (code: number) => void) {
    if (event === 'exit') this.exitListener = listener;
    return this;
  }
  exit(code: number) {
    this.exitListener?.(code);
  }
}

interface FakePort {
  readonly id: number;
  closed: boolean;
}

function setup(options: { windows?: number[] } = {}) {
  const children: FakeChild[] = [];
  const delivered: Array<{ windowId: number; nonce: string; port: FakePort }> = [];
  const gone: Array<[number, string]> = [];
  const open = new Set(options.windows ?? [1, 2]);
  let clock = 1_000_000;
  let ports = 0;
  const training = new TrainingProcess<FakePort>({
    fork: () => {
      const child = new FakeChild();
      children.push(child);
      return child;
    },
    channel: () => ({ port1: { id: ++ports, closed: false }, port2: { id: ++ports, closed: false } }),
    deliver: (windowId, nonce, port) => {
      if (!open.has(windowId)) {
        port.closed = true;
        return false;
      }
      delivered.push({ windowId, nonce, port });
      return true;
    },
    notifyGone: (windowId, message) => void gone.push([windowId, message]),
    now: () => clock,
  });
  return { training, children, delivered, gone, open, advance: (ms: number) => (clock += ms) };
}

describe('the native training process in main', () => {
  it('forks on the first request only, and gives each window its own channel', () => {
    const s = setup();
    expect(s.training.running).toBe(false);
    expect(s.children).toHaveLength(0);
    s.training.connect(1, 'nonce-aaaa');
    s.training.connect(2, 'nonce-bbbb');
    s.training.connect(1, 'nonce-cccc');
    expect(s.children).toHaveLength(1);
    expect(s.training.forkCount).toBe(1);
    const child = s.children[0]!;
    // One end of each channel to the process, the other to the window, with the window's nonce.
    expect(child.posted.map((p) => p.message)).toEqual([{ type: 'connect' }, { type: 'connect' }, { type: 'connect' }]);
    expect(child.posted.map((p) => (p.transfer as FakePort[]).map((q) => q.id))).toEqual([[1], [3], [5]]);
    expect(s.delivered.map((d) => [d.windowId, d.nonce, d.port.id])).toEqual([
      [1, 'nonce-aaaa', 2],
      [2, 'nonce-bbbb', 4],
      [1, 'nonce-cccc', 6],
    ]);
  });

  it('tells the connected windows in one line when the process dies, and forks a new one on the next request', () => {
    const s = setup({ windows: [1, 2, 3] });
    s.training.connect(1, 'nonce-aaaa');
    s.training.connect(2, 'nonce-bbbb');
    s.training.windowClosed(2);
    s.children[0]!.exit(134);
    expect(s.gone).toEqual([[1, goneMessage(134)]]);
    expect(goneMessage(134)).toBe('The native training process stopped unexpectedly (exit code 134); the run ended there. Start again to train in a new process.');
    expect(s.training.running).toBe(false);
    s.training.connect(3, 'nonce-dddd');
    expect(s.children).toHaveLength(2);
    expect(s.children[1]!.posted).toHaveLength(1);
    // A late exit of the old process says nothing to the windows of the new one.
    s.children[0]!.exit(1);
    expect(s.gone).toHaveLength(1);
    s.children[1]!.exit(9);
    expect(s.gone).toEqual([
      [1, goneMessage(134)],
      [3, goneMessage(9)],
    ]);
  });

  it('a window that is gone gets no port, and is not told about the process', () => {
    const s = setup({ windows: [1] });
    s.training.connect(7, 'nonce-aaaa');
    expect(s.delivered).toHaveLength(0);
    s.children[0]!.exit(1);
    expect(s.gone).toEqual([]);
  });

  it(`does not restart a process that died ${CRASH_LIMIT} times within a minute, until the minute has passed`, () => {
    const s = setup();
    for (let i = 0; i < CRASH_LIMIT; i++) {
      s.training.connect(1, 'nonce-aaaa');
      s.children.at(-1)!.exit(139);
      s.advance(1000);
    }
    expect(() => s.training.connect(1, 'nonce-aaaa')).toThrow(
      `The native training process stopped ${CRASH_LIMIT} times within a minute, so it is not restarted now; train on the GPU or try again in a minute.`,
    );
    expect(s.children).toHaveLength(CRASH_LIMIT);
    s.advance(CRASH_WINDOW_MS);
    s.training.connect(1, 'nonce-aaaa');
    expect(s.children).toHaveLength(CRASH_LIMIT + 1);
  });

  it('kills the process on quit, says nothing about that exit, and refuses later requests', () => {
    const s = setup();
    s.training.connect(1, 'nonce-aaaa');
    s.training.dispose();
    expect(s.children[0]!.killed).toBe(1);
    s.children[0]!.exit(0);
    expect(s.gone).toEqual([]);
    expect(() => s.training.connect(1, 'nonce-bbbb')).toThrow(/quitting/);
    expect(s.children).toHaveLength(1);
    // Quitting without ever training forks nothing and kills nothing.
    const t = setup();
    t.training.dispose();
    expect(t.children).toHaveLength(0);
  });

  it('a fork that throws is one line for the panel', () => {
    const t = new TrainingProcess<FakePort>({
      fork: () => {
        throw new Error('spawn ENOENT\n    at fork (node:internal)');
      },
      channel: () => ({ port1: { id: 1, closed: false }, port2: { id: 2, closed: false } }),
      deliver: () => true,
      notifyGone: () => undefined,
    });
    expect(() => t.connect(1, 'nonce-aaaa')).toThrow(/^The native training process could not be started: spawn ENOENT$/);
  });
});

describe('the training:connect request', () => {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-training-ipc-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const s = setup();
  const grants = new PathGrants();
  const handlers = createIpcHandlers({
    grants,
    recent: new RecentProjects(join(dir, 'recent.json'), 10, grants),
    recovery: new RecoveryStore(join(dir, 'recovery')),
    dialogs: { chooseOpenPath: async () => null, chooseSavePath: async () => null, confirmReplace: async () => false },
    windows: {
      recoverySlot: () => null,
      takePendingOpen: () => null,
      setTitle: () => undefined,
      setDirty: () => undefined,
      nativeEdit: () => undefined,
      projectLocated: () => undefined,
      saveFinished: () => undefined,
    },
    training: s.training,
  });
  const app: IpcSender = { windowId: 1, frameUrl: 'app://layerloom/index.html', isMainFrame: true };

  it('forks and delivers for a Layerloom window with a valid nonce; refuses others before forking', async () => {
    expect(await handlers.invoke('training:connect', { ...app, frameUrl: 'https://evil.example/' }, { nonce: 'nonce-aaaa' })).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^Refused "training:connect": the sender's page/),
    });
    expect(await handlers.invoke('training:connect', { ...app, isMainFrame: false }, { nonce: 'nonce-aaaa' })).toMatchObject({ ok: false });
    for (const payload of [{ nonce: 'short' }, { nonce: 'has spaces in it' }, { nonce: 'nonce-aaaa', port: 1 }, null, 'nonce-aaaa'])
      expect(await handlers.invoke('training:connect', app, payload)).toMatchObject({ ok: false, error: expect.stringMatching(/^Refused "training:connect": invalid payload/) });
    expect(s.children).toHaveLength(0);
    expect(await handlers.invoke('training:connect', app, { nonce: 'nonce-aaaa' })).toEqual({ ok: true, value: null });
    expect(s.children).toHaveLength(1);
    expect(s.delivered.map((d) => [d.windowId, d.nonce])).toEqual([[1, 'nonce-aaaa']]);
  });

  it("passes the process manager's refusal back as one line", async () => {
    s.training.dispose();
    expect(await handlers.invoke('training:connect', app, { nonce: 'nonce-bbbb' })).toEqual({
      ok: false,
      error: 'Layerloom is quitting; native training is no longer available.',
    });
  });
});
