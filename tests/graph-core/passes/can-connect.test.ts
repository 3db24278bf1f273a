import { describe, expect, it } from 'vitest';
import { canConnect, inferShapes } from '../../../graph-core';
import { doc, edge, node } from '../../helpers/graphs';

const g = doc(
  [
    node('x', 'Input', { shape: [1, 28, 28] }),
    node('ids', 'Input', { shape: [5], dtype: 'int64' }),
    node('c', 'Conv2d'),
    node('r', 'ReLU'),
    node('fc', 'Linear'),
    node('loss', 'CrossEntropyLoss'),
  ],
  [edge('x', 'c', 'e1'), edge('c', 'r', 'e2')],
);
const shaped = inferShapes(g);

describe('canConnect', () => {
  it('allows a compatible connection, naming ports or not', () => {
    expect(canConnect(g, { node: 'r' }, { node: 'fc' }, shaped)).toEqual({ ok: true });
    expect(canConnect(g, { node: 'x', port: 'out' }, { node: 'r', port: 'in' }, shaped).ok).toBe(false); // r.in is taken
  });

  it('refuses a second edge into a single input', () => {
    const r = canConnect(g, { node: 'x' }, { node: 'r' }, shaped);
    expect(r).toMatchObject({ ok: false, code: 'MULTIPLE_EDGES_TO_INPUT' });
  });

  it('refuses an edge that would close a cycle, and self loops', () => {
    expect(canConnect(g, { node: 'r' }, { node: 'c' }, shaped)).toMatchObject({ ok: false, code: 'MULTIPLE_EDGES_TO_INPUT' });
    const open = doc(g.nodes, [edge('c', 'r', 'e2')]);
    expect(canConnect(open, { node: 'r' }, { node: 'c' })).toMatchObject({ ok: false, code: 'CYCLE' });
    expect(canConnect(g, { node: 'fc' }, { node: 'fc' })).toMatchObject({ ok: false, code: 'SELF_LOOP' });
  });

  it('refuses unknown ports and nodes, with the ports that exist', () => {
    const r = canConnect(g, { node: 'r', port: 'weights' }, { node: 'fc' });
    expect(r).toMatchObject({ ok: false, code: 'UNKNOWN_PORT' });
    expect(!r.ok && r.message).toContain('"out"');
    expect(canConnect(g, { node: 'ghost' }, { node: 'fc' })).toMatchObject({ ok: false, code: 'DANGLING_EDGE' });
  });

  it('refuses a dtype mismatch once shapes are known, and says why', () => {
    const r = canConnect(g, { node: 'ids' }, { node: 'fc' }, shaped);
    expect(r).toMatchObject({ ok: false, code: 'DTYPE_MISMATCH' });
    expect(!r.ok && r.message).toContain('expects float32 values but gets int64');
    expect(canConnect(g, { node: 'ids' }, { node: 'loss', port: 'input' }, shaped)).toMatchObject({ ok: false, code: 'DTYPE_MISMATCH' });
    expect(canConnect(g, { node: 'ids' }, { node: 'loss', port: 'target' }, shaped)).toEqual({ ok: true });
  });

  it('refuses a rank mismatch unless the port offers a Flatten fix', () => {
    const r = canConnect(g, { node: 'x' }, { node: 'loss', port: 'input' }, shaped);
    expect(r).toMatchObject({ ok: false, code: 'RANK_MISMATCH' });
    // Linear after a conv output is allowed: the diagnostic then offers "Insert Flatten".
    expect(canConnect(g, { node: 'r' }, { node: 'fc' }, shaped).ok).toBe(true);
  });
});
