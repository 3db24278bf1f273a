/** The remembered window: validated when read, fitted to the displays that exist now. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cascadeFrom,
  DEFAULT_SIZE,
  loadWindowState,
  MIN_SIZE,
  parseWindowState,
  placeWindow,
  saveWindowState,
  type Rect,
} from '../../electron/window-state';

const laptop: Rect = { x: 0, y: 0, width: 1920, height: 1050 };
const leftMonitor: Rect = { x: -2560, y: -200, width: 2560, height: 1400 };
const small: Rect = { x: 0, y: 0, width: 1024, height: 700 };

describe('window state validation', () => {
  it('accepts a valid state and rejects damaged ones', () => {
    expect(parseWindowState('{"x":10,"y":20,"width":1200,"height":800,"maximized":true}')).toEqual({ x: 10, y: 20, width: 1200, height: 800, maximized: true });
    expect(parseWindowState('{"width":1200,"height":800,"maximized":false}')).toEqual({ width: 1200, height: 800, maximized: false });
    // A lone coordinate is dropped: a position needs both.
    expect(parseWindowState('{"x":5,"width":1200,"height":800,"maximized":false}')).toEqual({ width: 1200, height: 800, maximized: false });
    for (const bad of [
      null,
      '',
      'not json',
      '[]',
      '{"x":0,"y":0,"width":-5,"height":800,"maximized":false}',
      '{"x":0,"y":0,"width":1.5,"height":800,"maximized":false}',
      '{"x":0,"y":0,"width":"1200","height":800,"maximized":false}',
      '{"x":1e9,"y":0,"width":1200,"height":800,"maximized":false}',
      '{"x":0,"y":0,"width":1200,"height":800}',
      '{"x":0,"y":0,"width":1200,"height":800,"maximized":false,"extra":1}',
    ])
      expect(parseWindowState(bad), String(bad)).toBeNull();
  });

  it('saves and loads through a file; a damaged file loads as nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-window-'));
    try {
      const file = join(dir, 'window-state.json');
      await saveWindowState(file, { x: 100.4, y: 50.6, width: 1300, height: 850, maximized: false });
      expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ x: 100, y: 51, width: 1300, height: 850, maximized: false });
      expect(await loadWindowState(file)).toEqual({ x: 100, y: 51, width: 1300, height: 850, maximized: false });
      writeFileSync(file, '{"x":');
      expect(await loadWindowState(file)).toBeNull();
      expect(await loadWindowState(join(dir, 'missing.json'))).toBeNull();
      await expect(saveWindowState(file, { width: Number.NaN, height: 10, maximized: false })).rejects.toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('placing the window on the displays that exist now', () => {
  it('centres the default size on the primary display when nothing is remembered', () => {
    expect(placeWindow(null, [leftMonitor, laptop], 1)).toEqual({ x: 240, y: 75, ...DEFAULT_SIZE, maximized: false });
  });

  it('keeps a window that is fully on a display where it was, including negative coordinates', () => {
    const state = { x: -2000, y: -100, width: 1600, height: 1000, maximized: true };
    expect(placeWindow(state, [laptop, leftMonitor])).toEqual(state);
  });

  it('moves a window that hangs off the edge back onto its display', () => {
    expect(placeWindow({ x: 1500, y: 900, width: 1200, height: 800, maximized: false }, [laptop])).toEqual({
      x: 720,
      y: 250,
      width: 1200,
      height: 800,
      maximized: false,
    });
  });

  it('centres a window whose display is gone on the primary display', () => {
    const onUnpluggedMonitor = { x: -2000, y: 100, width: 1400, height: 900, maximized: false };
    expect(placeWindow(onUnpluggedMonitor, [laptop])).toEqual({ x: 260, y: 75, width: 1400, height: 900, maximized: false });
    // A sliver under MIN_VISIBLE pixels counts as gone too.
    expect(placeWindow({ x: 1900, y: 10, width: 1000, height: 700, maximized: false }, [laptop])).toEqual({
      x: 460,
      y: 175,
      width: 1000,
      height: 700,
      maximized: false,
    });
  });

  it('shrinks a window larger than its display, but not below the minimum size', () => {
    expect(placeWindow({ x: 0, y: 0, width: 3000, height: 2000, maximized: false }, [small])).toEqual({ ...small, maximized: false });
    expect(placeWindow({ x: 0, y: 0, width: 200, height: 100, maximized: false }, [laptop])).toMatchObject(MIN_SIZE);
    const tiny: Rect = { x: 0, y: 0, width: 640, height: 480 };
    expect(placeWindow(null, [tiny])).toEqual({ ...tiny, maximized: false });
  });

  it('prefers the display that shows most of the window', () => {
    const straddling = { x: -700, y: 100, width: 1000, height: 700, maximized: false };
    // 700 px on the left monitor, 300 on the laptop: it stays on the left monitor, moved fully onto it.
    expect(placeWindow(straddling, [laptop, leftMonitor])).toEqual({ x: -1000, y: 100, width: 1000, height: 700, maximized: false });
  });

  it('cascades further windows and wraps at the display edge', () => {
    expect(cascadeFrom({ x: 100, y: 100, width: 1200, height: 800 }, [laptop])).toEqual({ x: 128, y: 128, width: 1200, height: 800 });
    expect(cascadeFrom({ x: 700, y: 240, width: 1200, height: 800 }, [laptop])).toEqual({ x: 0, y: 0, width: 1200, height: 800 });
  });
});
