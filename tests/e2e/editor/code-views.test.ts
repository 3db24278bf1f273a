/**
 * The code views in the browser build (Chromium): Monaco loads from the app's own files (no network), the
 * PyTorch tab follows canvas edits, the graph JSON tab edits the canvas as one undoable step and marks
 * invalid text without touching the canvas, the schema completes layer kinds, the ONNX text shows the IR
 * version and opset, and the diff compares with the saved file and with a template.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generatePytorch } from '../../../exporters/pytorch/generate';
import { inferShapes } from '../../../graph-core';
import { parseProject, serializeProject } from '../../../renderer/store/project-file';
import { dropFile, setParam, startSession, watchErrors, type Session } from './harness';

const spiralText = readFileSync(new URL('../../../examples/spiral-mlp.json', import.meta.url), 'utf8');

let session: Session;

/** The text of the Monaco editor in a code view (the diff view gives its modified side). */
const editorText = (page: Page, view: string) =>
  page.getByTestId(`code-editor-${view}`).evaluate((el) => {
    const ed = (el as unknown as { layerloomEditor: { getValue?: () => string; getModifiedEditor?: () => { getValue(): string } } }).layerloomEditor;
    return ed.getModifiedEditor ? ed.getModifiedEditor().getValue() : ed.getValue!();
  });

/** Replaces the JSON view's text as one edit, as a paste over a selection of everything does. */
const replaceJson = (page: Page, text: string) =>
  page.getByTestId('code-editor-json').evaluate((el, t) => {
    type Ed = { getModel(): { getFullModelRange(): unknown }; executeEdits(source: string, edits: unknown[]): void; focus(): void };
    const ed = (el as unknown as { layerloomEditor: Ed }).layerloomEditor;
    ed.focus();
    ed.executeEdits('test', [{ range: ed.getModel().getFullModelRange(), text: t }]);
  }, text);

const totalParams = async (page: Page) => (await page.getByTestId('summary-total-params').textContent()) ?? '';
const nodeIds = (page: Page) => page.locator('.react-flow__node').evaluateAll((ns) => ns.map((n) => (n as unknown as { dataset: { id?: string } }).dataset.id));

async function openSpiral(page: Page): Promise<void> {
  await dropFile(page, 'spiral-mlp.json', spiralText);
  await expect.poll(() => totalParams(page)).toBe('4,547');
}

/** Selects a layer from its row in the model summary (the example's layers all sit at the origin of the canvas). */
async function pick(page: Page, id: string): Promise<void> {
  await page.getByTestId(`summary-row-${id}`).click();
  await expect.poll(() => page.locator('.react-flow__node-layer.selected').evaluateAll((ns) => ns.map((n) => (n as unknown as { dataset: { id?: string } }).dataset.id))).toEqual([id]);
}

