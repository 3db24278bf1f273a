/**
 * Imported weights in Chromium: a user drops a trained PyTorch classifier's .onnx (build/fixtures/
 * imported_weights_model.py) on the editor; the status bar says its weights are kept; Export (with no dataset
 * chosen) downloads an ONNX model whose outputs equal the original's in onnxruntime-node and a safetensors file
 * holding PyTorch's state_dict values; the training panel offers to start from them. Saving keeps them with the
 * project: after a reload, reopening it from the recent list brings them back and exports the same bytes.
 * Changing a layer's size names the tensors that no longer fit, and Export refuses them. With a loss added and a
 * dataset chosen, the playground predicts with the imported weights and a run fine-tunes them, starting low.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Download, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeSafetensors } from '../../../exporters/safetensors';
import { SYSTEM_PYTHON } from '../../helpers/onnx-checker';
import { exportFiles, run } from './imported-model';
import { centerOf, connect, dropFile, dropLayer, selectNode, setParam, startSession, watchErrors, type Session } from './harness';

let session: Session;
let dir = '';
let model: Buffer;
let state: Record<string, { shape: number[]; values: number[] }>;

const weightsStatus = (page: Page) => page.getByTestId('status-weights').textContent();

describe('weights of an opened ONNX model', () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'layerloom-e2e-imported-weights-'));
    const r = spawnSync(SYSTEM_PYTHON, [new URL('../../../build/fixtures/imported_weights_model.py', import.meta.url).pathname, dir], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`imported_weights_model.py failed: ${r.stderr}`);
    model = readFileSync(join(dir, 'spiral_mlp.onnx'));
    state = JSON.parse(readFileSync(join(dir, 'spiral_mlp.state.json'), 'utf8')) as typeof state;
    session = await startSession();
  }, 180_000);

  afterAll(async () => {
    await session?.close();
  });

  it('are kept, exported unchanged without a dataset, saved with the project and back after a reload', { timeout: 180_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1500, height: 1000 }, acceptDownloads: true });
    // Saving by download (headless Chromium cannot show the native save picker).
    await context.addInitScript('delete window.showOpenFilePicker; delete window.showSaveFilePicker;');
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();

    await dropFile(page, 'spiral_mlp.onnx', model);
    await expect.poll(() => page.getByTestId('file-name').textContent()).toMatch(/^spiral_mlp\.json/);
    await expect.poll(() => weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)');

    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('training-panel').waitFor();
    expect(await page.getByTestId('train-dataset').inputValue()).toBe('');
    expect(await page.getByTestId('train-start-from').inputValue()).toBe('kept');
    const first = await exportFiles(page);
    expect([...first.keys()].sort()).toEqual(['spiral_mlp.onnx', 'spiral_mlp.safetensors']);
    const tensors = decodeSafetensors(first.get('spiral_mlp.safetensors')!);
    expect(tensors.map((t) => t.name).sort()).toEqual(Object.keys(state).sort());
    for (const t of tensors) {
      expect([...t.shape]).toEqual(state[t.name]!.shape);
      expect(Array.from(t.data as Float32Array)).toEqual(state[t.name]!.values.map(Math.fround));
    }
    const x = Float32Array.from({ length: 50 * 2 }, (_, i) => Math.cos(i * 0.61) * 0.95);
    const want = await run(model, x);
    const got = await run(first.get('spiral_mlp.onnx')!, x);
    expect(got.length).toBe(want.length);
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(1e-5);

    // Save (a download plus a copy the browser keeps): the weights go with the project.
    const downloading = page.waitForEvent('download');
    await page.keyboard.press('Control+s');
    const saved = (await downloading).suggestedFilename();
    await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);
    await expect.poll(() => weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx)');

    await page.reload();
    await page.getByTestId('canvas').waitFor();
    expect(await page.getByTestId('status-weights').count()).toBe(0);
    await page.keyboard.press('Control+Shift+o');
    await page.getByTestId(`recent-${saved}`).click();
    await expect.poll(() => page.getByTestId('file-name').textContent()).toBe(saved);
    await expect.poll(() => weightsStatus(page)).toBe('Weights kept with the project (6 tensors)');
    if ((await page.getByTestId('training-panel').count()) === 0) await page.getByTestId('tb-toggleTraining').click();
    const again = await exportFiles(page);
    expect(again.get('spiral_mlp.safetensors')!.equals(first.get('spiral_mlp.safetensors')!)).toBe(true);

    // A layer made narrower: its weights and the next layer's no longer fit; Export says so and writes nothing.
    await page.getByTestId('summary-row-fc2').click();
    await selectNode(page, 'fc2');
    await setParam(page, 'out_features', '16');
    const misfit =
      'The kept weights no longer fit the model: fc2.weight has 1024 values, the model needs 512; fc2.bias has 32 values, the model needs 16; fc3.weight has 96 values, the model needs 48.';
    await expect.poll(() => weightsStatus(page)).toBe(misfit);
    expect(await page.getByTestId('status-weights').getAttribute('data-fits')).toBe('false');
    expect(await page.getByTestId('train-kept').textContent()).toBe(misfit);
    expect(await page.getByTestId('train-start-from').inputValue()).toBe('fresh');
    const downloads: Download[] = [];
    page.on('download', (d) => void downloads.push(d));
    await page.getByTestId('train-export').click();
    await page.getByTestId('toast').filter({ hasText: misfit }).waitFor();
    expect(downloads).toEqual([]);
    // Undo: they fit again.
    await page.keyboard.press('Control+z');
    await expect.poll(() => weightsStatus(page)).toBe('Weights kept with the project (6 tensors)');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('with a loss and a dataset, the playground uses them and a run fine-tunes them', { timeout: 240_000 }, async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await dropFile(page, 'spiral_mlp.onnx', model);
    await expect.poll(() => weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)');
    // A loss on the logits: the model still fits its weights (a loss has none).
    const fc3 = await centerOf(page.getByTestId('node-fc3'));
    await dropLayer(page, 'CrossEntropyLoss', { x: fc3.x + 260, y: fc3.y });
    await connect(page, 'fc3', 'crossentropyloss', 'out', 'input');
    await expect.poll(() => page.getByTestId('status-errors').textContent()).toBe('✓ no errors');
    expect(await weightsStatus(page)).toBe('Imported weights kept (6 tensors from spiral_mlp.onnx, not saved yet)');

    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('train-dataset').selectOption('spirals');
    const status = () => page.getByTestId('training-panel').getAttribute('data-status');
    await expect.poll(status, { timeout: 60_000 }).toBe('finished');
    await page.getByTestId('train-tab-playground').click();
    await page.getByTestId('playground-sample').fill('4');
    await expect.poll(() => page.getByTestId('playground-result').textContent(), { timeout: 60_000 }).toContain('(true:');
    const probabilities = (await page.getByTestId('playground-result').textContent())!;
    // The imported classifier is sure of its answer (it was trained to a loss near 0.015).
    expect(Math.max(...[...probabilities.matchAll(/(\d+(?:\.\d+)?)\s*%/g)].map((m) => Number(m[1])))).toBeGreaterThan(90);

    expect(await page.getByTestId('train-start-from').inputValue()).toBe('kept');
    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-epochs').fill('1');
    await page.getByTestId('train-start').click();
    await expect.poll(status, { timeout: 180_000 }).toBe('finished');
    const loss = Number(/loss (\d+\.\d+)/.exec((await page.getByTestId('train-status').textContent())!)![1]);
    // Fine-tuned from the imported weights, the loss stays near theirs; a fresh start is near ln 3 after one epoch.
    expect(loss).toBeLessThan(0.2);
    expect(problems).toEqual([]);
    await page.close();
  });
});
