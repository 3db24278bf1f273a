/**
 * Training from the canvas, in Chromium, twice: with WebGPU on SwiftShader and without WebGPU. A user opens
 * the spiral MLP, opens the training panel, sets the epochs (an undoable edit of the training section),
 * trains, sees the loss curve grow and the loss fall, pauses (no step while paused) and resumes, and opens
 * the confusion matrix, an activation preview and the gradient norms and histograms; then trains a small attention model for a few steps and
 * opens its attention map. Auto says which backend it chose and why. Editing the graph during a run asks
 * first.
 *
 * Needs Debian's Chromium (/usr/bin/chromium); without it the test fails with that reason.
 */
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS, buildWebApp, openProject, serve, watchErrors } from '../editor/harness';

const WEBGPU_ARGS = ['--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-webgpu-adapter=swiftshader'];
const spiral = readFileSync(new URL('../../../examples/spiral-mlp.json', import.meta.url), 'utf8');
const attention = readFileSync(new URL('./sentiment-attention.json', import.meta.url), 'utf8');

const num = async (page: Page, testId: string, attr: string) => Number(await page.getByTestId(testId).getAttribute(attr));

async function choose(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).selectOption(value);
}

async function setNumber(page: Page, testId: string, value: string): Promise<void> {
  await page.getByTestId(testId).fill(value);
}

/** Selects a layer through its row in the model summary (the canvas is small with the panel open). */
async function pick(page: Page, id: string): Promise<void> {
  await page.getByTestId(`summary-row-${id}`).click();
  await expect.poll(() => page.getByTestId(`node-${id}`).getAttribute('class')).toMatch(/selected/);
}

const status = (page: Page) => page.getByTestId('training-panel').getAttribute('data-status');

