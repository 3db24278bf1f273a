/**
 * The lecture template gallery in Chromium: a person opens the gallery from the toolbar, narrows the cards
 * by topic and by search, opens the XOR template as a new untitled project, reads its notes (formulas
 * typeset by KaTeX) beside the canvas, switches to presenter mode (large type, no editing panels) and
 * trains the model with one click, the decision-boundary view open. Opening another project closes the notes;
 * Shift+N opens the gallery from the keyboard and Escape closes it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listTemplates, loadTemplate } from '../../../templates';
import { startSession, watchErrors, type Session } from './harness';

const cards = (page: Page) => page.locator('[data-testid^="gallery-card-"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')!.slice('gallery-card-'.length)));
/** The page's getComputedStyle (this file compiles without the DOM library). */
type PageWindow = { getComputedStyle(e: unknown): { fontSize: string; position: string } };
const fontSize = (page: Page, testId: string) => page.getByTestId(testId).evaluate((e) => parseFloat((globalThis as unknown as PageWindow).getComputedStyle(e).fontSize));

describe('template gallery in Chromium', () => {
  let session: Session;
  beforeAll(async () => {
    session = await startSession();
  }, 180_000);
  afterAll(async () => {
    await session?.close();
  });

  it('finds, opens, presents and trains a template', { timeout: 180_000 }, async () => {
    const all = listTemplates();
    const xor = loadTemplate('xor-hidden-layer')!;
    const page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    const problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();

    // The gallery: one card per template, each with its thumbnail and expected result.
    await page.getByTestId('tb-gallery').click();
    await page.getByTestId('gallery').waitFor();
    expect(await cards(page)).toEqual(all.map((t) => t.id));
    const card = page.getByTestId('gallery-card-xor-hidden-layer');
    // One box per layer, each titled with the layer.
    expect(await card.locator('svg rect > title').count()).toBe(xor.graph.nodes.length);
    expect(await card.textContent()).toContain(xor.meta.expected.summary);

    // Filter by topic, then search within it and across all topics.
    await page.getByTestId('gallery-topic-attention').click();
    expect(await cards(page)).toEqual(all.filter((t) => t.topic === 'attention').map((t) => t.id));
    await page.getByTestId('gallery-search').fill('positional');
    expect(await cards(page)).toEqual(['positional-encoding']);
    await page.getByTestId('gallery-search').fill('xor');
    expect(await cards(page)).toEqual([]);
    expect(await page.getByTestId('gallery-empty').textContent()).toContain('Attention and Transformers');
    await page.getByTestId('gallery-topic-all').click();
    expect(await cards(page)).toEqual(['xor-hidden-layer']);

    // Open: a new untitled project holding the template's graph, its notes beside the canvas.
    await page.getByTestId('gallery-open-xor-hidden-layer').click();
    await page.getByTestId('notes-panel').waitFor();
    expect(await page.getByTestId('gallery').count()).toBe(0);
    expect(await page.getByTestId('file-name').textContent()).toBe('Untitled');
    for (const n of xor.graph.nodes) await page.getByTestId(`node-${n.id}`).waitFor();
    expect(await page.getByTestId('notes-expected').textContent()).toContain(xor.meta.expected.summary);
    const formulas = await page.getByTestId('notes-text').locator('.katex').count();
    expect(formulas).toBeGreaterThan(0);
    expect(await page.getByTestId('notes-text').locator('.katex-error').count()).toBe(0);
    // KaTeX's fonts and styles are bundled: a formula is typeset, not shown as TeX source.
    expect(await page.getByTestId('notes-text').locator('.katex .katex-mathml').first().evaluate((e) => (globalThis as unknown as PageWindow).getComputedStyle(e).position)).toBe('absolute');
    expect((await page.getByTestId('notes-text').locator('.katex-html').allTextContents()).join(' ')).not.toMatch(/\\[a-z]+/);
    expect(await page.getByTestId('notes-try').locator('li').count()).toBe(xor.meta.try.length);
    const canvasBox = (await page.getByTestId('canvas').boundingBox())!;
    const notesBox = (await page.getByTestId('notes-panel').boundingBox())!;
    expect(notesBox.x).toBeGreaterThanOrEqual(canvasBox.x + canvasBox.width - 1);
    expect(notesBox.width).toBeGreaterThan(280);

    // Presenter mode: larger type, palette and inspector out of the way, one-click training.
    const normal = await fontSize(page, 'notes-text');
    await page.getByTestId('notes-presenter').click();
    await expect.poll(() => fontSize(page, 'notes-text')).toBeGreaterThanOrEqual(normal * 1.4);
    expect(await page.getByTestId('palette').isVisible()).toBe(false);
    expect(await page.getByTestId('inspector').isVisible()).toBe(false);
    await page.getByTestId('notes-train-now').click();
    await page.getByTestId('training-panel').waitFor();
    expect(await page.getByTestId('train-tab-boundary').getAttribute('class')).toContain('is-active');
    expect(await page.getByTestId('train-dataset').inputValue()).toBe('xor-clusters');
    await expect.poll(() => page.getByTestId('training-panel').getAttribute('data-status'), { timeout: 60_000 }).toMatch(/running|finished/);
    await expect.poll(async () => Number(await page.getByTestId('train-progress').getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0);
    // The decision-boundary view shows the model being trained.
    await page.getByTestId('view-boundary').locator('canvas').waitFor({ timeout: 30_000 });
    await expect.poll(() => page.getByTestId('training-panel').getAttribute('data-status'), { timeout: 120_000 }).toBe('finished');

    // Another project is not the template's: the notes and presenter mode go.
    await page.getByTestId('tb-new').click();
    await expect.poll(() => page.getByTestId('notes-panel').count()).toBe(0);
    expect(await page.evaluate('document.documentElement.dataset.presenter ?? null')).toBeNull();
    expect(await page.getByTestId('palette').isVisible()).toBe(true);

    // The keyboard opens the gallery too; Escape closes it and leaves the project alone.
    await page.getByTestId('canvas').click({ position: { x: 5, y: 5 } });
    await page.keyboard.press('Shift+N');
    await page.getByTestId('gallery').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('gallery').count()).toBe(0);
    expect(await page.getByTestId('notes-panel').count()).toBe(0);
    expect(problems).toEqual([]);
    await page.close();
  });
});
