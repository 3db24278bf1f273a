/**
 * The ONNX text view: the model `layerloom export` writes for the open document, printed in ONNX's textual
 * syntax (the one `onnx.parser` reads and `onnx.printer` writes): a header with the IR version and the opset
 * imports, the graph signature, the initializers as typed declarations (their values stay in the .onnx file)
 * and one line per node.
 */
import { hasErrors, inferShapes, initWeights, lowerLayers, type GraphDoc } from '../../graph-core';
import { DEFAULT_OPSET, irToOnnx } from '../../exporters/onnx/from-ir';
import type { OnnxAttribute, OnnxDataType, OnnxModel, OnnxNode, OnnxValueInfo } from '../../exporters/onnx/model';

export type OnnxText = { readonly ok: true; readonly text: string; readonly model: OnnxModel } | { readonly ok: false; readonly problems: readonly string[] };

/** The inference model of `doc` (as exported, weights initialised from seed 0), or why there is none. */
export function onnxModelOf(doc: GraphDoc, opset = DEFAULT_OPSET): { ok: true; model: OnnxModel } | { ok: false; problems: readonly string[] } {
  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics))
    return { ok: false, problems: shaped.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.node ? `${d.node}: ` : ''}${d.message}`) };
  try {
    const { ir } = lowerLayers(shaped, { mode: 'eval' });
    const weights = new Map(initWeights(shaped, 0));
    return { ok: true, model: irToOnnx(ir, { name: doc.name, weights, opset, metadata: { 'layerloom.graph_name': doc.name } }) };
  } catch (e) {
    return { ok: false, problems: [e instanceof Error ? e.message : String(e)] };
  }
}

export function onnxTextOf(doc: GraphDoc): OnnxText {
  const r = onnxModelOf(doc);
  return r.ok ? { ok: true, text: printOnnx(r.model), model: r.model } : r;
}

const TYPE_NAMES: Readonly<Record<OnnxDataType, string>> = {
  float32: 'float',
  int64: 'int64',
  int32: 'int32',
  bool: 'bool',
  uint8: 'uint8',
  float64: 'double',
};

/** ONNX identifiers are C-like; other names (`fc1.weight`, `lstm/h`) are quoted. */
const name = (s: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? s : JSON.stringify(s));
const valueType = (t: OnnxDataType, shape: readonly (number | string)[]) => `${TYPE_NAMES[t]}[${shape.join(',')}]`;
const valueInfo = (v: OnnxValueInfo) => `${valueType(v.elemType, v.shape)} ${name(v.name)}`;
const num = (n: number) => (Number.isInteger(n) ? `${n}.0` : String(n));

function attribute(key: string, a: OnnxAttribute): string {
  switch (a.type) {
    case 'int':
      return `${key}: int = ${a.value}`;
    case 'float':
      return `${key}: float = ${num(a.value)}`;
    case 'ints':
      return `${key}: ints = [${a.value.join(', ')}]`;
    case 'floats':
      return `${key}: floats = [${a.value.map(num).join(', ')}]`;
    case 'string':
      return `${key}: string = ${JSON.stringify(a.value)}`;
    case 'tensor': {
      const t = a.value;
      const values = Array.from(t.data as ArrayLike<number | bigint>, (v) => (t.dataType === 'float32' || t.dataType === 'float64' ? num(Number(v)) : String(v)));
      return `${key}: tensor = ${valueType(t.dataType, t.dims)} {${values.join(', ')}}`;
    }
  }
}

function node(n: OnnxNode): string {
  const attrs = Object.entries(n.attributes ?? {}).map(([k, a]) => attribute(k, a));
  const op = n.domain ? `${n.domain}.${n.opType}` : n.opType;
  return `  ${n.outputs.map(name).join(', ')} = ${op}${attrs.length ? ` <${attrs.join(', ')}>` : ''} (${n.inputs.map((i) => (i === '' ? '' : name(i))).join(', ')})`;
}

export function printOnnx(m: OnnxModel): string {
  const g = m.graph;
  const opsets = m.opsetImports.map((o) => `${JSON.stringify(o.domain)} : ${o.version}`).join(', ');
  const lines = [
    '<',
    `  ir_version: ${m.irVersion},`,
    `  opset_import: [${opsets}],`,
    `  producer_name: ${JSON.stringify(m.producerName)},`,
    `  producer_version: ${JSON.stringify(m.producerVersion)}`,
    '>',
    `${name(g.name)} (${g.inputs.map(valueInfo).join(', ')}) => (${g.outputs.map(valueInfo).join(', ')})`,
  ];
  if (g.initializers.length) lines.push(`  <${g.initializers.map((t) => `${valueType(t.dataType, t.dims)} ${name(t.name)}`).join(', ')}>`);
  lines.push('{', ...g.nodes.map(node), '}');
  return `${lines.join('\n')}\n`;
}
