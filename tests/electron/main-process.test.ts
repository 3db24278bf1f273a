/**
 * The main process as built (electron/main.ts bundled by esbuild, as `npm run build:electron` does), run in
 * Node against a recording stand-in for the `electron` module (fixtures/fake-electron.ts): start-up, the
 * window and its security settings, IPC wiring, closing with unsaved changes, crash recovery across a
 * restart, files opened by the OS, menus and renderer crashes. The real Electron run is app.electron.test.ts,
 * which needs the Electron binary.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { APP_ENTRY_URL } from '../../electron/ipc-contract';
import { CONTENT_SECURITY_POLICY } from '../../electron/security';
import { createFakeElectron, type FakeElectron, type FakeWindow } from './fixtures/fake-electron';

const root = new URL('../../', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const lenet = readFileSync(join(root, 'examples/lenet5.json'), 'utf8');
const project = (name: string) => JSON.stringify({ format: 'layerloom.graph', version: 1, name, nodes: [], edges: [] }, null, 2);

let base = '';
let mainPath = '';
let work = '';

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'layerloom-main-'));
  mainPath = join(base, 'app', 'electron', 'main.cjs');
  await build({
    entryPoints: [join(root, 'electron/main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    mainFields: ['module', 'main'],
    external: ['electron'],
    outfile: mainPath,
    logLevel: 'warning',
  });
  mkdirSync(join(base, 'app', 'web'));
  writeFileSync(join(base, 'app', 'web', 'index.html'), '<!doctype html><title>Layerloom</title><div id="root"></div>');
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

let counter = 0;
const savedArgv = process.argv;
afterEach(() => {
  process.argv = savedArgv;
});

/** Loads main.cjs with `electron` resolved to a fresh fake, as one run of the app with its own userData. */
function boot(userData: string, argv: string[] = []): FakeElectron {
  const fake = createFakeElectron({ appData: join(base, 'appData'), documents: join(work, 'docs') });
  const loader = Module as unknown as { _load: (request: string, ...rest: unknown[]) => unknown };
  const original = loader._load;
  const savedEnv = process.env.LAYERLOOM_USER_DATA_DIR;
  process.env.LAYERLOOM_USER_DATA_DIR = userData;
  loader._load = function (request: string, ...rest: unknown[]) {
    return request === 'electron' ? fake.electron : original.call(this, request, ...rest);
  };
  try {
    delete require.cache[mainPath];
    require(mainPath);
  } finally {
    loader._load = original;
    if (savedEnv === undefined) delete process.env.LAYERLOOM_USER_DATA_DIR;
    else process.env.LAYERLOOM_USER_DATA_DIR = savedEnv;
  }
  // main reads the command line once the app is ready (restored after each test).
  process.argv = ['/opt/Layerloom/layerloom', ...argv];
  fake.ready();
  return fake;
}

async function until(condition: () => boolean, what: string, timeout = 10_000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeout) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const fresh = () => {
  work = join(base, `run-${++counter}`);
  mkdirSync(join(work, 'docs'), { recursive: true });
  return { userData: join(work, 'userData'), docs: join(work, 'docs') };
};

async function started(userData: string, windows = 1, argv: string[] = []): Promise<{ fake: FakeElectron; win: FakeWindow }> {
  const fake = boot(userData, argv);
  await until(() => fake.windows().length >= windows && fake.windows().every((w) => w.loadedUrls.length > 0), `${windows} window(s)`);
  return { fake, win: fake.windows()[0]! };
}

const sentCommands = (win: FakeWindow) => win.webContents.sent.filter(([c]) => c === 'menu:command').map(([, p]) => p);