for (const mode of ['webgpu', 'no-webgpu'] as const) {
  describe(`training from the canvas in Chromium (${mode === 'webgpu' ? 'WebGPU on SwiftShader' : 'without WebGPU'})`, () => {
    let browser: Browser;
    let server: Server;
    let url = '';

    beforeAll(async () => {
      const dir = await buildWebApp();
      ({ server, url } = await serve(dir));
      if (!(await import('node:fs')).existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)`);
      browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, ...(mode === 'webgpu' ? WEBGPU_ARGS : [])] });
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    it('trains the spiral MLP: the loss curve grows and falls, pause holds the run, views open', { timeout: 240_000 }, async () => {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      const problems = watchErrors(page);
      const dialogs: string[] = [];
      page.on('dialog', (d) => dialogs.push(d.message()));
      await page.goto(url);
      await page.getByTestId('canvas').waitFor();
      await openProject(page, 'spiral-mlp.json', spiral);
      await page.getByTestId('tb-toggleTraining').click();
      await page.getByTestId('training-panel').waitFor();
      expect(await page.getByTestId('train-dataset').inputValue()).toBe('spirals');
      await page.getByTestId('dataset-preview').waitFor();

      // Settings are document edits: one undo step each, and the file becomes unsaved.
      await setNumber(page, 'train-epochs', '2');
      await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(1);
      await page.getByTestId('tb-undo').click();
      expect(await page.getByTestId('train-epochs').inputValue()).toBe('30');
      await page.getByTestId('tb-redo').click();
      expect(await page.getByTestId('train-epochs').inputValue()).toBe('2');
      await setNumber(page, 'train-lr', '0.02');
      // On the CPU two epochs take a second or two: train longer, so that there is time to pause.
      if (mode === 'no-webgpu') await setNumber(page, 'train-epochs', '20');

      // Auto explains its choice before the first step.
      await choose(page, 'train-device', 'auto');
      await page.getByTestId('train-start').click();
      await page.getByTestId('train-backend').waitFor({ timeout: 60_000 });
      const why = await page.getByTestId('train-backend').textContent();
      if (mode === 'webgpu') expect(why).toBe('CPU (WASM): WebGPU adapter is software (SwiftShader); using WASM (CPU)');
      else expect(why).toBe('CPU (WASM): WebGPU is unavailable (no WebGPU adapter); using WASM (CPU)');
      if (mode === 'webgpu') {
        // Train on the GPU itself: stop the Auto run and choose WebGPU.
        await expect.poll(() => status(page), { timeout: 60_000 }).toMatch(/running|paused/);
        await page.getByTestId('train-stop').click();
        await expect.poll(() => status(page), { timeout: 60_000 }).toBe('stopped');
        await choose(page, 'train-device', 'gpu');
        await setNumber(page, 'train-epochs', '1');
        await page.getByTestId('train-start').click();
        await expect.poll(() => page.getByTestId('train-backend').textContent(), { timeout: 60_000 }).toBe('GPU (WebGPU): chosen in the panel');
      }

      // The curve grows while it trains.
      await expect.poll(() => num(page, 'plot-loss', 'data-points'), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
      const early = await num(page, 'plot-loss', 'data-points');

      // Pause: no step is taken while paused; the views answer from the paused model.
      await page.getByTestId('train-pause').click();
      await expect.poll(() => status(page), { timeout: 60_000 }).toBe('paused');
      const heldAt = await num(page, 'train-progress', 'data-step');
      await page.waitForTimeout(1500);
      expect(await num(page, 'train-progress', 'data-step')).toBe(heldAt);
      expect(heldAt).toBeGreaterThanOrEqual(early);

      // Editing the graph during the run asks first; Cancel keeps the run and undoes the edit.
      page.removeAllListeners('dialog');
      page.once('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      const params = await page.getByTestId('summary-total-params').textContent();
      await pick(page, 'fc1');
      await page.getByTestId('param-out_features').fill('32');
      await page.getByTestId('param-out_features').press('Enter');
      await expect.poll(() => dialogs.length).toBe(1);
      expect(dialogs[0]).toContain('A training run is in progress');
      await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe(params);
      // The field shows the document's value again, and leaving it applies nothing (no second question).
      await expect.poll(() => page.getByTestId('param-out_features').inputValue()).toBe('64');
      await page.getByTestId('param-out_features').blur();
      expect(dialogs).toHaveLength(1);
      expect(await status(page)).toBe('paused');
      page.on('dialog', (d) => void d.accept());

      await page.getByTestId('train-resume').click();
      await expect.poll(() => status(page), { timeout: 10_000 }).not.toBe('paused');
      await expect.poll(() => status(page), { timeout: 180_000 }).toBe('finished');
      const total = await num(page, 'train-progress', 'data-total');
      expect(await num(page, 'train-progress', 'data-step')).toBe(total);
      await expect.poll(() => num(page, 'plot-loss', 'data-points')).toBe(total);
      expect(total).toBeGreaterThan(early);
      const first = await num(page, 'plot-loss', 'data-first');
      const last = await num(page, 'plot-loss', 'data-last');
      expect(first).toBeGreaterThan(1); // cross-entropy of 3 classes starts near ln 3
      expect(last).toBeLessThan(first - 0.2);
      expect(await page.getByTestId('train-status').textContent()).toMatch(/ETA/);

      // Confusion matrix of the 600 held-out points.
      await page.getByTestId('train-tab-confusion').click();
      await page.getByTestId('view-confusion').waitFor({ timeout: 60_000 });
      expect(await num(page, 'view-confusion', 'data-total')).toBe(600);
      expect(await num(page, 'view-confusion', 'data-accuracy')).toBeGreaterThan(0.45);

      // Activation preview: click a layer, see its output on a sample.
      await pick(page, 'a1');
      await page.getByTestId('train-tab-activation').click();
      await page.getByTestId('view-activation').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('view-activation').getAttribute('data-node')).toBe('a1');
      expect(await page.getByTestId('view-activation').getAttribute('data-shape')).toBe('1x64');
      await page.getByTestId('activation-bars').waitFor();

      // The decision boundary of the 2-D classifier.
      await page.getByTestId('train-tab-boundary').click();
      await page.getByTestId('view-boundary').waitFor({ timeout: 60_000 });

      // Gradient norm per layer: one line per layer with weights, a point on every step, log scale at first.
      await page.getByTestId('train-tab-gradients').click();
      await page.getByTestId('view-gradients').waitFor({ timeout: 10_000 });
      expect(await num(page, 'view-gradients', 'data-layers')).toBe(3);
      await expect.poll(() => num(page, 'plot-gradnorm', 'data-points')).toBe(total);
      expect(await num(page, 'plot-gradnorm', 'data-last')).toBeGreaterThan(0);
      expect(await page.getByTestId('plot-gradnorm-log').isChecked()).toBe(true);
      // Beside it, the gradient histograms of the finished model: every tensor of the 3 layers, every value binned.
      await page.getByTestId('view-grad-histograms').waitFor({ timeout: 60_000 });
      expect(await num(page, 'view-grad-histograms', 'data-step')).toBe(total);
      const rows = page.getByTestId('grad-hist-row');
      expect(await rows.count()).toBe(6);
      const counts = await rows.evaluateAll((els) => els.map((e) => [e.getAttribute('data-tensor'), Number(e.getAttribute('data-count'))]));
      expect(counts).toEqual([
        ['fc1.weight', 128],
        ['fc1.bias', 64],
        ['fc2.weight', 4096],
        ['fc2.bias', 64],
        ['out.weight', 192],
        ['out.bias', 3],
      ]);
      expect(await page.getByTestId('grad-hist-bars').first().locator('rect[height]:not([height="0"])').count()).toBeGreaterThan(0);
      await page.getByTestId('grad-hist-log').check();
      expect(await page.getByTestId('grad-hist-log').isChecked()).toBe(true);
      expect(problems).toEqual([]);
      await page.close();
    });

    it('keeps the trained weights with the project: after a reload, reopening it predicts as the trained model did', { timeout: 240_000 }, async () => {
      const context = await browser.newContext({ viewport: { width: 1500, height: 1000 } });
      // Saving by download (headless Chromium cannot show the native save picker).
      await context.addInitScript('delete window.showOpenFilePicker; delete window.showSaveFilePicker;');
      const page = await context.newPage();
      const problems = watchErrors(page);
      await page.goto(url);
      await page.getByTestId('canvas').waitFor();
      await openProject(page, 'spiral-mlp.json', spiral);
      await page.getByTestId('tb-toggleTraining').click();
      await setNumber(page, 'train-epochs', '2');
      const downloading = page.waitForEvent('download');
      await page.keyboard.press(`${process.platform === 'darwin' ? 'Meta' : 'Control'}+s`);
      const saved = (await downloading).suggestedFilename();
      await expect.poll(() => page.getByTestId('dirty-marker').count()).toBe(0);
      await choose(page, 'train-device', 'cpu');
      await page.getByTestId('train-start').click();
      await expect.poll(() => status(page), { timeout: 180_000 }).toBe('finished');
      await page.getByTestId('train-tab-playground').click();
      await page.getByTestId('playground-sample').fill('7');
      await page.getByTestId('playground-result').waitFor({ timeout: 60_000 });
      await expect.poll(() => page.getByTestId('playground-result').textContent()).toContain('(true:');
      const trained = await page.getByTestId('playground-result').textContent();

      await page.reload();
      await page.getByTestId('canvas').waitFor();
      await page.keyboard.press(`${process.platform === 'darwin' ? 'Meta' : 'Control'}+Shift+o`);
      await page.getByTestId(`recent-${saved}`).click();
      await expect.poll(() => page.getByTestId('file-name').textContent()).toBe(saved);
      if ((await page.getByTestId('training-panel').count()) === 0) await page.getByTestId('tb-toggleTraining').click();
      await expect.poll(() => status(page), { timeout: 60_000 }).toBe('finished');
      expect(await page.getByTestId('train-message').textContent()).toBe('The trained weights kept with the project were restored.');
      await page.getByTestId('train-tab-playground').click();
      await page.getByTestId('playground-sample').fill('7');
      await expect.poll(() => page.getByTestId('playground-result').textContent(), { timeout: 60_000 }).toBe(trained);
      expect(problems).toEqual([]);
      await context.close();
    });

    it('trains a small attention model for a few steps and shows its attention map, one per head', { timeout: 240_000 }, async () => {
      const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
      const problems = watchErrors(page);
      await page.goto(url);
      await page.getByTestId('canvas').waitFor();
      await openProject(page, 'sentiment-attention.json', attention);
      if ((await page.getByTestId('training-panel').count()) === 0) await page.getByTestId('tb-toggleTraining').click();
      await choose(page, 'train-device', 'cpu');
      await setNumber(page, 'train-epochs', '50');
      await page.getByTestId('train-start').click();
      await expect.poll(() => num(page, 'train-progress', 'data-step'), { timeout: 120_000 }).toBeGreaterThanOrEqual(5);
      await page.getByTestId('train-stop').click();
      await expect.poll(() => status(page), { timeout: 60_000 }).toBe('stopped');
      await page.getByTestId('train-tab-attention').click();
      await page.getByTestId('view-attention').waitFor({ timeout: 60_000 });
      expect(await page.getByTestId('view-attention').getAttribute('data-heads')).toBe('2');
      const tokens = (await page.getByTestId('view-attention').getAttribute('data-tokens'))!.split(' ');
      expect(tokens).toHaveLength(9);
      expect(await page.getByTestId('attention-head-1').count()).toBe(1);
      expect(problems).toEqual([]);
      await page.close();
    });
  });
}