describe('code views', () => {
  beforeAll(async () => {
    session = await startSession();
  }, 240_000);

  afterAll(async () => {
    await session?.close();
  });

  it('loads Monaco offline; the PyTorch tab shows generated code and follows edits', { timeout: 120_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 1500 } });
    const requests: string[] = [];
    context.on('request', (r) => requests.push(r.url()));
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await openSpiral(page);

    // Shift+P opens the code views on the PyTorch tab (and closes them again); the tab strip does the same.
    await page.keyboard.press('Shift+P');
    await expect.poll(() => page.getByTestId('code-tab-pytorch').getAttribute('aria-selected')).toBe('true');
    await page.keyboard.press('Shift+P');
    await expect.poll(() => page.getByTestId('code-tab-pytorch').getAttribute('aria-selected')).toBe('false');
    await page.getByTestId('code-tab-pytorch').click();
    const parsed = parseProject(spiralText);
    if (!parsed.ok) throw new Error('the example does not parse');
    const expected = generatePytorch(parsed.doc, inferShapes(parsed.doc));
    if (!expected.ok) throw new Error(expected.problems.join('\n'));
    await expect.poll(() => editorText(page, 'pytorch'), { timeout: 30_000 }).toBe(expected.files['model.py']);
    expect(expected.files['model.py']).toContain('nn.Linear(2, 64)');

    // The train.py tab holds the training script; the editor is read-only.
    await page.getByTestId('code-file-train.py').click();
    await expect.poll(() => editorText(page, 'pytorch')).toBe(expected.files['train.py']);
    await page.getByTestId('code-file-model.py').click();

    await pick(page, 'fc1');
    await setParam(page, 'out_features', '32');
    const edited = { ...parsed.doc, nodes: parsed.doc.nodes.map((n) => (n.id === 'fc1' ? { ...n, params: { ...n.params, out_features: 32 } } : n)) };
    const after = generatePytorch(edited, inferShapes(edited));
    if (!after.ok) throw new Error(after.problems.join('\n'));
    await expect.poll(() => editorText(page, 'pytorch')).toBe(after.files['model.py']);
    expect(after.files['model.py']).toContain('nn.Linear(32, 64)');

    // Everything came from the app's own origin.
    const origin = new URL(session.url).origin;
    expect(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:'))).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('graph JSON edits the canvas as one undo step; invalid text shows markers and leaves the canvas alone', { timeout: 120_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 1500 } });
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await openSpiral(page);
    const parsed = parseProject(spiralText);
    if (!parsed.ok) throw new Error('the example does not parse');

    await page.getByTestId('code-tab-json').click();
    await expect.poll(() => editorText(page, 'json'), { timeout: 30_000 }).toContain('"fc1"');
    // The tab shows the project file: the example as opened (laid out on the canvas).
    const initial = await editorText(page, 'json');
    const shown = parseProject(initial);
    if (!shown.ok) throw new Error('the JSON view does not show a project');
    expect(initial).toBe(serializeProject(shown.doc));
    expect(shown.doc.nodes.map(({ id, kind, params }) => ({ id, kind, params }))).toEqual(parsed.doc.nodes.map(({ id, kind, params }) => ({ id, kind, params })));
    expect(shown.doc.edges).toEqual(parsed.doc.edges);

    // fc1 gets 16 units and a label.
    const text = initial.replace('"id": "fc1", "kind": "Linear", "params": { "out_features": 64 }', '"id": "fc1", "kind": "Linear", "params": { "out_features": 16 }, "label": "narrow"');
    expect(text).not.toBe(initial);
    await replaceJson(page, text);
    // Linear 2→16, 16→64, 64→3: 48 + 1088 + 195
    await expect.poll(() => totalParams(page)).toBe('1,331');
    await expect.poll(() => page.getByTestId('node-fc1').textContent()).toContain('narrow');
    expect(await page.getByTestId('code-status').textContent()).toContain('Applied to the canvas');
    expect(await nodeIds(page)).toEqual(parsed.doc.nodes.map((n) => n.id));

    // One undo takes the whole edit back, and the text follows.
    await page.getByTestId('tb-undo').click();
    await expect.poll(() => totalParams(page)).toBe('4,547');
    await expect.poll(() => editorText(page, 'json')).toBe(initial);
    await page.getByTestId('tb-redo').click();
    await expect.poll(() => totalParams(page)).toBe('1,331');
    await page.getByTestId('tb-undo').click();
    await expect.poll(() => totalParams(page)).toBe('4,547');
    await expect.poll(() => editorText(page, 'json')).toBe(initial);

    // Malformed JSON: a marker and a message; the canvas and its history stay as they are.
    const broken = initial.replace('"out_features": 64 }', '"out_features": 8 ');
    await replaceJson(page, broken);
    await expect.poll(() => page.getByTestId('code-status').textContent()).toMatch(/problem.*The canvas is unchanged/);
    await expect.poll(() => page.locator('[data-testid="code-editor-json"] .squiggly-error').count()).toBeGreaterThan(0);
    expect(await totalParams(page)).toBe('4,547');
    expect(await page.getByTestId('tb-undo').isDisabled()).toBe(true);

    // A layer kind the catalogue does not have is named, and nothing changes either.
    await replaceJson(page, initial.replace('"id": "a1", "kind": "ReLU"', '"id": "a1", "kind": "ReLUU"'));
    await expect.poll(() => page.getByTestId('code-status').textContent()).toContain('unknown layer kind "ReLUU"');
    expect(await page.getByTestId('node-a1').locator('.ll-node__kind').textContent()).toBe('ReLU');

    // The schema completes layer kinds: with the cursor after `"Conv` in a kind, the suggestions are the catalogue's Conv layers.
    await replaceJson(page, initial.replace('"id": "a1", "kind": "ReLU"', '"id": "a1", "kind": "Conv"'));
    await page.getByTestId('code-editor-json').evaluate((el) => {
      type Ed = { getModel(): { getValue(): string; getPositionAt(o: number): unknown }; setPosition(p: unknown): void; focus(): void; trigger(s: string, id: string, a: unknown): void };
      const ed = (el as unknown as { layerloomEditor: Ed }).layerloomEditor;
      const value = ed.getModel().getValue();
      ed.setPosition(ed.getModel().getPositionAt(value.indexOf('"Conv"') + 5));
      ed.focus();
      ed.trigger('test', 'editor.action.triggerSuggest', {});
    });
    await expect
      .poll(async () => (await page.locator('.suggest-widget .monaco-list-row').allTextContents()).map((t) => t.replace(/"/g, '')), { timeout: 15_000 })
      .toEqual(expect.arrayContaining([expect.stringMatching(/^Conv1d/), expect.stringMatching(/^Conv2d/), expect.stringMatching(/^ConvTranspose2d/)]));
    await page.keyboard.press('Escape');

    // Text made valid again applies; the canvas shows it.
    await replaceJson(page, initial.replace('"id": "a1", "kind": "ReLU"', '"id": "a1", "kind": "Tanh"'));
    await expect.poll(() => page.getByTestId('node-a1').locator('.ll-node__kind').textContent()).toBe('Tanh');
    expect(await totalParams(page)).toBe('4,547');
    expect(problems).toEqual([]);
    await context.close();
  });

  it('ONNX text shows IR version and opset; the diff compares with the saved file and a template', { timeout: 120_000 }, async () => {
    const context = await session.browser.newContext({ viewport: { width: 1400, height: 1500 } });
    const page = await context.newPage();
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await openSpiral(page);

    await page.getByTestId('code-tab-onnx').click();
    await expect.poll(() => page.getByTestId('code-status').textContent(), { timeout: 30_000 }).toBe('IR version 8 · opset ai.onnx 17 · 11 nodes · 6 initializers');
    const onnx = await editorText(page, 'onnx');
    expect(onnx).toContain('opset_import: ["" : 17]');
    expect(onnx).toContain('"fc1/MatMul" = MatMul (x, "fc1/Transpose")');

    await page.getByTestId('code-tab-diff').click();
    await expect.poll(() => page.getByTestId('code-status').textContent(), { timeout: 30_000 }).toBe('No differences');
    await pick(page, 'fc2');
    await setParam(page, 'out_features', '8');
    await expect.poll(() => page.getByTestId('code-status').textContent()).toBe('1 change: +1 −1 lines');
    expect(await editorText(page, 'diff')).toContain('"id": "fc2", "kind": "Linear", "params": { "out_features": 8 }');

    // Against a template: the template's own graph is on the left.
    await page.getByTestId('code-diff-against').selectOption({ index: 1 });
    await expect.poll(() => page.getByTestId('code-status').textContent()).toMatch(/^\d+ changes?: \+\d+ −\d+ lines$/);
    expect(problems).toEqual([]);
    await context.close();
  });
});