describe('main process start-up', () => {
  it('sets the WebGPU switches, the app:// scheme and serves the renderer with the CSP', async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    expect(fake.log.switches).toEqual(['enable-unsafe-webgpu', 'enable-features=Vulkan']);
    expect(fake.log.schemes).toEqual([{ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }]);
    const response = await fake.log.protocolHandlers.get('app')!(new Request('app://layerloom/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');

    expect(win.loadedUrls).toEqual([APP_ENTRY_URL]);
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false });
    expect(String((win.options.webPreferences as { preload: string }).preload)).toBe(join(base, 'app', 'electron', 'preload.cjs'));
    expect(fake.log.menus.at(-1)!.map((m) => m.label)).toEqual(['&File', '&Edit', '&View', '&Model', '&Train', '&Help']);
    expect(fake.electron.session.defaultSession.blocked).toEqual(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']);
    const check = fake.electron.session.defaultSession.permissionCheck as unknown as (...a: unknown[]) => boolean;
    expect(check(null, 'media', 'app://layerloom', { requestingUrl: 'app://layerloom/index.html' })).toBe(false);
    expect(check(null, 'clipboard-sanitized-write', 'app://layerloom', { requestingUrl: 'app://layerloom/index.html' })).toBe(true);
  });

  it('denies navigation away and new windows', async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    expect(win.webContents.emitPreventable('will-navigate', { url: 'https://evil.example/' })).toBe(true);
    expect(win.webContents.emitPreventable('will-navigate', { url: 'file:///home/u/dropped.layerloom' })).toBe(true);
    expect(win.webContents.emitPreventable('will-navigate', { url: 'app://layerloom/index.html#help' })).toBe(false);
    expect(win.webContents.emitPreventable('will-attach-webview', {})).toBe(true);
    expect(win.webContents.windowOpenHandler!({ url: 'https://pytorch.org/docs/' })).toEqual({ action: 'deny' });
    expect(win.webContents.windowOpenHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    await until(() => fake.log.externalUrls.length === 1, 'the external link');
    expect(fake.log.externalUrls).toEqual(['https://pytorch.org/docs/']);
  });

  it('restores the remembered window within the screen and remembers where it moves', async () => {
    const { userData } = fresh();
    mkdirSync(userData, { recursive: true });
    writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 5000, y: 3000, width: 1400, height: 900, maximized: true }));
    const { win } = await started(userData);
    expect(win.bounds).toEqual({ x: 260, y: 75, width: 1400, height: 900 });
    expect(win.maximized).toBe(true);
    win.setBounds({ x: 100, y: 60, width: 1300, height: 850 });
    await until(() => readFileSync(join(userData, 'window-state.json'), 'utf8').includes('1300'), 'the saved window state');
    expect(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8'))).toEqual({ x: 100, y: 60, width: 1300, height: 850, maximized: true });
  });
});

describe('main process IPC', () => {
  it('saves through the dialog and refuses a sender from another origin', async () => {
    const { userData, docs } = fresh();
    const { fake, win } = await started(userData);
    const target = join(docs, 'net.layerloom');
    fake.answers.save.push(target);
    const reply = await fake.renderer(win).invoke('project:save', { file: { name: 'net.json', text: lenet }, saveAs: false });
    expect(reply).toEqual({ ok: true, value: { location: target, name: 'net.layerloom' } });
    expect(fake.log.saveDialogs[0]!.defaultPath).toBe(join(docs, 'net.layerloom'));
    expect(readFileSync(target, 'utf8')).toBe(lenet);
    expect(fake.log.recentDocuments).toEqual([target]);
    // The File › Open Recent menu now lists it.
    await until(() => fake.menuItem('recent:0')?.label === 'net.layerloom', 'the recent menu');

    const evil = await fake.renderer(win, 'https://evil.example/').invoke('project:save', { file: { location: target, name: 'x', text: project('evil') }, saveAs: false });
    expect(evil).toEqual({ ok: false, error: expect.stringMatching(/^Refused "project:save": the sender's page \(https:\/\/evil\.example\/\) is not Layerloom's/) });
    expect(readFileSync(target, 'utf8')).toBe(lenet);
  });

  it('follows the renderer title and routes edit commands in text fields to Chromium', async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    fake.renderer(win).send('window:set-title', { title: '• net.layerloom — Layerloom' });
    expect(win.title).toBe('• net.layerloom — Layerloom');
    fake.renderer(win).send('window:native-edit', { command: 'paste' });
    expect(win.webContents.editing).toEqual(['paste']);
    fake.menuItem('command:undo')!.click!();
    fake.menuItem('command:commandPalette')!.click!();
    expect(sentCommands(win)).toEqual(['undo', 'commandPalette']);
  });
});

