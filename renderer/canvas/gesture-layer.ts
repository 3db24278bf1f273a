/**
 * The gesture layer: while a wheel gesture zooms out past the area React Flow has mounted, the layers and
 * edges outside it are drawn on one <canvas> over the graph instead of being mounted (as design tools draw
 * a moving view). Each layer is a box of its size in its category colour, the same look as a light body
 * (lite-nodes.ts), and each edge the curve React Flow draws for it; layers React Flow has mounted are left
 * as holes, so the canvas never covers them. The picture is built once per gesture in flow coordinates and
 * repainted with the previewed view on each frame (a few hundred boxes and curves: well under a
 * millisecond of script). When the wheel rests the view is committed, React Flow mounts what is in view,
 * and the canvas is hidden in the next frame, over which the mounted layers look the same.
 */
import { buildScene, type Box, type EdgeTone, type Mounted, type Scene, type SceneEdgeInput, type SceneNode } from './gesture-scene';
import type { Transform } from './view-geometry';

/** Corner radius and border widths of a layer box, as in the stylesheet (flow pixels). */
const RADIUS = 8;
const BORDER = 1;
const TOP_BORDER = 3;
const NOTE_RADIUS = 4;
const EDGE_WIDTH = 1.6;
const SELECTED_EDGE_WIDTH = 2.4;

/** The theme's colours the canvas paints with, read from the stylesheet's variables. */
export interface Palette {
  readonly node: string;
  readonly border: string;
  readonly accent: string;
  readonly edge: string;
  readonly error: string;
  readonly note: string;
  /** A category's colour, by category name. */
  readonly category: (name: string) => string;
}

export function paletteOf(el: Element): Palette {
  const style = getComputedStyle(el);
  const read = (name: string) => style.getPropertyValue(name).trim();
  const shaping = read('--cat-shaping');
  const accent = read('--accent');
  const cache = new Map<string, string>();
  return {
    node: read('--node'),
    border: read('--border'),
    accent,
    edge: read('--edge'),
    error: read('--error'),
    note: read('--note'),
    category(name) {
      let c = cache.get(name);
      if (c === undefined) {
        c = name === 'block' ? accent : read(`--cat-${name}`) || shaping;
        cache.set(name, c);
      }
      return c;
    },
  };
}

/** A scene as Path2D objects, one per colour, so a frame is a dozen fills whatever the graph's size. */
export interface Painting {
  readonly scene: Scene;
  readonly palette: Palette;
  /** Box outlines by border colour (the border, or the accent for a selected layer). */
  readonly outlines: ReadonlyMap<string, Path2D>;
  /** The boxes' top borders, by category colour. */
  readonly strips: ReadonlyMap<string, Path2D>;
  /** The boxes' insides, in the layer background colour. */
  readonly bodies: Path2D;
  readonly notes: Path2D;
  readonly edges: ReadonlyMap<EdgeTone, Path2D>;
}

/** Where the arc of a box's top corner meets the bottom of its top border: the angle and the offset from the arc's centre. */
const STRIP_ANGLE = Math.asin((RADIUS - TOP_BORDER) / RADIUS);
const STRIP_DX = Math.sqrt(RADIUS * RADIUS - (RADIUS - TOP_BORDER) ** 2);

/** Adds the top border of a box with rounded corners: the part of the box above y + TOP_BORDER. */
function addStrip(p: Path2D, b: Box): void {
  const left = b.x + RADIUS;
  const right = b.x + b.width - RADIUS;
  const cy = b.y + RADIUS;
  p.moveTo(left - STRIP_DX, b.y + TOP_BORDER);
  p.arc(left, cy, RADIUS, Math.PI + STRIP_ANGLE, 1.5 * Math.PI);
  p.lineTo(right, b.y);
  p.arc(right, cy, RADIUS, 1.5 * Math.PI, 2 * Math.PI - STRIP_ANGLE);
  p.closePath();
}

