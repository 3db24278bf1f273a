/**
 * A template's training section reaches the training panel in Chromium: G6 (CNN in operation) trains on
 * 32×32 colour digits, which only its dataset_options produce. The preview shows those samples, the panel says
 * the project trains for its "steps", and the run takes exactly that many steps on the CPU (WASM) with the
 * losses `layerloom train` gives the same project on native onnxruntime.
 *
 * Needs Debian's Chromium (/usr/bin/chromium); without it the test fails with that reason.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../../cli/main';
import type { CliIO } from '../../../cli/io';
import { loadTemplate } from '../../../templates';
import { openProject, startSession, watchErrors, type Session } from '../editor/harness';

const num = async (page: Page, testId: string, attr: string) => Number(await page.getByTestId(testId).getAttribute(attr));

describe('a template\'s training section in the training panel (Chromium)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  }, 180_000);
  afterAll(async () => {
    await session?.close();
  });

  it('G6 previews and trains on its 32×32 colour digits for its steps', { timeout: 240_000 }, async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    const g6 = loadTemplate('cnn-in-operation')!.graph;
    const steps = 12;
    const project = JSON.stringify({ ...g6, training: { ...g6.training, steps } });
    await openProject(page, 'g6.json', project);
    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('training-panel').waitFor();
    expect(await page.getByTestId('train-dataset').inputValue()).toBe('synthdigits');
    await expect.poll(() => page.getByTestId('dataset-preview').textContent(), { timeout: 60_000 }).toContain('input x [3×32×32] float32');
    // Each tile is a 32×32 image (the dataset's default would be 28×28 grey).
    const sizes = await page.evaluate(`Array.from(document.querySelectorAll('[data-testid="dataset-preview"] .ll-samples canvas'), (c) => c.width + 'x' + c.height)`);
    expect(new Set(sizes as string[])).toEqual(new Set(['32x32']));
    expect(await page.getByTestId('train-steps-note').textContent()).toContain(`Trains for ${steps} steps`);

    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await expect.poll(() => page.getByTestId('training-panel').getAttribute('data-status'), { timeout: 180_000 }).toBe('finished');
    expect(await num(page, 'train-progress', 'data-total')).toBe(steps);
    await expect.poll(() => num(page, 'plot-loss', 'data-points')).toBe(steps);
    const first = await num(page, 'plot-loss', 'data-first');
    const last = await num(page, 'plot-loss', 'data-last');
    expect(first).toBeGreaterThan(2); // ten classes: about ln 10 untrained

    // The command line on the same file: the same data, settings and seed give the same losses.
    const file = join(mkdtempSync(join(tmpdir(), 'll-g6-')), 'g6.json');
    writeFileSync(file, project);
    let out = '';
    const io: CliIO = { out: (t) => void (out += t), err: () => undefined, readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'), isTTY: false };
    expect(await main(['train', file, '--json'], io)).toBe(0);
    const cli = out.trim().split('\n').map((l) => JSON.parse(l) as { type: string; loss: number }).filter((l) => l.type === 'step').map((l) => l.loss);
    expect(cli).toHaveLength(steps);
    expect(Math.abs(first - cli[0]!)).toBeLessThan(1e-4);
    expect(Math.abs(last - cli.at(-1)!)).toBeLessThan(1e-3);
    expect(problems).toEqual([]);
    await page.close();
  });
});
