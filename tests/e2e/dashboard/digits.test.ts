/**
 * The handwritten digits (MNIST) in the editor, in Chromium: a student opens LeNet-5, picks "Handwritten
 * digits" in the training panel, sees real digits in the preview (the same pixels the CLI's loader gives), and
 * trains; the loss falls. The digits' binary file is fetched only once digits are chosen; when it cannot be
 * fetched the preview says so in one line.
 *
 * Needs Debian's Chromium (/usr/bin/chromium); without it the test fails with that reason.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { digits } from '../../../runtime/data/builtin/digits';
import { openProject, startSession, watchErrors, type Session } from '../editor/harness';

const lenet = JSON.parse(readFileSync(new URL('../../../examples/lenet5.json', import.meta.url), 'utf8')) as Record<string, unknown>;
// One epoch of 8,000 training digits in batches of 256: 31 steps.
const project = JSON.stringify({ ...lenet, training: { epochs: 1, batch_size: 256, optimizer: 'adam', lr: 0.003, seed: 0, val_split: 0.2 } });

const num = async (page: Page, testId: string, attr: string) => Number(await page.getByTestId(testId).getAttribute(attr));
const status = (page: Page) => page.getByTestId('training-panel').getAttribute('data-status');

/** The gray levels of the preview's sample tiles, one array of 28×28 per tile. */
function previewTiles(page: Page): Promise<number[][]> {
  return page.evaluate(`Array.from(document.querySelectorAll('[data-testid="dataset-preview"] .ll-samples canvas'), (c) => {
    const rgba = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    return Array.from({ length: c.width * c.height }, (_, i) => rgba[i * 4]);
  })`);
}

describe('handwritten digits in the editor (Chromium)', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  }, 180_000);
  afterAll(async () => {
    await session?.close();
  });

  it('previews real digits and trains LeNet-5 on them: the loss falls', { timeout: 240_000 }, async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    const problems = watchErrors(page);
    const fetched: string[] = [];
    page.on('request', (r) => {
      if (r.url().endsWith('/mnist-digits.bin')) fetched.push(r.url());
    });
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await openProject(page, 'lenet5.json', project);
    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('training-panel').waitFor();
    expect(fetched).toEqual([]);

    await page.getByTestId('train-dataset').selectOption('digits');
    await page.getByTestId('dataset-preview').waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('dataset-preview').textContent()).toContain('400 samples; input x [1×28×28] float32, target y, 10 classes');
    expect(fetched).toEqual([`${session.url}mnist-digits.bin`]);

    // The tiles are the first digits of the seeded preview, drawn from exactly the values the Node loader gives.
    const tiles = await previewTiles(page);
    expect(tiles).toHaveLength(8);
    const reference = await digits.load({ seed: 0, size: 400 });
    const x = reference.arrays.x as Float32Array;
    tiles.forEach((tile, t) => {
      const pixels = x.subarray(t * 784, (t + 1) * 784);
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of pixels) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
      expect(tile).toEqual(Array.from(pixels, (v) => Math.round((v - lo) * (255 / (hi - lo)))));
      // A digit: a dark background with a bright stroke.
      expect(tile.filter((g) => g > 128).length).toBeGreaterThan(40);
      expect(tile.filter((g) => g === 0).length).toBeGreaterThan(400);
    });

    await page.getByTestId('train-device').selectOption('cpu');
    await page.getByTestId('train-start').click();
    await expect.poll(() => status(page), { timeout: 180_000 }).toBe('finished');
    const total = await num(page, 'train-progress', 'data-total');
    expect(total).toBe(31);
    await expect.poll(() => num(page, 'plot-loss', 'data-points')).toBe(total);
    const first = await num(page, 'plot-loss', 'data-first');
    const last = await num(page, 'plot-loss', 'data-last');
    // Ten classes: an untrained model starts near ln 10 ≈ 2.3.
    expect(first).toBeGreaterThan(2);
    expect(last).toBeLessThan(first - 1);
    // The training worker fetched the file too, when the run needed it.
    expect(fetched).toEqual([`${session.url}mnist-digits.bin`, `${session.url}mnist-digits.bin`]);
    expect(problems).toEqual([]);
    await page.close();
  });

  it('says in one line that the digits cannot be fetched when their file is missing', { timeout: 120_000 }, async () => {
    const page = await session.browser.newPage({ viewport: { width: 1500, height: 1000 } });
    await page.route('**/mnist-digits.bin', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await openProject(page, 'lenet5.json', project);
    await page.getByTestId('tb-toggleTraining').click();
    await page.getByTestId('train-dataset').selectOption('digits');
    const error = page.locator('.ll-field .ll-view__error');
    await error.waitFor({ timeout: 60_000 });
    expect(await error.textContent()).toBe(
      "This dataset cannot load here: the app's digits file mnist-digits.bin could not be fetched (HTTP 404); rebuild the app (npm run build:web) to generate it",
    );
    await page.close();
  });
});