describe('closing with unsaved changes', () => {
  it('asks; Cancel keeps the window; Save saves, then closes and drops the autosave', async () => {
    const { userData, docs } = fresh();
    const { fake, win } = await started(userData);
    const renderer = fake.renderer(win);
    renderer.send('window:set-title', { title: '• Untitled.json — Layerloom' });
    renderer.send('window:set-dirty', { dirty: true });
    await renderer.invoke('recovery:write', { text: lenet });
    const slots = () => readdirSync(join(userData, 'recovery')).filter((n) => n.endsWith('.json'));
    expect(slots()).toHaveLength(1);

    fake.answers.messageBox.push(2); // Cancel
    win.close();
    await until(() => fake.log.messageBoxes.length === 1, 'the question');
    expect(fake.log.messageBoxes[0]).toMatchObject({
      message: 'Do you want to save the changes you made to “Untitled.json”?',
      buttons: ['Save', "Don't Save", 'Cancel'],
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(win.destroyed).toBe(false);

    fake.answers.messageBox.push(0); // Save
    win.close();
    await until(() => sentCommands(win).includes('save'), 'the save command');
    expect(win.destroyed).toBe(false);
    // The renderer saves (the user picks a file) and reports itself clean: the window closes.
    fake.answers.save.push(join(docs, 'kept.layerloom'));
    expect(await renderer.invoke('project:save', { file: { name: 'Untitled.json', text: lenet }, saveAs: false })).toMatchObject({ ok: true });
    renderer.send('window:set-dirty', { dirty: false });
    expect(win.destroyed).toBe(true);
    expect(readFileSync(join(docs, 'kept.layerloom'), 'utf8')).toBe(lenet);
    await until(() => slots().length === 0, 'the autosave to be dropped');
  });

  it("closes on Don't Save, and stays open when the save dialog is cancelled", async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    const renderer = fake.renderer(win);
    renderer.send('window:set-dirty', { dirty: true });
    fake.answers.messageBox.push(0); // Save …
    win.close();
    await until(() => sentCommands(win).includes('save'), 'the save command');
    fake.answers.save.push(null); // … but the user cancels the dialog
    expect(await renderer.invoke('project:save', { file: { name: 'a', text: project('a') }, saveAs: false })).toEqual({ ok: true, value: null });
    renderer.send('window:set-dirty', { dirty: false }); // an ordinary save later must not close it by surprise
    renderer.send('window:set-dirty', { dirty: true });
    expect(win.destroyed).toBe(false);

    fake.answers.messageBox.push(1); // Don't Save
    win.close();
    await until(() => win.destroyed, 'the window to close');
  });
});

describe('crash recovery across a restart', () => {
  it('offers the autosave of a window that never closed, in a window of its own', async () => {
    const { userData } = fresh();
    const first = await started(userData);
    await first.fake.renderer(first.win).invoke('recovery:write', { text: lenet });
    // The process dies here: nothing closes the window or clears its autosave.

    const second = await started(userData);
    expect(await second.fake.renderer(second.win).invoke('recovery:read')).toEqual({ ok: true, value: lenet });
    // The restored window then closes normally: the next start offers nothing.
    second.win.close();
    await until(() => readdirSync(join(userData, 'recovery')).filter((n) => n.endsWith('.json')).length === 0, 'the slot to clear');
    const third = await started(userData);
    expect(await third.fake.renderer(third.win).invoke('recovery:read')).toEqual({ ok: true, value: null });
  });

  it('keeps the autosave when the renderer crashes and the user closes the window', async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    await fake.renderer(win).invoke('recovery:write', { text: lenet });
    fake.answers.messageBox.push(1); // Close Window
    win.webContents.emit('render-process-gone', {}, { reason: 'crashed' });
    await until(() => win.destroyed, 'the crashed window to close');
    expect(fake.log.messageBoxes[0]!.message).toBe('The Layerloom editor stopped unexpectedly.');
    await new Promise((r) => setTimeout(r, 30));
    expect(readdirSync(join(userData, 'recovery')).filter((n) => n.endsWith('.json'))).toHaveLength(1);
  });
});

