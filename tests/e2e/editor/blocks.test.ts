/**
 * Blocks in the editor, in Chromium with the real mouse and keyboard: select two layers → Ctrl+G makes a
 * block → double-click enters it → edit a layer inside → the breadcrumb leads back out → Repeat 3; the
 * shapes, parameter badges and the model total follow every step, and each step is one undo.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropFile, selectNode, setParam, startSession, watchErrors, type Session } from './harness';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

/** x [16] → fc1 Linear(12) → act1 ReLU → head Linear(3), one below the other. */
const GRAPH = {
  format: 'layerloom.graph',
  version: 2,
  name: 'Blocks',
  nodes: [
    { id: 'x', kind: 'Input', params: { shape: [16] }, position: { x: 0, y: 0 } },
    { id: 'fc1', kind: 'Linear', params: { out_features: 12 }, position: { x: 0, y: 160 } },
    { id: 'act1', kind: 'ReLU', params: {}, position: { x: 0, y: 320 } },
    { id: 'head', kind: 'Linear', params: { out_features: 3 }, position: { x: 0, y: 480 } },
  ],
  edges: [
    { id: 'e1', from: { node: 'x' }, to: { node: 'fc1' } },
    { id: 'e2', from: { node: 'fc1' }, to: { node: 'act1' } },
    { id: 'e3', from: { node: 'act1' }, to: { node: 'head' } },
  ],
};

const total = async (page: Page) => ((await page.getByTestId('summary-total-params').textContent()) ?? '').replace(/[^\d]/g, '');

describe('blocks in the editor (Chromium)', () => {
  let session: Session;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await startSession();
    page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await dropFile(page, 'blocks.json', JSON.stringify(GRAPH));
    await page.getByTestId('node-head').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('select → Ctrl+G → enter → edit → exit → Repeat 3', { timeout: 60_000 }, async () => {
    // 16·12+12 + 12·3+3
    await expect.poll(() => total(page)).toBe(String(204 + 39));

    // select two layers, group them
    await selectNode(page, 'fc1');
    await page.keyboard.down(mod);
    await selectNode(page, 'act1');
    await page.keyboard.up(mod);
    await page.keyboard.press(`${mod}+g`);
    await page.getByTestId('node-block').waitFor();
    expect(await page.getByTestId('node-fc1').count()).toBe(0);
    await expect.poll(() => page.getByTestId('param-badge-block').textContent()).toBe('204');
    await expect.poll(() => page.getByTestId('node-out-block').textContent()).toBe('[N, 12]');
    expect(await total(page)).toBe(String(204 + 39));

    // enter: the layers and the block's ports, with shapes from outside
    await page.getByTestId('node-block').locator('.ll-node__kind').dblclick();
    await page.getByTestId('breadcrumbs').waitFor();
    await page.getByTestId('node-fc1').waitFor();
    expect(await page.getByTestId('node-head').count()).toBe(0);
    await expect.poll(() => page.getByTestId('node-out-in').textContent()).toBe('[N, 16]');
    await expect.poll(() => page.getByTestId('node-out-fc1').textContent()).toBe('[N, 12]');

    // edit a layer inside: the block now keeps its input's shape
    await selectNode(page, 'fc1');
    await setParam(page, 'out_features', '16');
    await expect.poll(() => page.getByTestId('node-out-fc1').textContent()).toBe('[N, 16]');

    // exit by the breadcrumb
    await page.getByTestId('crumb-0').click();
    await page.getByTestId('node-head').waitFor();
    expect(await page.getByTestId('breadcrumbs').count()).toBe(0);
    await expect.poll(() => page.getByTestId('param-badge-block').textContent()).toBe('272');

    // Repeat 3
    await selectNode(page, 'block');
    await setParam(page, 'repeat', '3');
    await expect.poll(() => page.getByTestId('repeat-badge-block').textContent()).toBe('×3');
    await expect.poll(() => page.getByTestId('param-badge-block').textContent()).toBe('816');
    await expect.poll(() => total(page)).toBe(String(816 + 51));
    // the summary shows the block as one row with ×3 and its layers under it
    await expect.poll(() => page.getByTestId('summary-row-block').textContent()).toContain('Block ×3');
    expect(await page.getByTestId('summary-row-block/fc1').textContent()).toContain('Linear');

    // each step was one undo: repeat, the edit inside, then the grouping
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('repeat-badge-block').count()).toBe(0);
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('param-badge-block').textContent()).toBe('204');
    await page.keyboard.press(`${mod}+z`);
    await page.getByTestId('node-fc1').waitFor();
    expect(await page.getByTestId('node-block').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('saves a block to the library and inserts it again, linked', { timeout: 60_000 }, async () => {
    await selectNode(page, 'fc1');
    await page.keyboard.down(mod);
    await selectNode(page, 'act1');
    await page.keyboard.up(mod);
    await page.keyboard.press(`${mod}+g`);
    await page.getByTestId('node-block').waitFor();
    await selectNode(page, 'block');
    await page.getByTestId('block-library-toggle').click();
    await page.getByTestId('library-save').click();
    const entry = page.locator('[data-testid^="library-entry-"]');
    await expect.poll(() => entry.count()).toBe(1);
    await entry.getByText('Insert linked').click();
    await expect.poll(() => page.locator('[data-testid^="node-block"]').count()).toBe(2);
    // the inserted use is linked: it has the same body, so the same parameter count once connected
    expect(await page.getByTestId('library-unlink').count()).toBe(1);
    expect(problems).toEqual([]);
  });
});
