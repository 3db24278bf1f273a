/**
 * Dropping an ONNX model on the editor (Chromium): it opens as a new unsaved project of catalogue layers, laid
 * out, with the right parameter total; a truncated model shows why it cannot be opened and the open model stays.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_PYTHON } from '../../helpers/onnx-checker';
import { dropFile, startSession, watchErrors, type Session } from './harness';

let session: Session;
let models = '';

const nodeIds = (page: Page) => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => (n as unknown as { dataset: { id?: string } }).dataset.id));

describe('dropping an ONNX model on the editor', () => {
  beforeAll(async () => {
    models = mkdtempSync(join(tmpdir(), 'layerloom-e2e-onnx-'));
    const r = spawnSync(SYSTEM_PYTHON, [new URL('../../../build/fixtures/onnx_import_models.py', import.meta.url).pathname, models], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`onnx_import_models.py failed: ${r.stderr}`);
    session = await startSession();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('opens the model as a new project with the imported layers; a truncated file leaves it alone', { timeout: 90_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();

    await dropFile(page, 'lstm_op17.onnx', readFileSync(join(models, 'lstm_op17.onnx')));
    await expect.poll(() => nodeIds(page)).toEqual(['x', 'emb', 'lstm', 'selectindex', 'head']);
    expect(await page.getByTestId('node-lstm').locator('.ll-node__kind').textContent()).toBe('LSTM');
    expect(await page.getByTestId('node-emb').locator('.ll-node__kind').textContent()).toBe('Embedding');
    // Embedding 50·16, LSTM 4·32·(16 + 32 + 2), Linear 32·4 + 4
    expect(await page.getByTestId('summary-total-params').textContent()).toBe('7,332');
    expect(await page.getByTestId('file-name').textContent()).toMatch(/^lstm_op17\.json/);
    expect(await page.getByTestId('dirty-marker').count()).toBe(1);
    // Laid out top to bottom: every node below the one before it.
    const ys: number[] = [];
    for (const n of await page.locator('.react-flow__node').all()) ys.push((await n.boundingBox())!.y);
    for (let k = 1; k < ys.length; k++) expect(ys[k]!).toBeGreaterThan(ys[k - 1]!);

    const truncated = readFileSync(join(models, 'cnn_op17.onnx')).subarray(0, 4000);
    await dropFile(page, 'cnn.onnx', truncated);
    const dialog = page.getByTestId('open-error');
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('cnn.onnx could not be opened');
    expect(await dialog.textContent()).toContain('the file is truncated or corrupt');
    await page.getByTestId('open-error-close').click();
    expect(await nodeIds(page)).toEqual(['x', 'emb', 'lstm', 'selectindex', 'head']);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('File → Open takes an ONNX model too, and opens it as a new project', { timeout: 90_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 900 } });
    // Without the File System Access pickers (headless Chromium cannot show them) the app uses a file input.
    await context.addInitScript('delete window.showOpenFilePicker; delete window.showSaveFilePicker;');
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    const choosing = page.waitForEvent('filechooser');
    await page.getByTestId('tb-open').click();
    const chooser = await choosing;
    expect(await chooser.element().getAttribute('accept')).toContain('.onnx');
    await chooser.setFiles({ name: 'transformer_op17.onnx', mimeType: 'application/octet-stream', buffer: readFileSync(join(models, 'transformer_op17.onnx')) });
    await expect.poll(() => nodeIds(page)).toEqual(['x', 'proj', 'encoder_layers_0', 'encoder_layers_1', 'mean', 'head']);
    expect(await page.getByTestId('node-encoder_layers_0').locator('.ll-node__kind').textContent()).toBe('TransformerEncoderLayer');
    expect(await page.getByTestId('file-name').textContent()).toMatch(/^transformer_op17\.json/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
