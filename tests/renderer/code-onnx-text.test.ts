/**
 * The ONNX text view prints the exported model in ONNX's textual syntax. ONNX's own parser (python3-onnx 1.12)
 * reads the printed text back, and every node (op, inputs, outputs, attributes with their types and values),
 * the graph's inputs and outputs, the IR version and the opset equal those of the model `exportGraph` writes.
 * (onnx 1.12 predates quoted names, so names with `.` or `/` are spelled with `_` on both sides.)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportGraph } from '../../exporters/export-graph';
import { loadTemplate } from '../../templates';
import type { GraphDoc } from '../../graph-core';
import { onnxTextOf } from '../../renderer/code/onnx-text';
import { parseProject } from '../../renderer/store/project-file';
import { SYSTEM_PYTHON } from '../helpers/onnx-checker';

const COMPARE = String.raw`
import json, re, sys, onnx, onnx.parser
from onnx import helper
clean = lambda s: re.sub(r'[^A-Za-z0-9_]', '_', s)
def describe(m):
    def attr(a):
        v = helper.get_attribute_value(a)
        if isinstance(v, onnx.TensorProto):
            v = [float(x) for x in onnx.numpy_helper.to_array(v).flatten()] + [list(v.dims), v.data_type]
        elif isinstance(v, (list, tuple)):
            v = [float(x) for x in v]
        elif isinstance(v, bytes):
            v = v.decode()
        else:
            v = float(v)
        return [a.name, int(a.type), v]
    sig = lambda vs: [[clean(v.name), v.type.tensor_type.elem_type, [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]] for v in vs]
    return {
        'ir_version': m.ir_version,
        'opsets': sorted([o.domain, o.version] for o in m.opset_import),
        'inputs': sig([i for i in m.graph.input if i.name not in {t.name for t in m.graph.initializer}]),
        'outputs': sig(m.graph.output),
        'nodes': [[n.op_type, n.domain, [clean(i) for i in n.input], [clean(o) for o in n.output], sorted(attr(a) for a in n.attribute)] for n in m.graph.node],
    }
printed = onnx.parser.parse_model(open(sys.argv[1]).read())
exported = onnx.load(sys.argv[2])
print(json.dumps({'printed': describe(printed), 'exported': describe(exported), 'nodes': len(exported.graph.node)}))
`;

/** Names in the node lines and signature, spelled as onnx 1.12's parser accepts them. */
function forOldParser(text: string): string {
  const end = text.indexOf('\n>\n') + 3;
  return text.slice(0, end) + text.slice(end).replace(/"((?:[^"\\]|\\.)*)"/g, (_, s: string) => s.replace(/[^A-Za-z0-9_]/g, '_'));
}

function compare(doc: GraphDoc): { printed: unknown; exported: unknown; nodes: number } {
  const printed = onnxTextOf(doc);
  if (!printed.ok) throw new Error(printed.problems.join('\n'));
  const exported = exportGraph(doc);
  if (!exported.ok) throw new Error(exported.diagnostics.map((d) => d.message).join('\n'));
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-onnx-text-'));
  try {
    writeFileSync(join(dir, 'model.txt'), forOldParser(printed.text));
    writeFileSync(join(dir, 'model.onnx'), exported.onnx);
    const r = spawnSync(SYSTEM_PYTHON, ['-c', COMPARE, join(dir, 'model.txt'), join(dir, 'model.onnx')], { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0) throw new Error(`onnx could not read the printed model: ${r.stderr}`);
    return JSON.parse(r.stdout) as { printed: unknown; exported: unknown; nodes: number };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const example = (name: string): GraphDoc => {
  const r = parseProject(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8'));
  if (!r.ok) throw new Error(`examples/${name} does not parse`);
  return r.doc;
};

describe('ONNX text view', () => {
  it.each(['spiral-mlp.json', 'lenet5.json'])('%s: ONNX reads the printed text back as the exported model', (name) => {
    const r = compare(example(name));
    expect(r.nodes).toBeGreaterThan(5);
    expect(r.printed).toEqual(r.exported);
  });

  it('an LSTM template (constants, slices, gates): the printed text equals the exported model', () => {
    const t = loadTemplate('long-term-memory');
    if (!t) throw new Error('template long-term-memory is missing');
    const r = compare(t.graph);
    expect(r.nodes).toBeGreaterThan(50);
    expect(r.printed).toEqual(r.exported);
  });

  it('the header names the IR version and the opset; a broken model says why instead', () => {
    const printed = onnxTextOf(example('spiral-mlp.json'));
    if (!printed.ok) throw new Error(printed.problems.join('\n'));
    expect(printed.text.split('\n').slice(0, 3)).toEqual(['<', '  ir_version: 8,', '  opset_import: ["" : 17],']);
    const broken = example('spiral-mlp.json');
    const r = onnxTextOf({ ...broken, edges: broken.edges.filter((e) => e.to.node !== 'fc2') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join('\n')).toMatch(/fc2/);
  });
});
