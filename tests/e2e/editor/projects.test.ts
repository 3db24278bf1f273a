/**
 * Projects in the browser build: save, reload and open again (download/upload, and the File System Access
 * path backed by the origin-private file system), autosave recovery after a reload, clear errors for
 * broken files that leave the open model alone, and files dropped on the window.
 */
import { readFileSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, dropFile, dropLayer, setParam, startSession, watchErrors, type Session } from './harness';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';
const lenetText = readFileSync(new URL('../../../examples/lenet5.json', import.meta.url), 'utf8');

/** Removes the File System Access pickers, so the app falls back to file inputs and downloads. */
const WITHOUT_FSA = `delete window.showOpenFilePicker; delete window.showSaveFilePicker;`;

/**
 * Stands in for the native pickers (which headless Chromium cannot show) with files in the origin-private
 * file system: real FileSystemFileHandles, written by the app through the File System Access API.
 */
const OPFS_PICKERS = `
  window.pickerCalls = 0;
  window.showSaveFilePicker = async (o) => { window.pickerCalls++; return (await navigator.storage.getDirectory()).getFileHandle(o.suggestedName, { create: true }); };
  window.showOpenFilePicker = async () => { window.pickerCalls++; return [await (await navigator.storage.getDirectory()).getFileHandle(localStorage.getItem('test.pick'))]; };
`;

async function openApp(context: BrowserContext): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  const problems = watchErrors(page);
  await page.goto(sessionUrl);
  await page.getByTestId('canvas').waitFor();
  return { page, problems };
}

let sessionUrl = '';

/** Two layers, connected: enough of a model to save and recognise. */
async function buildSmallModel(page: Page): Promise<void> {
  const canvas = (await page.getByTestId('canvas').boundingBox())!;
  await dropLayer(page, 'Input', { x: canvas.x + 250, y: canvas.y + 100 });
  await setParam(page, 'shape', '4');
  await dropLayer(page, 'Linear', { x: canvas.x + 250, y: canvas.y + 300 });
  await setParam(page, 'out_features', '3');
  await connect(page, 'input', 'linear');
  await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe('15');
}

const nodeCount = (page: Page) => page.locator('.react-flow__node-layer').count();

describe('projects in the browser build', () => {
  let session: Session;

  beforeAll(async () => {
    session = await startSession();
    sessionUrl = session.url;
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('saves by download, reloads, and opens the file again through the file input', { timeout: 60_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(WITHOUT_FSA);
    const { page, problems } = await openApp(context);
    await buildSmallModel(page);
    await page.getByTestId('canvas').click({ position: { x: 8, y: 8 } });
    await page.keyboard.press('Shift+C');
    await page.getByTestId('comment-note').locator('textarea').fill('two layers');
    await page.getByTestId('comment-note').locator('textarea').press(`${mod}+Enter`);
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);

    const downloading = page.waitForEvent('download');
    await page.keyboard.press(`${mod}+s`);
    const download = await downloading;
    expect(download.suggestedFilename()).toBe('Untitled.json');
    const saved = readFileSync(await download.path(), 'utf8');
    expect(JSON.parse(saved)).toMatchObject({
      format: 'layerloom.graph',
      nodes: [{ id: 'input' }, { id: 'linear' }],
      comments: [{ id: 'note', text: 'two layers' }],
    });
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    expect(await nodeCount(page)).toBe(0);
    expect(await page.getByTestId('recovery-banner').count()).toBe(0);

    const choosing = page.waitForEvent('filechooser');
    await page.getByTestId('tb-open').click();
    await (await choosing).setFiles({ name: download.suggestedFilename(), mimeType: 'application/json', buffer: Buffer.from(saved) });
    await expect.poll(() => nodeCount(page)).toBe(2);
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('15');
    expect(await page.locator('[data-testid^="edge-label-"]').allTextContents()).toEqual(['[N, 4]']);
    expect(await page.getByTestId('file-name').textContent()).toBe('Untitled.json');
    expect(await page.getByTestId('comment-note').textContent()).toBe('two layers');

    // The recent list reopens it too, after another reload.
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.keyboard.press(`${mod}+Shift+o`);
    await page.getByTestId('recent-Untitled.json').click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('offers the autosaved copy after a reload and restores it', { timeout: 60_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { page, problems } = await openApp(context);
    await buildSmallModel(page);
    await page.getByTestId('autosave-status').waitFor({ timeout: 10_000 });

    await page.reload();
    await page.getByTestId('recovery-banner').waitFor();
    expect(await nodeCount(page)).toBe(0);
    await page.getByTestId('recovery-restore').click();
    await expect.poll(() => nodeCount(page)).toBe(2);
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('15');
    // A restored copy has never been saved, so it counts as unsaved work.
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);

    // Discarding removes the copy for good.
    await page.getByTestId('tb-new').click();
    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.waitForTimeout(500);
    expect(await page.getByTestId('recovery-banner').count()).toBe(0);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('shows why a corrupt or unknown file cannot be opened and keeps the open model', { timeout: 60_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(WITHOUT_FSA);
    const { page, problems } = await openApp(context);
    await buildSmallModel(page);

    const choosing = page.waitForEvent('filechooser');
    await page.keyboard.press(`${mod}+o`);
    await (await choosing).setFiles({ name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{ "format": "layerloom.graph", "nodes": [') });
    const dialog = page.getByTestId('open-error');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('broken.json could not be opened');
    expect(await dialog.textContent()).toMatch(/line 1, column \d+/);
    await page.getByTestId('open-error-close').click();
    expect(await nodeCount(page)).toBe(2);

    await dropFile(page, 'other.json', JSON.stringify({ format: 'something.else', version: 1, nodes: [] }));
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('expected "layerloom.graph"');
    await page.keyboard.press('Escape');
    expect(await nodeCount(page)).toBe(2);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('opens a project file dropped on the window', { timeout: 60_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const { page, problems } = await openApp(context);
    await dropFile(page, 'lenet5.json', lenetText);
    await expect.poll(() => nodeCount(page)).toBe(14);
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('61,706');
    expect(await page.getByTestId('file-name').textContent()).toBe('lenet5.json');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('saves in place through the File System Access API and reopens from Recent after a reload', { timeout: 60_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(OPFS_PICKERS);
    const { page, problems } = await openApp(context);
    await buildSmallModel(page);
    const name = page.getByTestId('model-name');
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await name.fill('Tiny');
    await name.press('Enter');

    await page.keyboard.press(`${mod}+s`);
    await expect.poll(() => page.getByTestId('file-name').textContent()).toBe('Tiny.json');
    const readBack = `(async () => (await (await (await navigator.storage.getDirectory()).getFileHandle('Tiny.json')).getFile()).text())()`;
    expect(JSON.parse(String(await page.evaluate(readBack)))).toMatchObject({ name: 'Tiny', nodes: [{ id: 'input' }, { id: 'linear' }] });

    // A second save writes the same file without asking where.
    await page.getByTestId('node-linear').locator('.ll-node__kind').click();
    await setParam(page, 'out_features', '5');
    await page.keyboard.press(`${mod}+s`);
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);
    expect(await page.evaluate('window.pickerCalls')).toBe(1);
    expect(String(await page.evaluate(readBack))).toContain('"out_features": 5');

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    await page.getByTestId('tb-recent').click();
    await page.getByTestId('recent-Tiny.json').click();
    await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe('25');
    expect(problems).toEqual([]);
    await context.close();
  });
});
