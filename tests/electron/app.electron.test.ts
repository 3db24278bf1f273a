/**
 * The desktop app in real Electron, driven by playwright-core's `_electron`: the editor flow of the browser
 * suite (tests/e2e/editor, whose helpers it shares) in the Electron window, plus what only the desktop has:
 * the sandboxed, isolated page with its preload Host, native menus, native save/open dialogs writing real
 * files, the question before closing with unsaved changes, crash recovery across a restart, and training on
 * the CPU with native onnxruntime in the utility process (restarted after it is killed).
 *
 * It needs the Electron binary, which Electron downloads from GitHub on first start (`npm start`). Where
 * that cannot happen (no internet, as on the machines that run this suite) or there is no display, it
 * skips and prints why.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron as electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, dropLayer, selectNode, setParam, watchErrors } from '../e2e/editor/harness';

const root = new URL('../../', import.meta.url).pathname;

/** The Electron binary (downloading it if it is missing and the network allows), or why there is none. */
function findElectron(): { path: string } | { reason: string } {
  const check = spawnSync(process.execPath, [join(root, 'build/start.mjs'), '--check'], { cwd: root, encoding: 'utf8', timeout: 300_000 });
  if (check.status !== 0) return { reason: check.stderr.trim().replace(/^Layerloom: /, '') || `the Electron check failed (${check.status})` };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY)
    return { reason: 'there is no display (DISPLAY is not set); run the tests under xvfb-run' };
  return { path: check.stdout.trim() };
}

const found = findElectron();
const electronPath = 'path' in found ? found.path : null;
if (!electronPath) console.warn(`app.electron.test: skipped, ${'reason' in found ? found.reason : ''}`);

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const LENET: readonly { id: string; kind: string; params?: Readonly<Record<string, string>> }[] = [
  { id: 'input', kind: 'Input', params: { shape: '1, 28, 28' } },
  { id: 'conv2d', kind: 'Conv2d', params: { out_channels: '6', kernel_size: '5', padding: '2' } },
  { id: 'relu', kind: 'ReLU' },
  { id: 'maxpool2d', kind: 'MaxPool2d' },
  { id: 'conv2d2', kind: 'Conv2d', params: { out_channels: '16', kernel_size: '5' } },
  { id: 'relu2', kind: 'ReLU' },
  { id: 'maxpool2d2', kind: 'MaxPool2d' },
  { id: 'flatten', kind: 'Flatten' },
  { id: 'linear', kind: 'Linear', params: { out_features: '120' } },
  { id: 'relu3', kind: 'ReLU' },
  { id: 'linear2', kind: 'Linear', params: { out_features: '84' } },
  { id: 'relu4', kind: 'ReLU' },
  { id: 'linear3', kind: 'Linear', params: { out_features: '10' } },
];

function npmRun(script: string): void {
  const npmCli = process.env.npm_execpath;
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, 'run', '--silent', script], { cwd: root, encoding: 'utf8' })
    : spawnSync('npm', ['run', '--silent', script], { cwd: root, encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`npm run ${script} failed:\n${result.stdout}\n${result.stderr}`);
}

