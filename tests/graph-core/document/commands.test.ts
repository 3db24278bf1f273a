import { describe, expect, it } from 'vitest';
import { applyCommand, CommandError, fixCommand, inferShapes, type Command, type GraphDoc } from '../../../graph-core';
import { chain, doc, edge, node, readExample } from '../../helpers/graphs';

const base: GraphDoc = {
  ...chain(node('x', 'Input', { shape: [1, 8, 8] }), node('c', 'Conv2d', { out_channels: 4 }), node('r', 'ReLU'), node('fc', 'Linear', { out_features: 3 })),
  name: 'base',
};

const commands: [string, Command][] = [
  ['addNodes', { type: 'addNodes', nodes: [node('n', 'Tanh')], edges: [edge('r', 'n', 'eN')] }],
  ['removeNodes (middle node, with its edges)', { type: 'removeNodes', ids: ['c'] }],
  ['removeNodes (several)', { type: 'removeNodes', ids: ['fc', 'x'] }],
  ['moveNodes', { type: 'moveNodes', moves: [{ id: 'r', to: { x: 40, y: 80 } }, { id: 'x', to: { x: -1, y: 2 } }] }],
  ['setParam (existing)', { type: 'setParam', id: 'c', name: 'out_channels', value: 8 }],
  ['setParam (new)', { type: 'setParam', id: 'c', name: 'padding', value: 1 }],
  ['setParam (reset to default)', { type: 'setParam', id: 'c', name: 'out_channels', value: undefined }],
  ['setLabel', { type: 'setLabel', id: 'r', label: 'activation' }],
  ['connect', { type: 'connect', edge: edge('x', 'fc', 'extra') }],
  ['disconnect (first edge)', { type: 'disconnect', id: 'e1' }],
  ['rename', { type: 'rename', name: 'renamed' }],
  [
    'batch',
    {
      type: 'batch',
      commands: [
        { type: 'disconnect', id: 'e2' },
        { type: 'removeNodes', ids: ['r'] },
        { type: 'setParam', id: 'fc', name: 'bias', value: false },
      ],
    },
  ],
];

describe('applyCommand', () => {
  it.each(commands)('%s: applying the inverse restores the document exactly', (_name, cmd) => {
    const { doc: after, inverse } = applyCommand(base, cmd);
    expect(after).not.toEqual(base);
    const { doc: restored, inverse: redo } = applyCommand(after, inverse);
    expect(restored).toEqual(base);
    // …and the inverse of the inverse redoes the edit.
    expect(applyCommand(restored, redo).doc).toEqual(after);
  });

  it('never mutates the document it is given', () => {
    const frozen = JSON.stringify(base);
    for (const [, cmd] of commands) applyCommand(base, cmd);
    expect(JSON.stringify(base)).toBe(frozen);
  });

  it('removeNodes drops every edge touching the removed nodes', () => {
    const { doc: d } = applyCommand(base, { type: 'removeNodes', ids: ['c'] });
    expect(d.edges.map((e) => e.id)).toEqual(['e3']);
  });

  it('refuses commands that do not fit the document (caller bugs)', () => {
    expect(() => applyCommand(base, { type: 'addNodes', nodes: [node('x', 'ReLU')] })).toThrow(CommandError);
    expect(() => applyCommand(base, { type: 'disconnect', id: 'nope' })).toThrow(CommandError);
    expect(() => applyCommand(base, { type: 'setParam', id: 'nope', name: 'a', value: 1 })).toThrow(CommandError);
  });
});

describe('fixCommand', () => {
  it('a Linear after a Conv2d is refused with an "Insert Flatten" fix that, applied, clears the error', () => {
    const before = inferShapes(base);
    const d = before.diagnostics.find((x) => x.code === 'RANK_MISMATCH')!;
    expect(d).toMatchObject({ node: 'fc', port: 'in', edge: 'e3', fix: { title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e3' } });
    const { doc: fixed, inverse } = applyCommand(base, fixCommand(base, d.fix!));
    const after = inferShapes(fixed);
    expect(after.diagnostics).toEqual([]);
    expect(after.info.get('fc')!.inputs.in!.shape).toEqual(['N', 4 * 6 * 6]);
    expect(fixed.nodes.find((n) => n.kind === 'Flatten')!.id).toBe('flatten');
    expect(applyCommand(fixed, inverse).doc).toEqual(base);
  });

  it('picks fresh ids when the obvious ones are taken', () => {
    const lenet = readExample('lenet5.json');
    const withFlatten = doc([...base.nodes, node('flatten', 'Flatten')], base.edges);
    const cmd = fixCommand(withFlatten, { title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: 'e3' });
    const { doc: fixed } = applyCommand(withFlatten, cmd);
    expect(fixed.nodes.map((n) => n.id)).toContain('flatten2');
    expect(new Set(fixed.edges.map((e) => e.id)).size).toBe(fixed.edges.length);
    expect(lenet.nodes.length).toBe(14);
  });
});
