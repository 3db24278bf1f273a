/** View arithmetic for the canvas, free of the DOM and React. */

/** A React Flow view: translation in screen pixels and zoom, as in its store's `transform`. */
export type Transform = readonly [x: number, y: number, zoom: number];

/** Half a screen pixel: rounding in the zoom arithmetic never counts as revealing new area. */
const SLACK_PX = 0.5;

/**
 * Whether view `next` shows any part of the plane outside view `base` on a `width` × `height` pane, i.e.
 * area whose nodes React Flow may not have mounted.
 */
export function reveals(base: Transform, next: Transform, width: number, height: number): boolean {
  const [bx, by, bk] = base;
  const [x, y, k] = next;
  // Both views' rectangles in flow coordinates; the slack is measured in screen pixels of `next`.
  const e = SLACK_PX / k;
  return (
    -x / k < -bx / bk - e ||
    -y / k < -by / bk - e ||
    (width - x) / k > (width - bx) / bk + e ||
    (height - y) / k > (height - by) / bk + e
  );
}

/** View `t` zoomed to `zoom` about screen point (px, py), which stays put (as React Flow's wheel zoom does). */
export function zoomAbout([x, y, k]: Transform, zoom: number, px: number, py: number): Transform {
  return [px - ((px - x) / k) * zoom, py - ((py - y) / k) * zoom, zoom];
}
