/**
 * Blocks in the document model: the format-version migration, shape inference, parameter counts, FLOPs and
 * diagnostics through block boundaries, repeat, linked definitions, the summary, and compiled names.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  GRAPH_VERSION,
  applyCommand,
  blockHash,
  inferShapes,
  initWeights,
  loadDocument,
  lowerLayers,
  parseDocument,
  summarize,
  walkBlocks,
  type GraphDoc,
} from '../../../graph-core';
import { e, encoderDoc, n } from './fixtures';

const codes = (d: GraphDoc) => inferShapes(d).diagnostics.map((x) => [x.code, x.node]);

/** x [8] → Block "mlp" (Linear(8) → ReLU) × repeat → head. */
function mlpDoc(repeat = 3): GraphDoc {
  return {
    format: 'layerloom.graph',
    version: 2,
    name: 'mlp',
    nodes: [
      n('x', 'Input', { shape: [8] }),
      n('mlp', 'Block', { repeat }, {
        body: {
          nodes: [n('in', 'BlockInput'), n('fc', 'Linear', { out_features: 8 }), n('act', 'ReLU'), n('out', 'BlockOutput')],
          edges: [e('a', 'in', 'fc'), e('b', 'fc', 'act'), e('c', 'act', 'out')],
        },
      }),
      n('head', 'Linear', { out_features: 2 }),
    ],
    edges: [e('e1', 'x', 'mlp'), e('e2', 'mlp', 'head')],
  };
}

/** The same network written without a block. */
function mlpFlat(repeat = 3): GraphDoc {
  const nodes = [n('x', 'Input', { shape: [8] })];
  const edges = [];
  let last = 'x';
  for (let k = 0; k < repeat; k++) {
    nodes.push(n(`fc${k}`, 'Linear', { out_features: 8 }), n(`act${k}`, 'ReLU'));
    edges.push(e(`f${k}`, last, `fc${k}`), e(`g${k}`, `fc${k}`, `act${k}`));
    last = `act${k}`;
  }
  nodes.push(n('head', 'Linear', { out_features: 2 }));
  edges.push(e('h', last, 'head'));
  return { format: 'layerloom.graph', version: 2, name: 'flat', nodes, edges };
}

describe('the document format', () => {
  it('opens a file saved before blocks existed (format version 1), unchanged apart from the version', () => {
    const text = readFileSync(new URL('./files/lenet5-format-v1.json', import.meta.url), 'utf8');
    const raw = JSON.parse(text) as GraphDoc;
    expect(raw.version).toBe(1);
    const r = parseDocument(text);
    expect(r.diagnostics).toEqual([]);
    expect(GRAPH_VERSION).toBe(2);
    expect(r.doc!.version).toBe(2);
    expect({ ...r.doc!, version: 1 }).toEqual(raw);
    const shaped = inferShapes(r.doc!);
    expect(shaped.diagnostics).toEqual([]);
    // LeNet-5: conv 6·(25+1) + conv 16·(150+1) + fc 120·401 + 84·121 + 10·85
    expect(shaped.totalParams).toBe(156 + 2416 + 48120 + 10164 + 850);
  });

  it('reads blocks, linked definitions and nested bodies, and names the JSON path of a mistake inside a body', () => {
    const good = { ...encoderDoc(), blocks: { def: { name: 'Def', body: { nodes: [], edges: [] }, library: { id: 'lib1', hash: 'abc' } } } };
    const r = loadDocument(JSON.parse(JSON.stringify(good)));
    expect(r.diagnostics).toEqual([]);
    expect(r.doc).toEqual(good);
    const bad = JSON.parse(JSON.stringify(encoderDoc())) as { nodes: { body: { nodes: { position: unknown }[] } }[] };
    bad.nodes[1]!.body.nodes[1]!.position = { x: 'left', y: 0 };
    const r2 = loadDocument(bad);
    expect(r2.doc).toBeNull();
    expect(r2.diagnostics.map((d) => d.path)).toEqual(['nodes[1].body.nodes[1].position.x']);
  });

  it('hashes a block body by content, independent of key order', () => {
    const body = encoderDoc().nodes[1]!.body!;
    const flip = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).reverse()) as T;
    const reordered = flip({ ...body, nodes: body.nodes.map(flip) });
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(body));
    expect(blockHash(reordered)).toBe(blockHash(body));
    expect(blockHash({ ...body, nodes: body.nodes.slice(1) })).not.toBe(blockHash(body));
  });
});

