/**
 * The inspector follows undo and redo: after an edit is undone, from the toolbar or with the keyboard while
 * the field still has focus, the field shows the document's value, and leaving the field does not apply the
 * undone text again; redo shows the edit again.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectNode, setParam, startSession, watchErrors, type Session } from './harness';

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

const DOC = {
  format: 'layerloom.graph',
  version: 1,
  name: 'inspector',
  nodes: [
    { id: 'x', kind: 'Input', params: { shape: [4] }, position: { x: 0, y: 0 } },
    { id: 'fc', kind: 'Linear', params: { out_features: 6 }, position: { x: 0, y: 120 } },
  ],
  edges: [{ id: 'e1', from: { node: 'x' }, to: { node: 'fc' } }],
};

const total = (page: Page) => page.getByTestId('summary-total-params').textContent();

describe('the inspector after undo and redo, in Chromium', () => {
  let session: Session;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await startSession();
    page = await session.browser.newPage({ viewport: { width: 1400, height: 900 } });
    problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    // Opened as a file dropped on the window.
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(JSON.stringify(DOC))}], 'inspector.json', { type: 'application/json' }));
      const app = document.querySelector('[data-testid="app"]');
      for (const type of ['dragenter', 'dragover', 'drop'])
        app.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await page.getByTestId('node-fc').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('shows the document value after an undo from the toolbar, and leaving the field changes nothing', async () => {
    await selectNode(page, 'fc');
    const field = page.getByTestId('param-out_features');
    expect(await total(page)).toBe('30'); // 4·6 + 6
    await setParam(page, 'out_features', '10');
    await expect.poll(() => total(page)).toBe('50');
    await page.getByTestId('tb-undo').click();
    await expect.poll(() => total(page)).toBe('30');
    expect(await field.inputValue()).toBe('6');
    await field.focus();
    await field.blur();
    expect(await total(page)).toBe('30');
    expect(await page.getByTestId('tb-redo').isDisabled()).toBe(false);
    await page.getByTestId('tb-redo').click();
    await expect.poll(() => field.inputValue()).toBe('10');
    expect(await total(page)).toBe('50');
  });

  it('undoes and redoes the document from the focused field when nothing is typed in it', async () => {
    const field = page.getByTestId('param-out_features');
    await setParam(page, 'out_features', '3');
    await expect.poll(() => total(page)).toBe('15');
    // Still in the field: Ctrl+Z is the document's undo, and the field shows the value it brought back.
    await field.press(`${mod}+z`);
    await expect.poll(() => field.inputValue()).toBe('10');
    expect(await total(page)).toBe('50');
    await field.blur();
    expect(await total(page)).toBe('50');
    await field.press(`${mod}+Shift+z`);
    await expect.poll(() => field.inputValue()).toBe('3');
    expect(await total(page)).toBe('15');

    // With text typed and not applied, Ctrl+Z undoes the typing only.
    await field.press('End');
    await field.type('2');
    expect(await field.inputValue()).toBe('32');
    await field.press(`${mod}+z`);
    await expect.poll(() => field.inputValue()).toBe('3');
    expect(await total(page)).toBe('15');
    expect(problems).toEqual([]);
  });
});
