/**
 * The gesture layer's scene: which layers and edges the canvas draws while a wheel zoom out shows area that
 * React Flow has not mounted (those React Flow does not show), where (boxes of the measured size, or a
 * compact layer's for one never measured), in which colour group, and where each edge starts and ends
 * (React Flow's handle anchors: the middle of the handle's outer side). Painting is checked in Chromium by
 * tests/e2e/editor/zoom.test.ts, from the canvas's pixels.
 */
import { describe, expect, it } from 'vitest';
import { buildScene, LAYER_HEIGHT, LAYER_WIDTH, type SceneEdge, type SceneEdgeInput, type SceneNode } from '../../renderer/canvas/gesture-scene';

type Node = SceneNode;

/** React Flow's own bezier edge path (the reference), loaded without its React typings. */
const REACT_FLOW = '@xyflow/react';
const { getBezierPath } = (await import(REACT_FLOW)) as {
  getBezierPath(p: { sourceX: number; sourceY: number; sourcePosition: string; targetX: number; targetY: number; targetPosition: string }): [string];
};

/** The scene's curve as an SVG path, the way React Flow writes one. */
const svg = ({ curve: [sx, sy, c1x, c1y, c2x, c2y, tx, ty] }: SceneEdge) => `M${sx},${sy} C${c1x},${c1y} ${c2x},${c2y} ${tx},${ty}`;

/** A handle as React Flow records it: its box relative to the node, and its side. */
const handle = (id: string, x: number, y: number, position: 'top' | 'bottom') => ({ id, x, y, width: 11, height: 11, position });

function layer(id: string, kind: string, x: number, y: number, size?: { width: number; height: number }, extra: Partial<Node> = {}): Node {
  return {
    id,
    type: 'layer',
    data: { node: { kind } },
    measured: size ?? {},
    internals: {
      positionAbsolute: { x, y },
      ...(size
        ? {
            handleBounds: {
              // One input at the top middle, two outputs along the bottom, as LayerNode spreads them.
              target: [handle('in', size.width / 2 - 5.5, -5.5, 'top')],
              source: [handle('a', size.width / 3 - 5.5, size.height - 5.5, 'bottom'), handle('b', (2 * size.width) / 3 - 5.5, size.height - 5.5, 'bottom')],
            },
          }
        : {}),
    },
    ...extra,
  };
}

const SIZE = { width: 200, height: 60 };

describe('buildScene', () => {
  const nodes = [
    layer('conv', 'Conv2d', 0, 0, SIZE),
    layer('norm', 'BatchNorm2d', 300, 0, SIZE, { selected: true }),
    layer('fresh', 'ReLU', 600, 200),
    layer('blk', 'Block', 900, 0, SIZE),
    layer('odd', 'NoSuchLayer', 1200, 400, SIZE),
    layer('gone', 'ReLU', 1500, 0, SIZE, { hidden: true }),
    { ...layer('comment:c1', 'ReLU', 0, 400, { width: 240, height: 120 }), type: 'comment', data: { note: { id: 'c1', text: '' } } },
  ];
  const lookup = new Map(nodes.map((n) => [n.id, n]));
  const edges: SceneEdgeInput[] = [
    { id: 'e1', source: 'conv', target: 'norm', sourceHandle: 'b', targetHandle: 'in' },
    { id: 'e2', source: 'norm', target: 'fresh', selected: true },
    { id: 'e3', source: 'fresh', target: 'blk' },
    { id: 'e4', source: 'blk', target: 'gone' },
    // From a layer to one far below it: React Flow's curve bends out by the distance, not the curvature.
    { id: 'e5', source: 'conv', target: 'odd' },
  ];

  it('draws what React Flow does not show and leaves holes where it does', () => {
    const scene = buildScene(nodes, edges, lookup, { nodes: new Set(['conv']), edges: new Set(['e5']) }, () => false);
    expect(scene.holes).toEqual([{ x: 0, y: 0, width: 200, height: 60 }]);
    expect(scene.boxes.map((b) => [b.id, b.category, b.selected])).toEqual([
      ['norm', 'normalization', true],
      ['fresh', 'activation', false],
      ['blk', 'block', false],
      ['odd', 'unknown', false],
      ['comment:c1', 'note', false],
    ]);
    // Measured boxes keep their size; a layer React Flow never measured is a compact layer's size.
    expect(scene.boxes.find((b) => b.id === 'norm')).toMatchObject({ x: 300, y: 0, width: 200, height: 60 });
    expect(scene.boxes.find((b) => b.id === 'fresh')).toMatchObject({ x: 600, y: 200, width: LAYER_WIDTH, height: LAYER_HEIGHT });
    expect(scene.boxes.find((b) => b.id === 'comment:c1')).toMatchObject({ width: 240, height: 120 });
    // The mounted edge and the one to a hidden layer are not drawn.
    expect(scene.edges.map((e) => e.id)).toEqual(['e1', 'e2', 'e3']);
  });

  it("runs each edge between React Flow's handle anchors, the named handle or the first, along React Flow's curve", () => {
    const scene = buildScene(nodes, edges, lookup, { nodes: new Set(), edges: new Set() }, (id) => id === 'e3');
    const byId = new Map(scene.edges.map((e) => [e.id, e]));
    const ends = (id: string) => {
      const c = byId.get(id)!.curve;
      return { from: [c[0], c[1]], to: [c[6], c[7]] };
    };
    // e1 leaves conv's second output (at 2/3 of the width; the handle sticks out 5.5 px below the node) and
    // enters norm's input (top middle, 5.5 px above the node).
    expect(ends('e1')).toEqual({ from: [(2 * 200) / 3, 65.5], to: [300 + 100, -5.5] });
    // e2 names no handle: norm's first output; it enters the top middle of `fresh`, never measured.
    expect(ends('e2')).toEqual({ from: [300 + 200 / 3, 65.5], to: [600 + LAYER_WIDTH / 2, 200] });
    // e3 leaves the bottom middle of the unmeasured `fresh`.
    expect(ends('e3').from).toEqual([600 + LAYER_WIDTH / 2, 200 + LAYER_HEIGHT]);
    // The control points are React Flow's, whether the target lies above the source or below it.
    for (const e of scene.edges) {
      const [sx, sy, , , , , tx, ty] = e.curve;
      const [path] = getBezierPath({ sourceX: sx, sourceY: sy, sourcePosition: 'bottom', targetX: tx, targetY: ty, targetPosition: 'top' });
      expect(svg(e)).toBe(path);
    }
    expect([...byId.values()].map((e) => e.tone)).toEqual(['plain', 'selected', 'error', 'plain']);
  });

  it('draws every layer but hidden ones when React Flow shows none', () => {
    const scene = buildScene(nodes, [], lookup, { nodes: new Set(), edges: new Set() }, () => false);
    expect(scene.holes).toEqual([]);
    expect(scene.boxes).toHaveLength(6);
  });
});
