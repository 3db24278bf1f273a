/** Canvas drawing shared by the teaching views: colour maps, heatmaps and image tiles. */

/** Categorical colours for classes (Tableau 10). */
export const CLASS_COLORS = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
export const classColor = (c: number) => CLASS_COLORS[((c % CLASS_COLORS.length) + CLASS_COLORS.length) % CLASS_COLORS.length]!;

/** Viridis, sampled at 9 stops and interpolated: perceptually even, readable in both themes. */
const VIRIDIS = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
] as const;

/** The colour of t ∈ [0, 1] on viridis, as [r, g, b]. */
export function viridis(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const a = VIRIDIS[i]!;
  const b = VIRIDIS[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** The smallest and largest finite values. */
export function range(data: ArrayLike<number>, from = 0, to = data.length): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = from; i < to; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/**
 * Draws rows × cols values (row-major, starting at `offset`) as a heatmap filling the canvas, one cell per
 * value, on viridis from `lo` to `hi` (default: the values' own range).
 */
export function drawHeatmap(canvas: HTMLCanvasElement, data: ArrayLike<number>, rows: number, cols: number, o: { offset?: number; lo?: number; hi?: number } = {}): void {
  const offset = o.offset ?? 0;
  const [dlo, dhi] = range(data, offset, offset + rows * cols);
  const lo = o.lo ?? dlo;
  const hi = o.hi ?? dhi;
  canvas.width = cols;
  canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(cols, rows);
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = viridis(hi > lo ? (data[offset + i]! - lo) / (hi - lo) : 0.5);
    img.data[i * 4] = r;
    img.data[i * 4 + 1] = g;
    img.data[i * 4 + 2] = b;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** Draws an image sample ([C, H, W] with C = 1 or 3, values scaled to their range) onto the canvas. */
export function drawImage(canvas: HTMLCanvasElement, data: ArrayLike<number>, shape: readonly number[], offset = 0): void {
  const [c, h, w] = shape.length === 3 ? shape : [1, shape[0]!, shape[1]!];
  const n = c! * h! * w!;
  const [lo, hi] = range(data, offset, offset + n);
  canvas.width = w!;
  canvas.height = h!;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(w!, h!);
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  for (let y = 0; y < h!; y++)
    for (let x = 0; x < w!; x++) {
      const p = y * w! + x;
      for (let k = 0; k < 3; k++) {
        const ch = c === 3 ? k : 0;
        img.data[p * 4 + k] = Math.round((data[offset + ch * h! * w! + p]! - lo) * scale);
      }
      img.data[p * 4 + 3] = 255;
    }
  ctx.putImageData(img, 0, 0);
}

/** Whether a per-sample shape is an image: [H, W], [1, H, W] or [3, H, W] with H, W ≥ 4. */
export function isImage(shape: readonly number[]): boolean {
  if (shape.length === 2) return shape[0]! >= 4 && shape[1]! >= 4;
  return shape.length === 3 && (shape[0] === 1 || shape[0] === 3) && shape[1]! >= 4 && shape[2]! >= 4;
}