describe('files the OS opens', () => {
  it('opens a project named on the command line, and one from a second instance, without a dialog', async () => {
    const { userData, docs } = fresh();
    const first = join(docs, 'first.layerloom');
    const second = join(docs, 'second.layerloom');
    writeFileSync(first, project('first'));
    writeFileSync(second, project('second'));
    const { fake, win } = await started(userData, 1, [first]);
    // No blank window besides it: the file's window asks its renderer to open, and gets the file.
    await until(() => sentCommands(win).includes('open'), 'the open command');
    expect(fake.windows()).toHaveLength(1);
    expect(await fake.renderer(win).invoke('project:open')).toMatchObject({ ok: true, value: { location: first, name: 'first.layerloom' } });
    expect(fake.log.openDialogs).toBe(0);

    fake.electron.app.emit('second-instance', {}, ['/opt/Layerloom/layerloom', '--flag', 'second.layerloom'], docs, null);
    await until(() => fake.windows().length === 2 && sentCommands(fake.windows()[1]!).includes('open'), 'a second window');
    const other = fake.windows()[1]!;
    expect(await fake.renderer(other).invoke('project:open')).toMatchObject({ ok: true, value: { location: second } });
    // Taken once: the next Open shows the dialog.
    fake.answers.open.push(null);
    expect(await fake.renderer(other).invoke('project:open')).toEqual({ ok: true, value: null });
    expect(fake.log.openDialogs).toBe(1);
    expect(existsSync(join(userData, 'recent-projects.json'))).toBe(true);
  });
});

describe('native training', () => {
  it('forks the training process on the first request, hands each window a port, reports its death, restarts it and kills it on quit', async () => {
    const { userData } = fresh();
    const { fake, win } = await started(userData);
    expect(fake.log.utilityProcesses).toHaveLength(0);

    expect(await fake.renderer(win).invoke('training:connect', { nonce: 'nonce-0001' })).toEqual({ ok: true, value: null });
    expect(fake.log.utilityProcesses).toHaveLength(1);
    const child = fake.log.utilityProcesses[0]!;
    expect(child.modulePath).toBe(join(base, 'app', 'electron', 'training-utility.cjs'));
    expect(child.options).toMatchObject({ serviceName: 'Layerloom training' });
    // One end of the channel to the process, the other to the window with the nonce it asked with.
    expect(child.posted).toHaveLength(1);
    const [message, toChild] = child.posted[0]!;
    expect(message).toEqual({ type: 'connect' });
    const posted = win.webContents.posted;
    expect(posted.map(([channel, payload]) => [channel, payload])).toEqual([['training:port', { nonce: 'nonce-0001' }]]);
    expect(posted[0]![2]).toHaveLength(1);
    expect(posted[0]![2][0]).not.toBe((toChild as unknown[])[0]);

    // A page of another origin, or a bad nonce, is refused before anything is forked or posted.
    expect(await fake.renderer(win, 'https://evil.example/').invoke('training:connect', { nonce: 'nonce-0002' })).toMatchObject({ ok: false });
    expect(await fake.renderer(win).invoke('training:connect', { nonce: 'x' })).toMatchObject({ ok: false });
    expect(child.posted).toHaveLength(1);

    // A second request reuses the running process.
    await fake.renderer(win).invoke('training:connect', { nonce: 'nonce-0003' });
    expect(fake.log.utilityProcesses).toHaveLength(1);
    expect(child.posted).toHaveLength(2);

    child.emit('exit', 9);
    expect(win.webContents.sent.filter(([c]) => c === 'training:gone')).toEqual([
      ['training:gone', { message: 'The native training process stopped unexpectedly (exit code 9); the run ended there. Start again to train in a new process.' }],
    ]);
    await fake.renderer(win).invoke('training:connect', { nonce: 'nonce-0004' });
    expect(fake.log.utilityProcesses).toHaveLength(2);
    const next = fake.log.utilityProcesses[1]!;

    fake.electron.app.emit('will-quit', {});
    expect(next.killed).toBe(true);
    expect(child.killed).toBe(false);
    next.emit('exit', 0);
    expect(win.webContents.sent.filter(([c]) => c === 'training:gone')).toHaveLength(1);
  });
});
