/**
 * The wheel zoom preview's one decision: whether a view shows area outside the committed view (whose nodes
 * React Flow has mounted), in which case the view is committed at once.
 */
import { describe, expect, it } from 'vitest';
import { reveals } from '../../renderer/canvas/view-geometry';

const W = 1000;
const H = 600;

/** The view after zooming `base` by `factor` about screen point (px, py), as React Flow's wheel zoom does. */
function zoomAbout(base: readonly [number, number, number], factor: number, px: number, py: number): [number, number, number] {
  const [x, y, k] = base;
  const zoom = k * factor;
  return [px - ((px - x) / k) * zoom, py - ((py - y) / k) * zoom, zoom];
}

describe('reveals', () => {
  const base: [number, number, number] = [120, -40, 0.5];

  it('is false for zooming in about any point of the pane, and for the view itself', () => {
    expect(reveals(base, base, W, H)).toBe(false);
    for (const [px, py] of [[0, 0], [W, H], [W / 2, H / 2], [37, 590]] as const) {
      expect(reveals(base, zoomAbout(base, 1.087, px, py), W, H)).toBe(false);
      expect(reveals(base, zoomAbout(base, 5, px, py), W, H)).toBe(false);
    }
  });

  it('is false when zooming back out to where the gesture began, up to rounding', () => {
    let v = base;
    for (let i = 0; i < 20; i++) v = zoomAbout(v, 2 ** 0.12, 400, 300);
    for (let i = 0; i < 20; i++) v = zoomAbout(v, 2 ** -0.12, 400, 300);
    expect(v[2]).toBeCloseTo(base[2], 12);
    expect(reveals(base, v, W, H)).toBe(false);
  });

  it('is true for zooming out past the committed view, and for any pan', () => {
    expect(reveals(base, zoomAbout(base, 1 / 1.087, W / 2, H / 2), W, H)).toBe(true);
    // Zoomed in about the top-left corner, the view shares its left and top edges with the committed one,
    // so a pan to the right by one screen pixel exposes a strip on the left.
    const zoomed = zoomAbout(base, 2, 0, 0);
    expect(reveals(base, [zoomed[0] + 1, zoomed[1], zoomed[2]], W, H)).toBe(true);
    expect(reveals(base, [base[0] - 2, base[1], base[2]], W, H)).toBe(true);
    expect(reveals(base, [base[0], base[1] + 2, base[2]], W, H)).toBe(true);
    // Within half a pixel of the committed edges counts as the same view.
    expect(reveals(base, [base[0] + 0.4, base[1] - 0.4, base[2]], W, H)).toBe(false);
  });
});
