/**
 * The canvas's view controls in Chromium: the minimap draws every layer and masks all but the part in view,
 * dragging it pans and scrolling on it zooms; dragging the empty canvas pans (the pointer is captured for the
 * drag) and clicks reach the nodes again afterwards.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSession, watchErrors, type Session } from './harness';

const LENET = readFileSync(new URL('../../../examples/lenet5.json', import.meta.url), 'utf8');
const LENET_NODES = (JSON.parse(LENET) as { nodes: unknown[] }).nodes.length;

interface View {
  readonly x: number;
  readonly y: number;
  readonly zoom: number;
}

/** React Flow's viewport transform, `translate(Xpx, Ypx) scale(K)`. */
async function viewOf(page: Page): Promise<View> {
  const t = (await page.evaluate(`document.querySelector('.react-flow__viewport').style.transform`)) as string;
  const m = /translate\((-?[\d.e-]+)px, ?(-?[\d.e-]+)px\) scale\(([\d.e-]+)\)/.exec(t);
  if (!m) throw new Error(`unexpected viewport transform: ${t}`);
  return { x: Number(m[1]), y: Number(m[2]), zoom: Number(m[3]) };
}

/** Numbers of an SVG path made of `M x,y h w v h h -w z` rectangles. */
const rects = (d: string) =>
  [...d.matchAll(/M(-?[\d.e-]+),(-?[\d.e-]+)h(-?[\d.e-]+)v(-?[\d.e-]+)h-?[\d.e-]+z/g)].map((m) => m.slice(1, 5).map(Number) as [number, number, number, number]);

describe('minimap and canvas panning in Chromium', () => {
  let session: Session;
  let page: Page;
  let problems: string[];

  beforeAll(async () => {
    session = await startSession();
    page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(LENET)}], 'lenet5.json', { type: 'application/json' }));
      document.querySelector('[data-testid="app"]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    await page.waitForFunction(`document.querySelectorAll('.react-flow__node-layer').length === ${LENET_NODES}`);
    // Let the fit-to-view after opening settle.
    await page.waitForTimeout(500);
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('draws one rectangle per layer and unmasks exactly the part of the graph in view', async () => {
    const layers = page.locator('[data-testid="minimap"] path.ll-minimap-layer');
    await expect.poll(async () => rects((await layers.getAttribute('d')) ?? '').length).toBe(LENET_NODES);
    // Each rectangle is its node's measured box, in flow coordinates.
    const boxes = rects((await layers.getAttribute('d'))!);
    const view = await viewOf(page);
    const first = (await page.locator('.react-flow__node-layer').first().boundingBox())!;
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const flowX = (first.x - pane.x - view.x) / view.zoom;
    expect(boxes.some(([x, , w]) => Math.abs(x - flowX) < 1 && Math.abs(w - first.width / view.zoom) < 1)).toBe(true);

    const mask = (await page.locator('[data-testid="minimap"] .react-flow__minimap-mask').getAttribute('d'))!;
    const [, hole] = rects(mask);
    expect(hole![0]).toBeCloseTo(-view.x / view.zoom, 1);
    expect(hole![1]).toBeCloseTo(-view.y / view.zoom, 1);
    // The size within one screen pixel (React Flow keeps the pane's size in whole pixels).
    expect(Math.abs(hole![2] - pane.width / view.zoom)).toBeLessThan(1 / view.zoom);
    expect(Math.abs(hole![3] - pane.height / view.zoom)).toBeLessThan(1 / view.zoom);
  });

  it('pans when the minimap is dragged and zooms when it is scrolled', async () => {
    const svg = page.locator('[data-testid="minimap"] svg');
    const box = (await svg.boundingBox())!;
    const viewBoxWidth = Number(((await svg.getAttribute('viewBox')) ?? '').split(' ')[2]);
    const before = await viewOf(page);
    const start = { x: box.x + box.width / 2, y: box.y + box.height / 2 };
    await page.mouse.move(start.x, start.y);
    await page.mouse.down();
    await page.mouse.move(start.x + 20, start.y + 10, { steps: 4 });
    await page.mouse.up();
    const after = await viewOf(page);
    // The view rectangle follows the pointer: 20 minimap pixels are 20 × (flow units per minimap pixel).
    const flowPerPixel = viewBoxWidth / box.width;
    expect(after.zoom).toBe(before.zoom);
    expect(after.x).toBeCloseTo(before.x - 20 * flowPerPixel * before.zoom, 0);
    expect(after.y).toBeCloseTo(before.y - 10 * flowPerPixel * before.zoom, 0);

    await page.mouse.move(start.x, start.y);
    await page.mouse.wheel(0, -200);
    await expect.poll(async () => (await viewOf(page)).zoom).toBeGreaterThan(after.zoom * 1.1);
  });

  it('pans when the empty canvas is dragged, and clicks reach the nodes afterwards', async () => {
    await page.keyboard.press('Shift+1');
    await page.waitForTimeout(400);
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const before = await viewOf(page);
    const from = { x: pane.x + 15, y: pane.y + pane.height - 15 };
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move(from.x + 120, from.y - 40, { steps: 6 });
    await page.mouse.up();
    const after = await viewOf(page);
    expect(after.x - before.x).toBeCloseTo(120, 0);
    expect(after.y - before.y).toBeCloseTo(-40, 0);
    await expect.poll(() => page.getByTestId('canvas').getAttribute('class')).not.toContain('is-moving');

    // A node wholly in view after the pan.
    const nodes = page.locator('.react-flow__node-layer');
    let index = -1;
    for (let i = 0; i < LENET_NODES && index < 0; i++) {
      const b = await nodes.nth(i).boundingBox();
      if (b && b.x > pane.x && b.y > pane.y && b.x + b.width < pane.x + pane.width && b.y + b.height < pane.y + pane.height) index = i;
    }
    expect(index).toBeGreaterThanOrEqual(0);
    const node = nodes.nth(index);
    await node.click({ position: { x: 20, y: 5 } });
    await expect.poll(() => node.getAttribute('class')).toContain('selected');
    expect(problems).toEqual([]);
  });
});