describe.skipIf(!electronPath)('the desktop app in Electron', () => {
  let base = '';
  let userData = '';
  let docs = '';
  let app: ElectronApplication | undefined;
  let page: Page;
  let problems: string[] = [];

  async function launch(): Promise<void> {
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
    app = await electron.launch({
      executablePath: electronPath!,
      args: [join(root, 'dist/electron/main.cjs'), ...(asRoot ? ['--no-sandbox'] : [])],
      cwd: root,
      env: { ...process.env, LAYERLOOM_USER_DATA_DIR: userData } as Record<string, string>,
      timeout: 60_000,
    });
    page = await app.firstWindow();
    problems = watchErrors(page);
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.setBounds({ x: 0, y: 0, width: 1600, height: 1000 }));
    await page.getByTestId('canvas').waitFor();
  }

  /** Replaces the native dialogs (which a test cannot click) with answers; records the message boxes. */
  async function answerDialogs(answers: { save?: string; open?: string; messageBox?: number }): Promise<void> {
    await app!.evaluate(({ dialog }, a) => {
      const d = dialog as unknown as Record<string, unknown>;
      const g = globalThis as unknown as { messageBoxes?: string[] };
      g.messageBoxes ??= [];
      if (a.save !== undefined) d.showSaveDialog = async () => ({ canceled: false, filePath: a.save });
      if (a.open !== undefined) d.showOpenDialog = async () => ({ canceled: false, filePaths: [a.open] });
      if (a.messageBox !== undefined)
        d.showMessageBox = async (...args: unknown[]) => {
          g.messageBoxes!.push(String((args.at(-1) as { message: string }).message));
          return { response: a.messageBox, checkboxChecked: false };
        };
    }, answers);
  }

  const clickMenu = (id: string) =>
    app!.evaluate(({ Menu }, itemId) => {
      const item = Menu.getApplicationMenu()?.getMenuItemById(itemId);
      if (!item) throw new Error(`no menu item ${itemId}`);
      (item.click as () => void)();
    }, id);

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'layerloom-electron-'));
    userData = join(base, 'userData');
    docs = join(base, 'docs');
    mkdirSync(docs);
    npmRun('build:web');
    npmRun('build:electron');
    await launch();
  }, 300_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('runs the editor isolated, without Node, behind the preload Host, cross-origin isolated', async () => {
    expect(await page.evaluate('location.href')).toBe('app://layerloom/index.html');
    expect(await page.evaluate('window.host.kind')).toBe('electron');
    expect(await page.evaluate('typeof require')).toBe('undefined');
    expect(await page.evaluate('typeof process')).toBe('undefined');
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);
    // The page's own world cannot see the preload's: only the Host crosses the bridge.
    expect(await page.evaluate('Object.keys(window.host).sort().join()')).toBe(
      'clearRecovery,deleteBlock,kind,listBlocks,nativeTraining,onMenuCommand,openProject,openRecent,readDroppedFile,readRecovery,readRecoveryWeights,readWeights,recentProjects,saveBlock,saveProject,setDirty,setTitle,writeRecovery,writeRecoveryWeights,writeWeights',
    );
    // Navigating away is refused: the page stays where it is.
    await page.evaluate(`location.href = 'https://example.com/'`).catch(() => undefined);
    await page.waitForTimeout(300);
    expect(await page.evaluate('location.origin')).toBe('app://layerloom');
  });

  it('builds LeNet-5 by dragging from the palette and connecting, with shapes on the edges and the total', { timeout: 120_000 }, async () => {
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    for (const [i, layer] of LENET.entries()) {
      await dropLayer(page, layer.kind, { x: canvas.x + 140 + (i % 4) * 260, y: canvas.y + 70 + Math.floor(i / 4) * 170 });
      await expect.poll(() => page.getByTestId(`node-${layer.id}`).count()).toBe(1);
      for (const [name, value] of Object.entries(layer.params ?? {})) await setParam(page, name, value);
    }
    for (let i = 1; i < LENET.length; i++) await connect(page, LENET[i - 1]!.id, LENET[i]!.id);
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(LENET.length - 1);
    const labels = await page.locator('[data-testid^="edge-label-"]').allTextContents();
    expect(labels).toEqual(expect.arrayContaining(['[N, 1, 28, 28]', '[N, 6, 14, 14]', '[N, 16, 5, 5]', '[N, 400]', '[N, 84]']));
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('61,706');
  });

  it('shows a shape error on the node, fixes it in one click, and undoes and redoes from the native Edit menu', { timeout: 60_000 }, async () => {
    await selectNode(page, 'flatten');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-flatten').count()).toBe(0);
    await connect(page, 'maxpool2d2', 'linear');
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(1);
    await page.getByTestId('fix-linear').click();
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);

    await clickMenu('command:undo');
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(1);
    await clickMenu('command:redo');
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(1);
    await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('61,706');
  });

  it('adds a layer from the command palette, opened from the Model menu', async () => {
    await selectNode(page, 'linear3');
    await clickMenu('command:commandPalette');
    const input = page.getByTestId('command-palette-input');
    await input.waitFor();
    await input.fill('softm');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('node-softmax').count()).toBe(1);
  });

  it('saves through the native dialog to a real file, and reopens it from Recent after a restart', { timeout: 120_000 }, async () => {
    const target = join(docs, 'lenet.layerloom');
    await answerDialogs({ save: target });
    await page.keyboard.press(`${mod}+s`);
    await expect.poll(() => existsSync(target)).toBe(true);
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);
    const saved = JSON.parse(readFileSync(target, 'utf8')) as { format: string; nodes: { id: string }[] };
    expect(saved.format).toBe('layerloom.graph');
    expect(saved.nodes.map((n) => n.id)).toContain('softmax');
    expect(problems).toEqual([]);

    await app!.close();
    await launch();
    expect(await page.evaluate('window.host.recentProjects()')).toEqual([{ location: target, name: 'lenet.layerloom' }]);
    await page.getByTestId('tb-recent').click();
    await page.getByTestId('recent-lenet.layerloom').click();
    await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe('61,706');
    expect(await page.getByTestId('file-name').textContent()).toBe('lenet.layerloom');
  });

  it('asks before closing with unsaved changes: Cancel keeps the window', async () => {
    await selectNode(page, 'linear3');
    await setParam(page, 'out_features', '12');
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(1);
    await answerDialogs({ messageBox: 2 });
    await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await expect.poll(() => app!.evaluate(() => (globalThis as unknown as { messageBoxes: string[] }).messageBoxes.length)).toBe(1);
    expect(await app!.evaluate(() => (globalThis as unknown as { messageBoxes: string[] }).messageBoxes[0])).toBe(
      'Do you want to save the changes you made to “lenet.layerloom”?',
    );
    expect(await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
  });

  it('offers the autosaved work after a crash, and restores it', { timeout: 120_000 }, async () => {
    await page.getByTestId('autosave-status').waitFor({ timeout: 15_000 });
    app!.process().kill('SIGKILL');
    await new Promise((r) => setTimeout(r, 500));
    await launch();
    await page.getByTestId('recovery-banner').waitFor({ timeout: 15_000 });
    await page.getByTestId('recovery-restore').click();
    // LeNet-5 with 12 outputs instead of 10: 61,706 - 850 + 1,020.
    await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe('61,876');
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);
    // Don't Save: the window closes and the autosave goes with it.
    await answerDialogs({ messageBox: 1 });
    const closed = app!.waitForEvent('close');
    await app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await closed;
    app = undefined;
  });
});

