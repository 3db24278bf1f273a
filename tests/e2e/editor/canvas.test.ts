/**
 * The editor in Chromium, driven with the real mouse and keyboard: build LeNet-5 by dragging layers from
 * the palette and connecting their handles, read the shapes on the edges and the parameter total, break
 * the model and repair it with the one-click fix, and undo and redo.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerOf, connect, dropLayer, mouseDrag, selectNode, setParam, startSession, watchErrors, type Session } from './harness';

/** LeNet-5 as in examples/lenet5.json (without the loss): kind, params to set, and the id the editor gives it. */
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

const mod = process.platform === 'darwin' ? 'Meta' : 'Control';

async function edgeLabels(page: Page): Promise<string[]> {
  return page.locator('[data-testid^="edge-label-"]').allTextContents();
}

async function totalParams(page: Page): Promise<string> {
  return (await page.getByTestId('summary-total-params').textContent()) ?? '';
}

describe('the editor canvas in Chromium', () => {
  let session: Session;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await startSession();
    page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('builds LeNet-5 by dragging layers from the palette and connecting their handles', { timeout: 60_000 }, async () => {
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    // Four columns, filled row by row, so that each layer sits near the one it follows.
    for (const [i, layer] of LENET.entries()) {
      const at = { x: canvas.x + 140 + (i % 4) * 260, y: canvas.y + 70 + Math.floor(i / 4) * 170 };
      await dropLayer(page, layer.kind, at);
      await expect.poll(() => page.getByTestId(`node-${layer.id}`).count()).toBe(1);
      // A dropped layer is selected, so the inspector shows its parameter form.
      for (const [name, value] of Object.entries(layer.params ?? {})) await setParam(page, name, value);
    }
    for (let i = 1; i < LENET.length; i++) await connect(page, LENET[i - 1]!.id, LENET[i]!.id);

    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(LENET.length - 1);
    expect(await page.getByTestId('status-errors').textContent()).toContain('no errors');
  });

  it('shows each tensor shape on its edge, a parameter badge on each layer, and the LeNet-5 total', async () => {
    const labels = await edgeLabels(page);
    expect(labels).toContain('[N, 1, 28, 28]');
    expect(labels).toContain('[N, 6, 14, 14]');
    expect(labels).toContain('[N, 16, 5, 5]');
    expect(labels).toContain('[N, 400]');
    expect(labels).toContain('[N, 84]');
    expect(await page.getByTestId('param-badge-conv2d').textContent()).toBe('156');
    expect(await page.getByTestId('param-badge-linear').textContent()).toBe('48.1k');
    expect(await totalParams(page)).toBe('61,706');
    expect(await page.getByTestId('summary-row-linear3').textContent()).toContain('[N, 10]');
  });

  it('shows a shape error on the node and its port, and the one-click fix removes it', async () => {
    await selectNode(page, 'flatten');
    await page.keyboard.press('Delete');
    await expect.poll(() => page.getByTestId('node-flatten').count()).toBe(0);
    await connect(page, 'maxpool2d2', 'linear');

    const error = page.getByTestId('node-error-linear');
    await expect.poll(() => error.count()).toBe(1);
    expect(await error.getAttribute('data-code')).toBe('RANK_MISMATCH');
    expect(await error.textContent()).toContain('[N, 16, 5, 5]');
    expect(await page.getByTestId('handle-linear-in-in').getAttribute('class')).toContain('has-error');
    expect(await page.getByTestId('status-errors').textContent()).toContain('1 error');

    await page.getByTestId('fix-linear').click();
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);
    expect(await page.getByTestId('node-flatten').count()).toBe(1);
    expect(await edgeLabels(page)).toContain('[N, 400]');
    expect(await totalParams(page)).toBe('61,706');
  });

  it('undoes and redoes edits, including the fix, and a node drag is a single step', async () => {
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(1);
    await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);
    await page.keyboard.press(`${mod}+z`);
    await page.keyboard.press(`${mod}+y`);
    await expect.poll(() => page.getByTestId('node-error-linear').count()).toBe(0);

    const node = page.getByTestId('node-linear3');
    const before = (await node.boundingBox())!;
    const grip = await centerOf(node.locator('.ll-node__kind'));
    await mouseDrag(page, grip, { x: grip.x + 160, y: grip.y + 40 });
    const after = (await node.boundingBox())!;
    expect(after.x - before.x).toBeGreaterThan(100);
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(async () => Math.round((await node.boundingBox())!.x)).toBe(Math.round(before.x));
    await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(async () => Math.round((await node.boundingBox())!.x)).toBe(Math.round(after.x));
  });

  it('refuses a connection that graph-core rejects and says why', async () => {
    // Input → ReLU: the ReLU already has an input, and an input takes one connection.
    await connect(page, 'input', 'relu');
    const toast = page.getByTestId('toast').filter({ hasText: 'Cannot connect' });
    await expect.poll(() => toast.count()).toBeGreaterThan(0);
    expect(await toast.first().textContent()).toContain('more than one incoming connection');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(LENET.length - 1);
  });

  it('adds a layer wired to the selected node from the command palette (Ctrl+K)', async () => {
    await selectNode(page, 'linear3');
    await page.keyboard.press(`${mod}+k`);
    const input = page.getByTestId('command-palette-input');
    await input.waitFor();
    await input.fill('softm');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('node-softmax').count()).toBe(1);
    expect(await page.getByTestId('summary-row-softmax').textContent()).toContain('[N, 10]');
    await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(LENET.length);

    // Double-clicking empty canvas (here its top-right corner) opens it too.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await page.mouse.dblclick(canvas.x + canvas.width - 30, canvas.y + 15);
    await input.waitFor();
    await input.fill('dropout');
    await input.press('Enter');
    await expect.poll(() => page.getByTestId('node-dropout').count()).toBe(1);
  });

  it('selects with Ctrl+click and box select, copies, pastes and duplicates (keyboard and context menu)', async () => {
    const layers = () => page.locator('.react-flow__node-layer').count();
    const before = await layers();
    await selectNode(page, 'relu3');
    await page.getByTestId('node-relu4').locator('.ll-node__kind').click({ modifiers: [mod] });
    expect(await page.locator('.react-flow__node-layer.selected').count()).toBe(2);
    await page.keyboard.press(`${mod}+c`);
    await page.keyboard.press(`${mod}+v`);
    await expect.poll(layers).toBe(before + 2);
    expect(await page.getByTestId('node-relu5').count()).toBe(1);
    await page.keyboard.press('Delete');
    await expect.poll(layers).toBe(before);

    // Shift+drag draws a selection box around the first two layers.
    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await page.keyboard.down('Shift');
    await mouseDrag(page, { x: canvas.x + 20, y: canvas.y + 22 }, { x: canvas.x + 530, y: canvas.y + 195 });
    await page.keyboard.up('Shift');
    expect(await page.locator('.react-flow__node-layer.selected').count()).toBe(2);
    expect(await page.getByTestId('node-input').locator('..').getAttribute('class')).toContain('selected');

    // A box selection is covered by React Flow's selection rectangle; right-click it for the menu.
    await page.locator('.react-flow__nodesselection-rect').click({ button: 'right' });
    await page.getByTestId('context-menu').waitFor();
    await page.getByTestId('context-duplicate').click();
    await expect.poll(layers).toBe(before + 2);
    // The copy keeps the edge between the two layers, so its shapes are inferred too.
    expect(await page.getByTestId('param-badge-conv2d3').textContent()).toBe('156');
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(layers).toBe(before);
  });

  it('adds a sticky-note comment, edits its text, and undoes both', async () => {
    await page.getByTestId('canvas').click({ position: { x: 8, y: 300 } });
    await page.keyboard.press('Shift+C');
    const text = page.getByTestId('comment-note').locator('textarea');
    await text.waitFor();
    await text.fill('LeNet-5 (LeCun et al., 1998)');
    await text.press(`${mod}+Enter`);
    await expect.poll(() => page.getByTestId('comment-note').textContent()).toBe('LeNet-5 (LeCun et al., 1998)');
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('comment-note').textContent()).toBe('Double-click to write');
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('comment-note').count()).toBe(0);
  });

  it('edits parameters in the inspector with ranges checked, and shows the layer doc and formula', async () => {
    await selectNode(page, 'conv2d');
    await setParam(page, 'out_channels', '0');
    expect(await page.getByTestId('param-error-out_channels').textContent()).toContain('must be at least 1');
    expect(await totalParams(page)).toBe('61,706');
    await setParam(page, 'out_channels', '8');
    expect(await page.getByTestId('param-error-out_channels').count()).toBe(0);
    expect(await page.getByTestId('param-badge-conv2d').textContent()).toBe('208');
    expect(await page.getByTestId('layer-formula').textContent()).toContain('H_out');
    await page.getByTestId('param-reset-out_channels').click();
    await expect.poll(() => page.getByTestId('param-badge-conv2d').textContent()).toBe('416');

    const label = page.getByTestId('inspector-label');
    await label.fill('first conv');
    await label.press('Enter');
    await expect.poll(() => page.getByTestId('node-conv2d').locator('.ll-node__title').textContent()).toBe('first conv');
  });

  it('scrubbing a slider is one undo step', async () => {
    await page.getByTestId('summary-row-dropout').click();
    const slider = page.getByTestId('param-slider-p');
    const box = (await slider.boundingBox())!;
    const y = box.y + box.height / 2;
    await page.mouse.move(box.x + box.width / 2, y);
    await page.mouse.down();
    for (const f of [0.6, 0.7, 0.8, 0.9]) await page.mouse.move(box.x + box.width * f, y, { steps: 3 });
    await page.mouse.up();
    const scrubbed = Number(await page.getByTestId('param-p').inputValue());
    expect(scrubbed).toBeGreaterThan(0.8);
    await page.getByTestId('canvas').click({ position: { x: 8, y: 300 } });
    await page.getByTestId('summary-row-dropout').click();
    await page.keyboard.press(`${mod}+z`);
    await expect.poll(() => page.getByTestId('param-p').inputValue()).toBe('0.5');
    await page.keyboard.press(`${mod}+Shift+z`);
    await expect.poll(async () => Number(await page.getByTestId('param-p').inputValue())).toBe(scrubbed);
  });

  it('lists every action with its shortcut in the help overlay, and switches theme', async () => {
    await page.getByTestId('canvas').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('?');
    await page.getByTestId('help-overlay').waitFor();
    expect(await page.getByTestId('shortcut-undo').textContent()).toContain('Z');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('help-overlay').count()).toBe(0);
    const theme = await page.evaluate('document.documentElement.dataset.theme');
    await page.keyboard.press('Shift+T');
    expect(await page.evaluate('document.documentElement.dataset.theme')).not.toBe(theme);
    expect(problems).toEqual([]);
  });
});