export function paintingOf(scene: Scene, palette: Palette): Painting {
  const path = <K>(m: Map<K, Path2D>, key: K) => {
    let p = m.get(key);
    if (!p) m.set(key, (p = new Path2D()));
    return p;
  };
  const outlines = new Map<string, Path2D>();
  const strips = new Map<string, Path2D>();
  const bodies = new Path2D();
  const notes = new Path2D();
  for (const b of scene.boxes) {
    if (b.category === 'note') {
      notes.roundRect(b.x, b.y, b.width, b.height, NOTE_RADIUS);
      continue;
    }
    path(outlines, b.selected ? palette.accent : palette.border).roundRect(b.x, b.y, b.width, b.height, RADIUS);
    addStrip(path(strips, palette.category(b.category)), b);
    // The padding box: CSS rounds its corners by the radius less the border widths.
    bodies.roundRect(b.x + BORDER, b.y + TOP_BORDER, b.width - 2 * BORDER, b.height - TOP_BORDER - BORDER, {
      x: RADIUS - BORDER,
      y: RADIUS - TOP_BORDER,
    });
  }
  const edges = new Map<EdgeTone, Path2D>();
  for (const e of scene.edges) {
    const [sx, sy, c1x, c1y, c2x, c2y, tx, ty] = e.curve;
    const p = path(edges, e.tone);
    p.moveTo(sx, sy);
    p.bezierCurveTo(c1x, c1y, c2x, c2y, tx, ty);
  }
  return { scene, palette, outlines, strips, bodies, notes, edges };
}

type Context2D = CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D;

/** Paints `p` as seen in view `t`, at `dpr` device pixels per CSS pixel; the holes stay clear. */
export function paint(ctx: Context2D, p: Painting, [x, y, k]: Transform, dpr: number): void {
  ctx.setTransform(1, 0, 0, 1, 0, 0);
  ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
  ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * x, dpr * y);
  for (const [tone, path] of p.edges) {
    ctx.strokeStyle = tone === 'error' ? p.palette.error : tone === 'selected' ? p.palette.accent : p.palette.edge;
    ctx.lineWidth = tone === 'selected' ? SELECTED_EDGE_WIDTH : EDGE_WIDTH;
    ctx.setLineDash(tone === 'error' ? [5, 3] : []);
    ctx.stroke(path);
  }
  ctx.setLineDash([]);
  for (const [colour, path] of p.outlines) {
    ctx.fillStyle = colour;
    ctx.fill(path);
  }
  for (const [colour, path] of p.strips) {
    ctx.fillStyle = colour;
    ctx.fill(path);
  }
  ctx.fillStyle = p.palette.node;
  ctx.fill(p.bodies);
  ctx.fillStyle = p.palette.note;
  ctx.fill(p.notes);
  // Over the layers React Flow shows, the DOM draws (an edge drawn here must not cross them).
  for (const h of p.scene.holes) ctx.clearRect(h.x, h.y, h.width, h.height);
}

/** What React Flow shows in `root` (its wrapper): a node still hidden until measured does not count. */
export function mountedIn(root: ParentNode): Mounted {
  const nodes = new Set<string>();
  for (const el of root.querySelectorAll<HTMLElement>('.react-flow__node')) {
    const id = el.dataset.id;
    if (id !== undefined && el.style.visibility !== 'hidden') nodes.add(id);
  }
  const edges = new Set<string>();
  for (const el of root.querySelectorAll<SVGElement>('.react-flow__edge')) {
    const id = el.dataset.id;
    if (id !== undefined) edges.add(id);
  }
  return { nodes, edges };
}

/** React Flow's store, as far as the gesture layer reads it. */
export interface FlowStore {
  getState(): {
    readonly nodes: readonly unknown[];
    readonly edges: readonly SceneEdgeInput[];
    readonly nodeLookup: ReadonlyMap<string, SceneNode>;
  };
}

export interface GestureLayer {
  /** Draws, in the next frame, what React Flow does not show as seen in view `t`, and shows the canvas. */
  show(t: Transform): void;
  /** Hides the canvas after the next frame, by which React Flow has drawn a view just committed. */
  hide(): void;
  /** Hides the canvas at once, keeping the scene: the view shows nothing React Flow has not mounted. */
  pause(): void;
  dispose(): void;
}

/** Where the layer draws: the canvas's own context, or that of the OffscreenCanvas it handed its drawing to. */
interface Surface {
  readonly target: HTMLCanvasElement | OffscreenCanvas;
  readonly ctx: Context2D;
}

const surfaces = new WeakMap<HTMLCanvasElement, Surface | null>();

/**
 * The canvas hands its drawing to an OffscreenCanvas (still drawn from this thread): its frames then reach
 * the compositor directly, without a repaint, layerisation and layer update of the page on every frame,
 * which a plain canvas costs (measured: 4 to 5 ms a frame on the 500-node graph).
 */