describe.skipIf(!electronPath)('native CPU training in the desktop app', () => {
  let base = '';
  let app: ElectronApplication | undefined;
  let page: Page;
  const spiral = readFileSync(join(root, 'examples/spiral-mlp.json'), 'utf8');
  const status = () => page.getByTestId('training-panel').getAttribute('data-status');
  const num = async (testId: string, attr: string) => Number(await page.getByTestId(testId).getAttribute(attr));
  /** The training utility processes Electron runs now (their pids). */
  const trainingProcesses = () =>
    app!.evaluate(({ app: a }) =>
      a
        .getAppMetrics()
        .filter((m) => m.type === 'Utility' && m.name === 'Layerloom training')
        .map((m) => m.pid),
    );

  beforeAll(async () => {
    base = mkdtempSync(join(tmpdir(), 'layerloom-electron-train-'));
    npmRun('build:web');
    npmRun('build:electron');
    const asRoot = process.platform === 'linux' && process.getuid?.() === 0;
    app = await electron.launch({
      executablePath: electronPath!,
      args: [join(root, 'dist/electron/main.cjs'), ...(asRoot ? ['--no-sandbox'] : [])],
      cwd: root,
      env: { ...process.env, LAYERLOOM_USER_DATA_DIR: join(base, 'userData') } as Record<string, string>,
      timeout: 60_000,
    });
    page = await app.firstWindow();
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.setBounds({ x: 0, y: 0, width: 1600, height: 1000 }));
    await page.getByTestId('canvas').waitFor();
  }, 300_000);

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    if (base) rmSync(base, { recursive: true, force: true });
  });

  it('trains the spiral MLP on native onnxruntime in the utility process; Auto weighs it; a killed process is restarted', { timeout: 300_000 }, async () => {
    const problems = watchErrors(page);
    // Dropped as a user drops a file (a File made in the page has no path, so the preload reads it).
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(spiral)}], 'spiral-mlp.json', { type: 'application/json' }));
      const app = document.querySelector('[data-testid="app"]');
      for (const type of ['dragenter', 'dragover', 'drop'])
        app.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await expect.poll(() => page.getByTestId('file-name').textContent()).toBe('spiral-mlp.json');
    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('training-panel').waitFor();
    expect(await page.locator('[data-testid="train-device"] option[value="cpu"]').textContent()).toBe('CPU (native)');
    // Nothing forks before the first native request.
    expect(await trainingProcesses()).toEqual([]);

    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-epochs').fill('20');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-backend').textContent(), { timeout: 60_000 }).toBe('CPU (native): chosen in the panel');
    await expect.poll(() => num('plot-loss', 'data-points'), { timeout: 60_000 }).toBeGreaterThanOrEqual(5);
    expect(await trainingProcesses()).toHaveLength(1);
    await page.getByTestId('train-pause').click();
    await expect.poll(status, { timeout: 30_000 }).toBe('paused');
    const heldAt = await num('train-progress', 'data-step');
    await page.waitForTimeout(1000);
    expect(await num('train-progress', 'data-step')).toBe(heldAt);
    await page.getByTestId('train-resume').click();
    await expect.poll(status, { timeout: 60_000 }).toMatch(/running|finished/);
    await expect.poll(status, { timeout: 120_000 }).toBe('finished');
    expect(await num('plot-loss', 'data-last')).toBeLessThan(0.8 * (await num('plot-loss', 'data-first')));

    // Auto times native against WebGPU (or skips a missing or software GPU) and says so.
    await page.getByTestId('train-device').selectOption('auto');
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('train-backend').textContent(), { timeout: 60_000 }).toMatch(/native CPU \(onnxruntime-node\)/);
    await expect.poll(status, { timeout: 120_000 }).toBe('finished');

    // The process dies mid-run: the panel says so in one line, and the next run starts a new process.
    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-epochs').fill('500');
    await page.getByTestId('train-start').click();
    await expect.poll(status, { timeout: 60_000 }).toBe('running');
    const [pid] = await trainingProcesses();
    process.kill(pid!, 'SIGKILL');
    await expect.poll(status, { timeout: 30_000 }).toBe('error');
    expect(await page.getByTestId('train-message').textContent()).toMatch(/^The native training process stopped unexpectedly \(exit code -?\d+\); the run ended there\./);
    await page.getByTestId('train-epochs').fill('2');
    await page.getByTestId('train-start').click();
    await expect.poll(status, { timeout: 120_000 }).toBe('finished');
    const now = await trainingProcesses();
    expect(now).toHaveLength(1);
    expect(now[0]).not.toBe(pid);
    expect(problems).toEqual([]);

    // Quitting ends the process with the app.
    const closed = app!.waitForEvent('close');
    await app!.evaluate(({ app: a }) => a.quit());
    await closed;
    app = undefined;
    expect(() => process.kill(now[0]!, 0)).toThrow();
  });
});
