/**
 * Mouse-wheel zoom on a 500-node graph in Chromium. A wheel step only moves the viewport's layer; the view
 * is committed to React Flow when the wheel rests and before a pointer press. Area that a step out reveals
 * beyond the committed view is drawn by the gesture layer (a canvas over the graph) until then. Checked
 * here: after every single wheel step (in and out, without pauses) every node inside the view is on screen,
 * either mounted and visible where it belongs or painted by the gesture layer there (read back from its
 * pixels), and the layer leaves mounted nodes uncovered; its boxes have the theme's colours (light and
 * dark); details and edge labels appear once the wheel rests past the detail zoom, the minimap follows the
 * previewed view, a drag right after the wheel moves the node with the pointer, and handles connect at
 * normal zoom.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centerOf, connect, dropLayer, startSession, watchErrors, type Session } from './harness';

const NODES = 500;
const COLUMNS = 20;
const DX = 260;
const DY = 180;
/** Every layer node is 200 px wide and, compact or not, at least this tall. */
const MIN_NODE = { width: 200, height: 30 };

/** Input → (Conv2d 3×3 same → BatchNorm2d → ReLU)… in a 20-column grid, as in bench:ui. */
function gridGraph(): object {
  const block = [
    { kind: 'Conv2d', params: { out_channels: 8, kernel_size: 3, padding: 1 } },
    { kind: 'BatchNorm2d', params: {} },
    { kind: 'ReLU', params: {} },
  ];
  const nodes = Array.from({ length: NODES }, (_, i) => ({
    id: `n${i}`,
    ...(i === 0 ? { kind: 'Input', params: { shape: [1, 28, 28] } } : block[(i - 1) % block.length]!),
    position: { x: (i % COLUMNS) * DX, y: Math.floor(i / COLUMNS) * DY },
  }));
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i + 1}`, from: { node: `n${i}` }, to: { node: node.id } }));
  return { format: 'layerloom.graph', version: 1, name: 'grid-500', nodes, edges };
}

interface Check {
  readonly zoom: number;
  /**
   * Nodes inside the view that are neither mounted (visible, where the layer is, at least a layer's size,
   * painted) nor painted by the gesture layer where they are; and mounted nodes the layer paints over.
   */
  readonly missing: readonly string[];
  readonly mounted: number;
  /** Nodes in view that the gesture layer paints (not mounted). */
  readonly drawn: number;
  /** Whether the gesture layer is showing. */
  readonly layer: boolean;
  readonly compact: number;
  /** Layers drawn as light bodies (mounted during a wheel gesture, full once the wheel rests). */
  readonly light: number;
  readonly moving: boolean;
}

/**
 * In the page: the view as the screen shows it (the viewport's transform), and every node whose box lies
 * at least partly inside the pane but is not on screen: neither mounted (visible, where the layer is, at
 * least a layer's size and, a light body, painted) nor painted by the gesture layer at the middle of the
 * part of its box in view; and every mounted node the gesture layer paints over there.
 */
const CHECK = `(() => {
  const t = document.querySelector('.react-flow__viewport').style.transform;
  const m = /translate\\((-?[\\d.e+-]+)px, ?(-?[\\d.e+-]+)px\\) scale\\(([\\d.e+-]+)\\)/.exec(t);
  if (!m) throw new Error('unexpected viewport transform ' + t);
  const [x, y, k] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const pane = document.querySelector('.react-flow__pane').getBoundingClientRect();
  const layer = document.querySelector('[data-testid="gesture-layer"]');
  const shown = layer !== null && !layer.hidden && getComputedStyle(layer).display !== 'none';
  const pixels = shown ? window.layerloomGesturePixels(layer) : null;
  const area = layer?.getBoundingClientRect();
  /** The gesture layer's alpha at screen point (px, py). */
  const alphaAt = (px, py) => {
    if (!pixels) return 0;
    const scale = pixels.width / area.width;
    const col = Math.floor((px - area.left) * scale), row = Math.floor((py - area.top) * scale);
    return pixels.data[(row * pixels.width + col) * 4 + 3];
  };
  const missing = [];
  let drawn = 0;
  for (let i = 0; i < ${NODES}; i++) {
    const sx = x + (i % ${COLUMNS}) * ${DX} * k, sy = y + Math.floor(i / ${COLUMNS}) * ${DY} * k;
    const inView = sx < pane.width && sx + ${MIN_NODE.width} * k > 0 && sy < pane.height && sy + ${MIN_NODE.height} * k > 0;
    if (!inView) continue;
    // The middle of the part of the node's (smallest) box inside the pane, in screen pixels.
    const cx = pane.left + (Math.max(sx, 0) + Math.min(sx + ${MIN_NODE.width} * k, pane.width)) / 2;
    const cy = pane.top + (Math.max(sy, 0) + Math.min(sy + ${MIN_NODE.height} * k, pane.height)) / 2;
    const el = document.querySelector('[data-testid="node-n' + i + '"]');
    if (!el || getComputedStyle(el.closest('.react-flow__node')).visibility === 'hidden') {
      if (alphaAt(cx, cy) > 200) drawn++;
      else missing.push('n' + i);
      continue;
    }
    const box = el.getBoundingClientRect();
    const placed = Math.abs(box.left - pane.left - sx) < 1 && Math.abs(box.top - pane.top - sy) < 1
      && box.width > ${MIN_NODE.width} * k - 1 && box.height > ${MIN_NODE.height} * k - 1;
    const painted = !el.classList.contains('is-light') || getComputedStyle(el).backgroundColor !== 'rgba(0, 0, 0, 0)';
    if (!placed || !painted) missing.push('n' + i + (placed ? ' (not painted)' : ' (misplaced)'));
    else if (alphaAt(cx, cy) !== 0) missing.push('n' + i + ' (covered by the gesture layer)');
  }
  return {
    zoom: k,
    missing,
    drawn,
    layer: shown,
    mounted: document.querySelectorAll('.react-flow__node').length,
    compact: document.querySelectorAll('.ll-node.is-compact').length,
    light: document.querySelectorAll('.ll-node.is-light').length,
    moving: document.querySelector('[data-testid="canvas"]').classList.contains('is-moving'),
  };
})()`;

/**
 * In the page: `steps` wheel events at screen point (x, y), each followed by one frame, with CHECK after
 * each; no pause long enough to end the gesture unless the machine stalls. Also counts how often the
 * gesture ended (the canvas lost its is-moving class) meanwhile.
 */
const WHEEL = (x: number, y: number, deltaY: number, steps: number) => `(async () => {
  const canvas = document.querySelector('[data-testid="canvas"]');
  let ended = 0;
  const watch = new MutationObserver(() => { if (!canvas.classList.contains('is-moving')) ended++; });
  watch.observe(canvas, { attributes: true, attributeFilter: ['class'] });
  const pane = document.querySelector('.react-flow__pane');
  const checks = [];
  for (let i = 0; i < ${steps}; i++) {
    pane.dispatchEvent(new WheelEvent('wheel', { deltaY: ${deltaY}, deltaMode: 0, clientX: ${x}, clientY: ${y}, bubbles: true, cancelable: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
    checks.push(${CHECK});
  }
  watch.disconnect();
  return { checks, ended };
})()`;

interface Colours {
  readonly id: string;
  /** The gesture layer's pixel (RGBA) inside the layer's box, and in the middle of its top border. */
  readonly body: readonly number[];
  readonly strip: readonly number[];
  /** Whether a whole pixel row lies inside the top border (so that `strip` is not blended). */
  readonly stripRow: boolean;
  /** The stylesheet's colours (RGB): the layer background and the layer's category colour. */
  readonly node: readonly number[];
  readonly category: readonly number[];
}

/**
 * In the page: `steps` wheel events at (x, y), then, for the first layer wholly inside the pane that React
 * Flow has not mounted, the gesture layer's pixels in its body and top border and the theme's colours.
 */
const WHEEL_COLOURS = (x: number, y: number, deltaY: number, steps: number) => `(async () => {
  const pane = document.querySelector('.react-flow__pane');
  for (let i = 0; i < ${steps}; i++) {
    pane.dispatchEvent(new WheelEvent('wheel', { deltaY: ${deltaY}, deltaMode: 0, clientX: ${x}, clientY: ${y}, bubbles: true, cancelable: true }));
    await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  }
  const t = document.querySelector('.react-flow__viewport').style.transform;
  const m = /translate\\((-?[\\d.e+-]+)px, ?(-?[\\d.e+-]+)px\\) scale\\(([\\d.e+-]+)\\)/.exec(t);
  const [tx, ty, k] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const box = pane.getBoundingClientRect();
  const layer = document.querySelector('[data-testid="gesture-layer"]');
  if (layer.hidden) return null;
  const pixels = window.layerloomGesturePixels(layer);
  const area = layer.getBoundingClientRect();
  const scale = pixels.width / area.width;
  const at = (col, row) => Array.from(pixels.data.slice((row * pixels.width + col) * 4, (row * pixels.width + col) * 4 + 4));
  const style = getComputedStyle(document.documentElement);
  const rgb = (name) => { const v = style.getPropertyValue(name).trim(); return [1, 3, 5].map((i) => parseInt(v.slice(i, i + 2), 16)); };
  const categories = ['convolution', 'normalization', 'activation'];
  for (let i = 1; i < ${NODES}; i++) {
    if (document.querySelector('[data-testid="node-n' + i + '"]')) continue;
    const sx = box.left + tx + (i % ${COLUMNS}) * ${DX} * k, sy = box.top + ty + Math.floor(i / ${COLUMNS}) * ${DY} * k;
    if (sx < box.left || sx + ${MIN_NODE.width} * k > box.right || sy < box.top || sy + ${MIN_NODE.height} * k > box.bottom) continue;
    // In the layer's device pixels: the middle column, the first whole row of the top border, a row in the body.
    const col = Math.floor((sx + ${MIN_NODE.width / 2} * k - area.left) * scale);
    const top = (sy - area.top) * scale;
    const stripRow = Math.ceil(top);
    return {
      id: 'n' + i,
      body: at(col, Math.floor(top + ${MIN_NODE.height / 2} * k * scale)),
      strip: at(col, stripRow),
      stripRow: stripRow + 1 <= top + 3 * k * scale,
      node: rgb('--node'),
      category: rgb('--cat-' + categories[(i - 1) % 3]),
    };
  }
  return null;
})()`;

describe('wheel zoom on a 500-node graph in Chromium', () => {
  let session: Session;
  let page: Page;
  let problems: string[];
  let centre: { x: number; y: number };

  const check = async () => (await page.evaluate(CHECK)) as Check;
  const wheel = async (at: { x: number; y: number }, deltaY: number, steps: number) =>
    (await page.evaluate(WHEEL(at.x, at.y, deltaY, steps))) as { checks: Check[]; ended: number };
  const rest = async () => {
    await expect.poll(async () => (await check()).moving, { timeout: 10_000 }).toBe(false);
    // Light bodies become full layers a batch per frame once the wheel rests.
    await expect.poll(async () => (await check()).light, { timeout: 10_000 }).toBe(0);
    // React renders the committed view in the task after the commit.
    await page.evaluate('new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)))');
  };
  const fitView = async () => {
    await page.keyboard.press('Shift+1');
    await page.waitForTimeout(400);
    await rest();
  };

  beforeAll(async () => {
    session = await startSession();
    page = await session.browser.newPage({ viewport: { width: 1600, height: 1000 } });
    problems = watchErrors(page);
    await page.goto(session.url);
    await page.getByTestId('canvas').waitFor();
    const text = JSON.stringify(gridGraph());
    await page.evaluate(`(() => {
      const data = new DataTransfer();
      data.items.add(new File([${JSON.stringify(text)}], 'grid.json', { type: 'application/json' }));
      document.querySelector('[data-testid="app"]').dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    })()`);
    // Polled with plain evaluations: waitForFunction compiles a string predicate inside the page, which the
    // app's Content-Security-Policy (no 'unsafe-eval') can refuse.
    for (const deadline = Date.now() + 30_000; (await page.evaluate(`document.querySelectorAll('.react-flow__node').length`)) !== NODES; ) {
      if (Date.now() > deadline) throw new Error(`the ${NODES}-node graph did not open within 30 s`);
      await page.waitForTimeout(20);
    }
    await page.waitForTimeout(500);
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    centre = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 2 };
  }, 120_000);

  afterAll(async () => {
    await session?.close();
  });

  it('zooms in with every node in view on screen at every step, and shows details once the wheel rests', { timeout: 60_000 }, async () => {
    await fitView();
    const start = await check();
    expect(start.zoom).toBeLessThan(0.4);
    expect(start.mounted).toBe(NODES);
    expect(start.compact).toBe(NODES);

    const { checks, ended } = await wheel(centre, -60, 20);
    for (const c of checks) expect(c.missing).toEqual([]);
    // Each step zoomed in by 2^0.12 about the pointer.
    expect(checks.at(-1)!.zoom).toBeCloseTo(start.zoom * 2 ** (0.12 * 20), 4);
    if (ended === 0) {
      // Within one gesture the nodes mounted at its start stay mounted (they cover the smaller view).
      for (const c of checks) expect(c.mounted).toBe(NODES);
    } else {
      console.warn(`wheel zoom: the gesture paused ${ended}× (a slow machine), so the mounted set was allowed to change`);
    }

    await rest();
    const after = await check();
    expect(after.zoom).toBeCloseTo(checks.at(-1)!.zoom, 4);
    expect(after.zoom).toBeGreaterThan(0.4);
    expect(after.missing).toEqual([]);
    // At rest, only the nodes in view are mounted, all with their details, and edges carry shape labels.
    expect(after.mounted).toBeLessThan(NODES / 2);
    expect(after.compact).toBe(0);
    await expect.poll(() => page.locator('[data-testid^="edge-label-"]').count()).toBeGreaterThan(10);
    expect(problems).toEqual([]);
  });

  it('zooms out from a zoomed-in view without a node in view missing at any step', { timeout: 60_000 }, async () => {
    const zoomedIn = await check();
    expect(zoomedIn.zoom).toBeGreaterThan(0.4);
    expect(zoomedIn.layer).toBe(false);
    const { checks, ended } = await wheel(centre, 60, 28);
    for (const c of checks) expect(c.missing).toEqual([]);
    expect(checks.at(-1)!.zoom).toBeLessThan(zoomedIn.zoom / 4);
    if (ended === 0) {
      // What comes into view is painted by the gesture layer; React Flow mounts nothing until the wheel rests.
      expect(checks.at(-1)!.layer).toBe(true);
      expect(checks.at(-1)!.drawn).toBeGreaterThan(100);
      for (const c of checks) expect(c.mounted).toBe(zoomedIn.mounted);
      for (const c of checks) expect(c.light).toBe(0);
    } else {
      console.warn(`wheel zoom: the gesture paused ${ended}× (a slow machine), so views were committed on the way`);
    }
    // Once the wheel rests, the layers in view mount as light bodies and become full layers a batch a frame.
    const lightSeen = await page.evaluate(`new Promise((resolve) => {
      let most = 0;
      const t0 = performance.now();
      const tick = () => {
        most = Math.max(most, document.querySelectorAll('.ll-node.is-light').length);
        if (performance.now() - t0 < 3000 && (most === 0 || document.querySelector('.ll-node.is-light'))) requestAnimationFrame(tick);
        else resolve(most);
      };
      requestAnimationFrame(tick);
    })`);
    expect(lightSeen).toBeGreaterThan(0);
    await rest();
    const after = await check();
    expect(after.missing).toEqual([]);
    expect(after.layer).toBe(false);
    expect(after.drawn).toBe(0);
    expect(after.mounted).toBeGreaterThan(zoomedIn.mounted);
    expect(after.light).toBe(0);
    expect(after.compact).toBe(after.mounted);
    // Full layers again, with their handles, so every edge between two mounted layers is drawn.
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThanOrEqual(after.mounted - 1);
  });

  it("paints the gesture layer's boxes in the theme's layer and category colours", { timeout: 60_000 }, async () => {
    for (const theme of ['light', 'dark']) {
      if (theme === 'dark') await page.getByTestId('tb-toggleTheme').click();
      expect(await page.evaluate('document.documentElement.dataset.theme')).toBe(theme);
      // Zoomed in far enough that a layer's 3 px top border covers whole pixels, then out past the mounted area.
      await fitView();
      await wheel(centre, -60, 32);
      await rest();
      const seen = (await page.evaluate(WHEEL_COLOURS(centre.x, centre.y, 60, 8))) as Colours | null;
      expect(seen).not.toBeNull();
      expect(seen!.stripRow).toBe(true);
      expect(seen!.body).toEqual([...seen!.node, 255]);
      expect(seen!.strip).toEqual([...seen!.category, 255]);
      await rest();
    }
    await page.getByTestId('tb-toggleTheme').click();
    expect(await page.evaluate('document.documentElement.dataset.theme')).toBe('light');
    expect(problems).toEqual([]);
  });

  it('hides the gesture layer once the view is back inside the mounted area, within the gesture', { timeout: 60_000 }, async () => {
    await fitView();
    await wheel(centre, -60, 20);
    await rest();
    const start = await check();
    const out = await wheel(centre, 60, 10);
    const back = await wheel(centre, -60, 10);
    for (const c of [...out.checks, ...back.checks]) expect(c.missing).toEqual([]);
    expect(back.checks.at(-1)!.zoom).toBeCloseTo(start.zoom, 6);
    if (out.ended + back.ended === 0) {
      expect(out.checks.at(-1)!.layer).toBe(true);
      // Back where the gesture began, everything in view is mounted: the layer rests, nothing was mounted.
      expect(back.checks.at(-1)!.layer).toBe(false);
      expect(back.checks.at(-1)!.drawn).toBe(0);
      for (const c of [...out.checks, ...back.checks]) expect(c.mounted).toBe(start.mounted);
    } else {
      console.warn('wheel zoom: the gesture paused (a slow machine); the layer was not checked on the way back');
    }
    await rest();
  });

  it('moves the minimap view rectangle with the previewed zoom', { timeout: 30_000 }, async () => {
    await fitView();
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const holeWidth = async () => {
      const d = (await page.locator('[data-testid="minimap"] .react-flow__minimap-mask').getAttribute('d'))!;
      const rects = [...d.matchAll(/M(-?[\d.e-]+),(-?[\d.e-]+)h(-?[\d.e-]+)/g)];
      return Number(rects[1]![3]);
    };
    const { checks } = await wheel(centre, -60, 8);
    // Read while the gesture may still be running: the rectangle is the pane's width at the shown zoom.
    const zoom = checks.at(-1)!.zoom;
    expect(await holeWidth()).toBeCloseTo(pane.width / zoom, 0);
    await rest();
    expect(await holeWidth()).toBeCloseTo(pane.width / zoom, 0);
  });

  it('drags a node right after the wheel with the pointer, and connects handles at normal zoom', { timeout: 60_000 }, async () => {
    await fitView();
    // Zoom in over the first row of the grid, then, without waiting for the wheel to rest, drag a node.
    const target = 'n10';
    let moved = false;
    for (let attempt = 0; attempt < 5 && !moved; attempt++) {
      const grip = await centerOf(page.getByTestId(`node-${target}`).locator('.ll-node__kind'));
      await page.mouse.move(grip.x, grip.y);
      for (let i = 0; i < 6; i++) await page.mouse.wheel(0, -60);
      const activeAtPress = (await check()).moving;
      const before = (await page.getByTestId(`node-${target}`).boundingBox())!;
      await page.mouse.down();
      await page.mouse.move(grip.x + 40, grip.y + 30, { steps: 5 });
      await page.mouse.up();
      const after = (await page.getByTestId(`node-${target}`).boundingBox())!;
      // The node follows the pointer on screen whatever the zoom.
      expect(after.x - before.x).toBeCloseTo(40, -1);
      expect(after.y - before.y).toBeCloseTo(30, -1);
      moved = activeAtPress;
      if (!moved) console.warn('wheel zoom: the gesture had ended before the press (a slow machine); trying again');
      await rest();
      await page.keyboard.press(`${process.platform === 'darwin' ? 'Meta' : 'Control'}+z`);
      await fitView();
    }
    expect(moved).toBe(true);

    // Add a layer beside the end of the first row, zoom in over the two until the details show, and wire
    // the row's last layer to it.
    const source = 'n19';
    const end = (await page.getByTestId(`node-${source}`).boundingBox())!;
    await dropLayer(page, 'ReLU', { x: end.x + end.width + 40, y: end.y + end.height / 2 });
    const addedNode = page.locator('.react-flow__node.selected [data-testid^="node-"]');
    await expect.poll(() => addedNode.getAttribute('data-kind')).toBe('ReLU');
    const added = (await addedNode.getAttribute('data-testid'))!.slice('node-'.length);
    const beside = (await addedNode.boundingBox())!;
    // The point that stays put while zooming by f, chosen so that the pair ends up well inside the pane
    // (a connection dragged near the pane's edge would pan the view).
    const f = 2 ** (0.12 * 15);
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    const pair = { x: (end.x + beside.x + beside.width) / 2, y: end.y + end.height / 2 };
    const goal = { x: pane.x + pane.width / 2, y: pane.y + pane.height / 3 };
    const within = (v: number, lo: number, size: number) => Math.min(lo + size - 5, Math.max(lo + 5, v));
    await page.mouse.move(within((pair.x * f - goal.x) / (f - 1), pane.x, pane.width), within((pair.y * f - goal.y) / (f - 1), pane.y, pane.height));
    for (let i = 0; i < 15; i++) await page.mouse.wheel(0, -60);
    await rest();
    const zoomed = await check();
    expect(zoomed.zoom).toBeGreaterThan(0.4);
    expect(zoomed.compact).toBe(0);
    await connect(page, source, added);
    // Wired, the new layer has a shape: n19 is a Conv2d with 8 channels on 28 × 28.
    await expect.poll(() => page.getByTestId(`summary-row-${added}`).textContent()).toContain('[N, 8, 28, 28]');
    expect(await page.getByTestId(`node-${added}`).getAttribute('class')).not.toContain('has-error');
    expect(problems).toEqual([]);
  });
});