describe('shapes, parameters and FLOPs through blocks', () => {
  it('a block repeated 3 times has exactly the shapes, parameters and FLOPs of the same layers written out', () => {
    const b = inferShapes(mlpDoc(3));
    const f = inferShapes(mlpFlat(3));
    expect(b.diagnostics).toEqual([]);
    expect(b.totalParams).toBe(f.totalParams);
    expect(b.totalParams).toBe(3 * (8 * 8 + 8) + 18);
    expect(b.totalFlops).toBe(f.totalFlops);
    expect(b.info.get('head')!.outputs).toEqual(f.info.get('head')!.outputs);
    const info = b.blockInfo.get('mlp')!;
    expect(info).toMatchObject({ repeat: 3, paramCount: 216, paramsPerCopy: 72, inputs: { in: { shape: ['N', 8] } }, outputs: { out: { shape: ['N', 8] } } });
    // the block's ports are also in `info`, so edges from and to it have shapes
    expect(b.info.get('mlp')!.outputs.out!.shape).toEqual(['N', 8]);
  });

  it('counts a 6-layer encoder block as six TransformerEncoderLayers: 6 · (4D² + 2DF + 9D + F)', () => {
    const s = inferShapes(encoderDoc({ d: 16, ff: 32 }));
    expect(s.diagnostics).toEqual([]);
    expect(s.blockInfo.get('enc')!.paramCount).toBe(6 * (4 * 256 + 2 * 16 * 32 + 9 * 16 + 32));
    expect(s.blockInfo.get('enc')!.flops).toBe(6 * s.info.get('enc.0.tel')!.flops);
  });

  it('compiles copy k of inner node tel to weights enc.<k>.tel.* and ONNX node names enc/<k>/tel/…', () => {
    const s = inferShapes(encoderDoc());
    const names = [...initWeights(s, 0).keys()];
    expect(names).toHaveLength(6 * 12);
    expect(names).toContain('enc.0.tel.self_attn.in_proj_weight');
    expect(names).toContain('enc.5.tel.norm2.bias');
    const { ir, outputPorts } = lowerLayers(s, { mode: 'eval' });
    expect(ir.nodes.every((x) => /^enc\/[0-5]\/tel\//.test(x.name))).toBe(true);
    expect(ir.nodes.some((x) => x.name.startsWith('enc/5/tel/'))).toBe(true);
    expect([...outputPorts]).toEqual([['enc', { node: 'enc', port: 'out' }]]);
  });

  it('walkBlocks gives the weight prefixes the compiler uses, for nested blocks too', () => {
    const inner = { nodes: [n('i', 'BlockInput'), n('lin', 'Linear', { out_features: 4 }), n('o', 'BlockOutput')], edges: [e('a', 'i', 'lin'), e('b', 'lin', 'o')] };
    const outer = { nodes: [n('i', 'BlockInput'), n('inner', 'Block', { repeat: 2 }, { body: inner }), n('o', 'BlockOutput')], edges: [e('a', 'i', 'inner'), e('b', 'inner', 'o')] };
    const d: GraphDoc = { format: 'layerloom.graph', version: 2, name: 'nest', nodes: [n('x', 'Input', { shape: [4] }), n('outer', 'Block', { repeat: 3 }, { body: outer })], edges: [e('e', 'x', 'outer')] };
    const s = inferShapes(d);
    expect(s.diagnostics).toEqual([]);
    const names = [...initWeights(s, 0).keys()];
    expect(names).toHaveLength(3 * 2 * 2);
    const uses: string[] = [];
    walkBlocks(d, (u) => void uses.push(`${u.path.join('/')}×${u.repeat}`));
    expect(uses).toEqual(['outer×3', 'outer/inner×2']);
    let prefix = '';
    walkBlocks(d, (u) => {
      if (u.path.length === 2) prefix = u.weightPrefix([2], 1);
    });
    expect(prefix).toBe('outer.2.inner.1.');
    expect(names).toContain(`${prefix}lin.weight`);
    expect(s.blockInfo.get('outer/inner')!.paramCount).toBe(2 * 20);
    expect(s.blockInfo.get('outer')!.paramCount).toBe(3 * 2 * 20);
  });
});

describe('diagnostics inside and around blocks', () => {
  it('names the path of a node inside a block, once for all copies, with the JSON path into the body', () => {
    const d = encoderDoc();
    const bad = applyCommand(d, { type: 'inBlock', path: ['enc'], command: { type: 'setParam', id: 'tel', name: 'nhead', value: 3 } }).doc;
    const ds = inferShapes(bad).diagnostics;
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({ code: 'EMBED_DIM_NOT_DIVISIBLE_BY_HEADS', node: 'enc/tel' });
    const bad2 = applyCommand(d, { type: 'inBlock', path: ['enc'], command: { type: 'setParam', id: 'tel', name: 'nhead', value: -1 } }).doc;
    const ds2 = inferShapes(bad2).diagnostics;
    expect(ds2).toHaveLength(1);
    expect(ds2[0]).toMatchObject({ code: 'BAD_PARAM', node: 'enc/tel', path: 'nodes[1].body.nodes[1].params.nhead' });
  });

  it('a repeated block whose output shape differs from its input gets one REPEAT_SHAPE_MISMATCH', () => {
    const d = mlpDoc(3);
    const wide = applyCommand(d, { type: 'inBlock', path: ['mlp'], command: { type: 'setParam', id: 'fc', name: 'out_features', value: 5 } }).doc;
    const ds = inferShapes(wide).diagnostics;
    expect(ds.map((x) => x.code)).toEqual(['REPEAT_SHAPE_MISMATCH']);
    expect(ds[0]!.node).toBe('mlp');
    expect(ds[0]!.message).toContain('[N, 5]');
    expect(ds[0]!.message).toContain('[N, 8]');
    // with repeat 1 the same block is fine
    const once = applyCommand(wide, { type: 'setParam', id: 'mlp', name: 'repeat', value: 1 }).doc;
    expect(inferShapes(once).diagnostics).toEqual([]);
  });

  it('reports structural block mistakes with their own codes', () => {
    const d = mlpDoc(2);
    const twoOuts = applyCommand(d, {
      type: 'inBlock',
      path: ['mlp'],
      command: { type: 'addNodes', nodes: [n('out2', 'BlockOutput')], edges: [e('d', 'fc', 'out2')] },
    }).doc;
    expect(codes(twoOuts)).toContainEqual(['REPEAT_PORTS_MISMATCH', 'mlp']);
    expect(codes({ ...d, nodes: [...d.nodes, n('lost', 'Block', {}, { ref: { block: 'nope' } })] })).toContainEqual(['UNKNOWN_BLOCK', 'lost']);
    expect(codes({ ...d, nodes: [...d.nodes, n('p', 'BlockInput')] })).toContainEqual(['BLOCK_PORT_OUTSIDE_BLOCK', 'p']);
    const unfed = { ...d, edges: d.edges.filter((x) => x.id !== 'e1') };
    expect(codes(unfed)).toEqual([['UNCONNECTED_INPUT', 'mlp']]);
    const loop: GraphDoc = {
      ...d,
      nodes: [...d.nodes, n('r', 'Block', {}, { ref: { block: 'self' } })],
      blocks: { self: { name: 'Self', body: { nodes: [n('again', 'Block', {}, { ref: { block: 'self' } })], edges: [] } } },
    };
    expect(codes(loop)).toContainEqual(['RECURSIVE_BLOCK', 'r/again']);
    expect(codes({ ...d, nodes: d.nodes.map((x) => (x.id === 'mlp' ? { ...x, params: { repeat: 0 } } : x)) })).toEqual([['BAD_PARAM', 'mlp']]);
  });
});

describe('linked blocks', () => {
  const linked = (): GraphDoc => ({
    format: 'layerloom.graph',
    version: 2,
    name: 'linked',
    nodes: [n('x', 'Input', { shape: [8] }), n('b1', 'Block', {}, { ref: { block: 'ff' } }), n('b2', 'Block', { repeat: 2 }, { ref: { block: 'ff' } })],
    edges: [e('e1', 'x', 'b1'), e('e2', 'b1', 'b2')],
    blocks: { ff: { name: 'FeedForward', body: mlpDoc().nodes[1]!.body! } },
  });

  it('editing inside one linked use edits every use, in one undoable step', () => {
    const d = linked();
    const before = inferShapes(d);
    expect(before.blockInfo.get('b1')!.paramCount).toBe(72);
    expect(before.blockInfo.get('b2')!.paramCount).toBe(144);
    const r = applyCommand(d, { type: 'inBlock', path: ['b1'], command: { type: 'setParam', id: 'fc', name: 'bias', value: false } });
    const after = inferShapes(r.doc);
    expect(after.blockInfo.get('b1')!.paramCount).toBe(64);
    expect(after.blockInfo.get('b2')!.paramCount).toBe(128);
    expect(applyCommand(r.doc, r.inverse).doc).toEqual(d);
  });

  it('unlinking gives a use its own copy; later edits stay local', () => {
    const d = linked();
    const b2 = d.nodes[2]!;
    const { ref: _ref, ...rest } = b2;
    const unlinked = applyCommand(d, { type: 'replaceNode', node: { ...rest, body: d.blocks!.ff!.body } }).doc;
    const edited = applyCommand(unlinked, { type: 'inBlock', path: ['b2'], command: { type: 'setParam', id: 'fc', name: 'bias', value: false } }).doc;
    const s = inferShapes(edited);
    expect(s.blockInfo.get('b1')!.paramCount).toBe(72);
    expect(s.blockInfo.get('b2')!.paramCount).toBe(128);
  });
});

describe('the summary', () => {
  it('shows a block as one row with ×N and its totals, then its layers by path', () => {
    const s = summarize(inferShapes(encoderDoc()));
    const rows = s.nodes.map((r) => [r.id, r.kind, r.depth ?? 0, r.repeat]);
    expect(rows).toEqual([
      ['x', 'Input', 0, undefined],
      ['enc', 'Block', 0, 6],
      ['enc/tel', 'TransformerEncoderLayer', 1, undefined],
    ]);
    expect(s.nodes[1]!.params).toBe(6 * s.nodes[2]!.params);
    expect(s.nodes[1]!.label).toBe('Encoder');
    expect(s.total_params).toBe(s.nodes[1]!.params);
  });
});