function surfaceOf(el: HTMLCanvasElement): Surface | null {
  let surface = surfaces.get(el);
  if (surface === undefined) {
    const target = typeof el.transferControlToOffscreen === 'function' ? el.transferControlToOffscreen() : el;
    const ctx = target.getContext('2d') as Context2D | null;
    surface = ctx ? { target, ctx } : null;
    surfaces.set(el, surface);
  }
  return surface;
}

/** The pixels the gesture layer last drew on `el` (device pixels, RGBA), for tests; null if it never drew. */
export function drawnPixels(el: HTMLCanvasElement): ImageData | null {
  const surface = surfaces.get(el);
  return surface ? surface.ctx.getImageData(0, 0, surface.target.width, surface.target.height) : null;
}

/**
 * The gesture layer on `canvas` (a child of React Flow's wrapper, over the graph). The scene is built on
 * the first frame of a gesture (which nodes React Flow shows cannot change while the view is not
 * committed) and again only if React Flow's nodes or edges change meanwhile.
 */
export function createGestureLayer(canvas: () => HTMLCanvasElement | null, store: FlowStore, edgeError: (id: string) => boolean): GestureLayer {
  let painting: Painting | null = null;
  let builtFor: { nodes: unknown; edges: unknown; theme: string | undefined } | null = null;
  let view: Transform | null = null;
  let drawFrame: number | undefined;
  let hideFrame: number | undefined;
  let dpr = 1;

  const draw = () => {
    drawFrame = undefined;
    const el = canvas();
    const surface = el && surfaceOf(el);
    if (!el || !surface || !view || !el.parentElement) return;
    const s = store.getState();
    const theme = document.documentElement.dataset.theme;
    if (!painting || !builtFor || builtFor.nodes !== s.nodes || builtFor.edges !== s.edges || builtFor.theme !== theme) {
      const scene = buildScene(s.nodeLookup.values(), s.edges, s.nodeLookup, mountedIn(el.parentElement), edgeError);
      painting = paintingOf(scene, paletteOf(el));
      builtFor = { nodes: s.nodes, edges: s.edges, theme };
    }
    if (el.hidden) {
      dpr = window.devicePixelRatio || 1;
      // The canvas covers React Flow's wrapper (a hidden canvas has no size of its own).
      const width = Math.round(el.parentElement.clientWidth * dpr);
      const height = Math.round(el.parentElement.clientHeight * dpr);
      if (surface.target.width !== width || surface.target.height !== height) {
        surface.target.width = width;
        surface.target.height = height;
      }
      el.hidden = false;
    }
    paint(surface.ctx, painting, view, dpr);
  };

  const clear = () => {
    hideFrame = undefined;
    painting = null;
    builtFor = null;
    view = null;
    const el = canvas();
    if (!el) return;
    el.hidden = true;
    const surface = surfaces.get(el);
    surface?.ctx.clearRect(0, 0, surface.target.width, surface.target.height);
  };

  return {
    show(t) {
      if (hideFrame !== undefined) {
        cancelAnimationFrame(hideFrame);
        hideFrame = undefined;
      }
      view = t;
      drawFrame ??= requestAnimationFrame(draw);
    },
    hide() {
      // What React Flow shows is about to change: a later show() builds the scene afresh.
      painting = null;
      if (drawFrame !== undefined) {
        cancelAnimationFrame(drawFrame);
        drawFrame = undefined;
      }
      if (view !== null) hideFrame ??= requestAnimationFrame(clear);
    },
    pause() {
      if (drawFrame !== undefined) {
        cancelAnimationFrame(drawFrame);
        drawFrame = undefined;
      }
      const el = canvas();
      if (el) el.hidden = true;
    },
    dispose() {
      if (drawFrame !== undefined) cancelAnimationFrame(drawFrame);
      if (hideFrame !== undefined) cancelAnimationFrame(hideFrame);
      drawFrame = hideFrame = undefined;
    },
  };
}

declare global {
  interface Window {
    /** The end-to-end tests' view of what the gesture layer drew (drawnPixels). */
    layerloomGesturePixels?: (el: HTMLCanvasElement) => ImageData | null;
  }
}
if (typeof window !== 'undefined') window.layerloomGesturePixels = drawnPixels;
