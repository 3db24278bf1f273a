/**
 * The preload as built (electron/preload.ts bundled by esbuild, as `npm run build:electron` does), run in
 * Node with stand-ins for contextBridge, ipcRenderer, webUtils and the DOM, its IPC wired to the real main
 * handlers (ipc-handlers.ts): the Host it exposes, request and reply checks, clean error messages, menu
 * commands (queued until the renderer listens, edit commands in text fields handed to Chromium), drops.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSafetensors } from '../../exporters/safetensors';
import { LIMITS } from '../../electron/ipc-contract';
import { createIpcHandlers, type IpcSender } from '../../electron/ipc-handlers';
import { PathGrants, RecentProjects } from '../../electron/project-files';
import { RecoveryStore } from '../../electron/recovery';
import { NATIVE_TRAINING_PORT_MESSAGE, type Host, type MenuCommand } from '../../renderer/host/host';

const root = new URL('../../', import.meta.url).pathname;
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');
const sender: IpcSender = { windowId: 1, frameUrl: 'app://layerloom/index.html', isMainFrame: true };

let code = '';
let dir = '';
beforeAll(async () => {
  const out = await build({
    entryPoints: [join(root, 'electron/preload.ts')],
    bundle: true,
    platform: 'browser',
    target: 'chrome140',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['electron'],
    write: false,
    logLevel: 'warning',
  });
  code = out.outputFiles[0]!.text;
  dir = mkdtempSync(join(tmpdir(), 'layerloom-preload-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Just enough DOM for the preload's "is a text field focused?" check.
class FakeElement {
  shadowRoot = null;
  isContentEditable = false;
  disabled = false;
}
class FakeInput extends FakeElement {
  constructor(public type: string) {
    super();
  }
}
class FakeTextArea extends FakeElement {}

let run = 0;
function loadPreload(options: { reply?: (channel: string, payload: unknown) => unknown } = {}) {
  const work = join(dir, `run-${++run}`);
  mkdirSync(work);
  const grants = new PathGrants();
  const saveAnswers: string[] = [];
  const handlers = createIpcHandlers({
    grants,
    recent: new RecentProjects(join(work, 'recent.json'), LIMITS.recent, grants),
    recovery: new RecoveryStore(join(work, 'recovery')),
    dialogs: {
      chooseOpenPath: async () => null,
      chooseSavePath: async () => saveAnswers.shift() ?? null,
      confirmReplace: async () => true,
    },
    windows: {
      recoverySlot: () => 'slot',
      takePendingOpen: () => null,
      setTitle: () => undefined,
      setDirty: () => undefined,
      nativeEdit: () => undefined,
      projectLocated: () => undefined,
      saveFinished: () => undefined,
    },
  });
  const exposed: Record<string, unknown> = {};
  const listeners = new Map<string, (event: unknown, payload: unknown) => void>();
  const invoked: string[] = [];
  const sent: Array<[string, unknown]> = [];
  const document = { activeElement: null as FakeElement | null };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => void (exposed[key] = api) },
    ipcRenderer: {
      invoke: async (channel: string, payload: unknown) => {
        invoked.push(channel);
        return options.reply ? options.reply(channel, payload) : handlers.invoke(channel, sender, payload);
      },
      send: (channel: string, payload: unknown) => {
        sent.push([channel, payload]);
        const refusal = handlers.send(channel, sender, payload);
        if (refusal) throw new Error(refusal);
      },
      on: (channel: string, listener: (event: unknown, payload: unknown) => void) => void listeners.set(channel, listener),
    },
    webUtils: { getPathForFile: (file: { path?: string }) => file.path ?? '' },
  };
  const module = { exports: {} };
  const requireInPreload = (id: string) => {
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  new Function('require', 'module', 'exports', 'document', 'HTMLElement', 'HTMLInputElement', 'HTMLTextAreaElement', code)(
    requireInPreload,
    module,
    module.exports,
    document,
    FakeElement,
    FakeInput,
    FakeTextArea,
  );
  return {
    exposed,
    host: exposed.host as Host,
    work,
    saveAnswers,
    invoked,
    sent,
    document,
    menu: (payload: unknown) => listeners.get('menu:command')!({}, payload),
    emit: (channel: string, event: unknown, payload: unknown) => listeners.get(channel)!(event, payload),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('the preload Host', () => {
  it('exposes exactly the Host as window.host, and nothing of Node or Electron', () => {
    const { exposed, host } = loadPreload();
    expect(Object.keys(exposed)).toEqual(['host']);
    expect(host.kind).toBe('electron');
    expect(Object.keys(host).sort()).toEqual(
      [
        'clearRecovery',
        'deleteBlock',
        'kind',
        'listBlocks',
        'nativeTraining',
        'onMenuCommand',
        'openProject',
        'openRecent',
        'readDroppedFile',
        'readRecovery',
        'readRecoveryWeights',
        'readWeights',
        'recentProjects',
        'saveBlock',
        'saveProject',
        'setDirty',
        'setTitle',
        'writeRecovery',
        'writeRecoveryWeights',
        'writeWeights',
      ].sort(),
    );
  });

  it('saves, lists recent projects and keeps an autosave through main', async () => {
    const p = loadPreload();
    const target = join(p.work, 'net.layerloom');
    p.saveAnswers.push(target);
    expect(await p.host.saveProject({ name: 'net.json', text: lenet })).toEqual({ location: target, name: 'net.layerloom' });
    expect(readFileSync(target, 'utf8')).toBe(lenet);
    expect(await p.host.recentProjects()).toEqual([{ location: target, name: 'net.layerloom' }]);
    expect(await p.host.openRecent(target)).toEqual({ location: target, name: 'net.layerloom', text: lenet });
    expect(await p.host.openProject()).toBeNull();
    await p.host.writeRecovery(lenet);
    expect(await p.host.readRecovery()).toBe(lenet);
    // The kept weights of the recovery copy: a safetensors file, through the validated channel, back the same.
    const kept = encodeSafetensors([{ name: 'fc.bias', dtype: 'F32', shape: [2], data: Float32Array.of(0.5, -1) }]);
    expect(await p.host.readRecoveryWeights()).toBeNull();
    await p.host.writeRecoveryWeights(kept);
    expect(Array.from((await p.host.readRecoveryWeights())!)).toEqual(Array.from(kept));
    await expect(p.host.writeRecoveryWeights(Uint8Array.of(1, 2, 3))).rejects.toThrow(/not a safetensors file/);
    await p.host.clearRecovery();
    expect(await p.host.readRecovery()).toBeNull();
    expect(await p.host.readRecoveryWeights()).toBeNull();
    await p.host.writeRecoveryWeights(kept);
    await p.host.writeRecoveryWeights(null);
    expect(await p.host.readRecoveryWeights()).toBeNull();
    // Trained weights go beside the saved project, through the validated channel, and come back the same.
    expect(await p.host.readWeights(target)).toBeNull();
    await p.host.writeWeights(target, Uint8Array.of(9, 8, 7));
    expect(Array.from(readFileSync(join(p.work, 'net.weights.safetensors')))).toEqual([9, 8, 7]);
    expect(Array.from((await p.host.readWeights(target))!)).toEqual([9, 8, 7]);
  });

  it("rejects with main's message, without Electron's wrapper", async () => {
    const p = loadPreload();
    await expect(p.host.openRecent('/etc/passwd')).rejects.toThrow(/^Refused to open "\/etc\/passwd": it is not on the recent list/);
  });

  it('refuses invalid requests before sending them', async () => {
    const p = loadPreload();
    await expect(p.host.saveProject({ name: 'big', text: 'x'.repeat(LIMITS.projectChars + 1) })).rejects.toThrow(/^Layerloom refused "project:save": file\.text: Too big/);
    expect(p.invoked).toEqual([]);
  });

  it('refuses replies that do not match the contract', async () => {
    const p = loadPreload({ reply: () => ({ ok: true, value: { location: 5 } }) });
    await expect(p.host.openProject()).rejects.toThrow(/unexpected reply on "project:open"/);
    const q = loadPreload({ reply: () => 'not an envelope' });
    await expect(q.host.recentProjects()).rejects.toThrow(/unexpected reply on "project:recent"/);
  });

  it('reads a dropped file through main when it has a path, and itself when it has none', async () => {
    const p = loadPreload();
    const path = join(p.work, 'dropped.json');
    writeFileSync(path, lenet);
    const fromDesktop = Object.assign(new File([lenet], 'dropped.json'), { path });
    expect(await p.host.readDroppedFile(fromDesktop)).toEqual({ location: path, name: 'dropped.json', text: lenet });
    expect(p.invoked).toEqual(['project:open-dropped']);
    expect(await p.host.readDroppedFile(new File(['{"format":"layerloom.graph"}'], 'made.json'))).toEqual({
      name: 'made.json',
      text: '{"format":"layerloom.graph"}',
    });
    const onnx = Object.assign(new File(['x'], 'model.onnx'), { path: join(p.work, 'model.onnx') });
    await expect(p.host.readDroppedFile(onnx)).rejects.toThrow('“model.onnx” is an ONNX model; Layerloom opens project files (.layerloom or .json).');
  });

  it('sends the title and the unsaved flag, checked', () => {
    const p = loadPreload();
    p.host.setTitle('• net.layerloom — Layerloom');
    p.host.setDirty(true);
    p.host.setTitle('t'.repeat(LIMITS.title + 50));
    expect(p.sent.map(([c]) => c)).toEqual(['window:set-title', 'window:set-dirty', 'window:set-title']);
    expect((p.sent[2]![1] as { title: string }).title).toHaveLength(LIMITS.title);
  });
});

describe('menu commands in the preload', () => {
  it('queues commands until the renderer listens, then delivers them in order', async () => {
    const p = loadPreload();
    p.menu('open');
    p.menu('fitView');
    const got: MenuCommand[] = [];
    const stop = p.host.onMenuCommand((c) => got.push(c));
    expect(got).toEqual([]);
    await tick();
    expect(got).toEqual(['open', 'fitView']);
    p.menu('save');
    expect(got).toEqual(['open', 'fitView', 'save']);
    stop();
    p.menu('undo');
    await tick();
    expect(got).toHaveLength(3);
  });

  it('ignores commands that are not in the contract', () => {
    const p = loadPreload();
    const got: MenuCommand[] = [];
    p.host.onMenuCommand((c) => got.push(c));
    for (const bad of ['reload', 42, null, { command: 'open' }]) p.menu(bad);
    expect(got).toEqual([]);
  });

  it("hands edit commands to Chromium while a text field has focus, and canvas commands to the renderer", () => {
    const p = loadPreload();
    const got: MenuCommand[] = [];
    p.host.onMenuCommand((c) => got.push(c));
    p.document.activeElement = new FakeTextArea();
    p.menu('paste');
    p.menu('undo');
    p.menu('fitView');
    p.document.activeElement = new FakeInput('checkbox');
    p.menu('copy');
    p.document.activeElement = new FakeInput('number');
    p.menu('selectAll');
    expect(p.sent).toEqual([
      ['window:native-edit', { command: 'paste' }],
      ['window:native-edit', { command: 'undo' }],
      ['window:native-edit', { command: 'selectAll' }],
    ]);
    expect(got).toEqual(['fitView', 'copy']);
  });

  it('native training: asks main for a port, relays the port to the page by its nonce, and tells the page when the process is gone', async () => {
    // Without a training process in main (as in a test of the handlers alone) the request is refused in one line.
    const refused = loadPreload();
    await expect(refused.host.nativeTraining!.requestPort('abcdef123456')).rejects.toThrow(/^Native training is not available in this window\.$/);
    await expect(refused.host.nativeTraining!.requestPort('short')).rejects.toThrow(/^Layerloom refused "training:connect": nonce: 8 to 64/);

    const asked: unknown[] = [];
    const p = loadPreload({ reply: (channel, payload) => (asked.push([channel, payload]), { ok: true, value: null }) });
    await p.host.nativeTraining!.requestPort('abcdef123456');
    expect(asked).toEqual([['training:connect', { nonce: 'abcdef123456' }]]);

    // The port main sends is posted to the page's own window with the nonce; malformed deliveries are dropped.
    const posted: Array<[unknown, string, unknown[] | undefined]> = [];
    const saved = (globalThis as { window?: unknown }).window;
    (globalThis as { window?: unknown }).window = { postMessage: (data: unknown, origin: string, transfer?: unknown[]) => posted.push([data, origin, transfer]) };
    try {
      const port = { name: 'port' };
      p.emit('training:port', { ports: [port] }, { nonce: 'abcdef123456' });
      p.emit('training:port', { ports: [port] }, { nonce: 'abcdef123456', extra: 1 });
      p.emit('training:port', { ports: [] }, { nonce: 'abcdef123456' });
      expect(posted).toEqual([[{ type: NATIVE_TRAINING_PORT_MESSAGE, nonce: 'abcdef123456' }, '*', [port]]]);
    } finally {
      (globalThis as { window?: unknown }).window = saved;
    }

    const gone: string[] = [];
    const unsubscribe = p.host.nativeTraining!.onGone((m) => gone.push(m));
    p.emit('training:gone', {}, { message: 'The native training process stopped unexpectedly (exit code 9).' });
    p.emit('training:gone', {}, { message: 42 });
    unsubscribe();
    p.emit('training:gone', {}, { message: 'after unsubscribing' });
    expect(gone).toEqual(['The native training process stopped unexpectedly (exit code 9).']);
  });
});
