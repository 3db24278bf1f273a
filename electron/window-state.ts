/**
 * The remembered window: size, position and whether it was maximised, kept in `window-state.json` in
 * userData. What is read back is validated (a damaged file gives the defaults) and fitted to the displays
 * that exist now: a window left on a monitor that has since been unplugged comes back centred on the
 * primary display, and one larger than its display shrinks to fit. Plain Node; tested in Node.
 */
import { promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { atomicWriteFile } from './project-files';

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

export interface WindowState {
  /** Absent when the window has never been placed: it is then centred on the primary display. */
  readonly x?: number;
  readonly y?: number;
  readonly width: number;
  readonly height: number;
  readonly maximized: boolean;
}

export interface PlacedWindow extends Rect {
  readonly maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1440, height: 900 } as const;
export const MIN_SIZE = { width: 800, height: 560 } as const;
/** How much of a window must lie on a display (each way, in pixels) to count as reachable there. */
export const MIN_VISIBLE = 64;
/** Offset of each further window from the focused one. */
export const CASCADE_STEP = 28;

const coordinate = z.number().int().min(-100_000).max(100_000);
const length = z.number().int().min(1).max(100_000);

export const windowStateSchema = z.strictObject({
  x: coordinate.optional(),
  y: coordinate.optional(),
  width: length,
  height: length,
  maximized: z.boolean(),
});

/** Validates window state read from disk; null when the text is not a valid state. */
export function parseWindowState(text: string | null): WindowState | null {
  if (text === null) return null;
  try {
    const parsed = windowStateSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return null;
    const { x, y, width, height, maximized } = parsed.data;
    // A position is only meaningful as a pair.
    return x !== undefined && y !== undefined ? { x, y, width, height, maximized } : { width, height, maximized };
  } catch {
    return null;
  }
}

export async function loadWindowState(file: string): Promise<WindowState | null> {
  try {
    return parseWindowState(await fsp.readFile(file, 'utf8'));
  } catch {
    return null;
  }
}

export async function saveWindowState(file: string, state: WindowState): Promise<void> {
  const checked = windowStateSchema.parse({ ...state, x: round(state.x), y: round(state.y), width: Math.round(state.width), height: Math.round(state.height) });
  await fsp.mkdir(dirname(file), { recursive: true });
  await atomicWriteFile(file, `${JSON.stringify(checked, null, 2)}\n`);
}

const round = (v: number | undefined) => (v === undefined ? undefined : Math.round(v));
const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

function centreOn(area: Rect, width: number, height: number): { x: number; y: number } {
  return { x: Math.round(area.x + (area.width - width) / 2), y: Math.round(area.y + (area.height - height) / 2) };
}

/** Shrinks a size to an area: never below MIN_SIZE unless the area itself is smaller. */
function fitSize(width: number, height: number, area: Rect): { width: number; height: number } {
  return {
    width: clamp(width, Math.min(MIN_SIZE.width, area.width), area.width),
    height: clamp(height, Math.min(MIN_SIZE.height, area.height), area.height),
  };
}

/**
 * Places a window on the displays that exist now. `workAreas` are the displays' work areas (screen minus
 * task bars and docks); `primary` is the index of the primary display among them.
 *
 * - No state: the default size, centred on the primary display.
 * - A state whose rectangle shows at least MIN_VISIBLE × MIN_VISIBLE pixels on some display: that display
 *   (the one showing most of it); the size shrinks to the display and the window moves just enough to lie
 *   wholly on it.
 * - Otherwise (its display is gone): its size, fitted and centred on the primary display.
 */
export function placeWindow(state: WindowState | null, workAreas: readonly Rect[], primary = 0): PlacedWindow {
  const primaryArea = workAreas[primary] ?? workAreas[0];
  const width = state?.width ?? DEFAULT_SIZE.width;
  const height = state?.height ?? DEFAULT_SIZE.height;
  const maximized = state?.maximized ?? false;
  if (!primaryArea) return { x: state?.x ?? 0, y: state?.y ?? 0, width, height, maximized };

  if (state && state.x !== undefined && state.y !== undefined) {
    const rect: Rect = { x: state.x, y: state.y, width, height };
    let best: Rect | null = null;
    let bestArea = 0;
    for (const area of workAreas) {
      const o = overlap(rect, area);
      if (o.width >= MIN_VISIBLE && o.height >= MIN_VISIBLE && o.width * o.height > bestArea) {
        best = area;
        bestArea = o.width * o.height;
      }
    }
    if (best) {
      const size = fitSize(width, height, best);
      return {
        x: clamp(state.x, best.x, best.x + best.width - size.width),
        y: clamp(state.y, best.y, best.y + best.height - size.height),
        ...size,
        maximized,
      };
    }
  }
  const size = fitSize(width, height, primaryArea);
  return { ...centreOn(primaryArea, size.width, size.height), ...size, maximized };
}

/**
 * Where a further window goes: CASCADE_STEP down and right of `from`, wrapping back to the top-left corner
 * of the display when it would leave it.
 */
export function cascadeFrom(from: Rect, workAreas: readonly Rect[], primary = 0): Rect {
  const placed = placeWindow({ ...from, maximized: false }, workAreas, primary);
  const area =
    workAreas.find((a) => {
      const o = overlap(placed, a);
      return o.width * o.height > 0;
    }) ?? workAreas[primary];
  if (!area) return { x: from.x + CASCADE_STEP, y: from.y + CASCADE_STEP, width: from.width, height: from.height };
  let x = placed.x + CASCADE_STEP;
  let y = placed.y + CASCADE_STEP;
  if (x + placed.width > area.x + area.width || y + placed.height > area.y + area.height) {
    x = area.x;
    y = area.y;
  }
  return { x, y, width: placed.width, height: placed.height };
}
