/**
 * importOnnx: ONNX model bytes → an editable graph document and its weights.
 *
 *   1. decode with the static protobuf reader; refuse what Layerloom cannot keep (other operator domains,
 *      an empty graph, inputs of unsupported element types) with a one-line OnnxImportError;
 *   2. walk the nodes in topological order: fold constants and PyTorch's shape arithmetic, try the
 *      catalogue-layer patterns (matchers.ts), and keep any other operator as a generic OnnxOp node;
 *   3. drop what no graph output needs (the shape arithmetic a matched LSTM no longer uses);
 *   4. lay the graph out top to bottom.
 *
 * Weights are returned by `<node id>.<torch name>`, the names `exportGraph` and the trainer use, so the CLI
 * writes them next to the graph as a safetensors file and `layerloom export --from-weights` reads them back.
 * Pure: no file system.
 */
import {
  broadcastAll,
  getLayer,
  GRAPH_FORMAT,
  GRAPH_VERSION,
  inferNode,
  resolveParams,
  type Dim,
  type GraphDoc,
  type GraphEdge,
  type GraphNode,
  type RawParamValue,
  type Shape,
  type TensorType,
} from '../../graph-core';
import { decodeModel, OnnxFormatError } from '../onnx/decode';
import type { OnnxAttribute, OnnxNode, OnnxTensor } from '../onnx/model';
import { OnnxImportError } from './errors';
import { autoLayout } from './layout';
import { MATCHERS, modulePath, type Match } from './matchers';
import { fromTensor, ModelView, shapeFromConst, toDType, tryFold } from './model-view';

export { OnnxImportError } from './errors';

export interface ImportOptions {
  /** The document name (default: the ONNX graph name, else "Imported model"). */
  readonly name?: string;
}

export interface ImportedNode {
  readonly id: string;
  readonly kind: string;
  /** The ONNX operators it stands for. */
  readonly onnx: readonly string[];
}

export interface ImportResult {
  readonly doc: GraphDoc;
  /** By `<node id>.<torch name>`. */
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly nodes: readonly ImportedNode[];
  /** The opset the model was written for. */
  readonly opset: number;
}

/**
 * Operators whose integer inputs (indices, axes, depths) may be int32 or int64 alike: Layerloom's IR has no
 * int32, so their int32 constants are kept as int64, which computes the same.
 */
const INT32_AS_INT64 = new Set(['CumSum', 'OneHot', 'Slice', 'Gather', 'GatherElements', 'GatherND', 'ScatterElements', 'ScatterND']);
const INT32_MAX = 2 ** 31 - 1;
/** Inline constants up to this many elements stay in the document; larger ones go to the weights file. */
const INLINE_LIMIT = 64;
const KNOWN_DOMAINS = new Set(['', 'ai.onnx']);
/** The largest number of outputs a kept ONNX operator may have (OnnxOp's output ports). */
const MAX_OUTPUTS = 8;

interface Group {
  readonly match?: Match;
  /** An operator that passes its input through unchanged (Identity, a zero Pad): its output is this value. */
  readonly alias?: string;
  /** A generic operator: the node, and its output types (or why they are unknown). */
  readonly generic?: OnnxNode;
  readonly types: readonly (TensorType | undefined)[];
  readonly untyped?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
}

export function importOnnx(bytes: Uint8Array, opts: ImportOptions = {}): ImportResult {
  let model;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new OnnxImportError(e.message);
    throw e;
  }
  const g = model.graph;
  const opset = model.opsetImports.find((o) => KNOWN_DOMAINS.has(o.domain))?.version ?? 0;
  for (const n of g.nodes) {
    if (!KNOWN_DOMAINS.has(n.domain ?? ''))
      throw new OnnxImportError(`node '${n.name || n.opType}' uses operator ${n.opType} of domain '${n.domain}', which is not a standard ONNX operator; Layerloom can only keep operators of the default ONNX domain`);
  }
  if (g.nodes.length === 0) throw new OnnxImportError('the model graph is empty: it has no operators');
  const initNames = new Set(g.initializers.map((t) => t.name));
  const inputs = g.inputs.filter((i) => !initNames.has(i.name));
  if (inputs.length === 0) throw new OnnxImportError('the model has no graph input');
  if (g.outputs.length === 0) throw new OnnxImportError('the model has no graph output');
  const batchSymbol = inputs.map((i) => i.shape[0]).find((d): d is string => typeof d === 'string' && d !== '');
  const view = new ModelView(g, batchSymbol);

  // Graph inputs: the first dimension is the batch.
  const ids = new IdAllocator();
  const inputNodes: GraphNode[] = [];
  const valueSource = new Map<string, { node: string; port: string }>();
  for (const i of inputs) {
    const dtype = toDType(i.elemType);
    if (dtype !== 'float32' && dtype !== 'int64')
      throw new OnnxImportError(`input '${i.name}' has element type ${i.elemType}; Layerloom model inputs are float32 or int64`);
    if (i.shape.length === 0) throw new OnnxImportError(`input '${i.name}' is a scalar; Layerloom model inputs have a batch dimension first`);
    const rest = i.shape.slice(1);
    if (rest.some((d) => typeof d !== 'number'))
      throw new OnnxImportError(`input '${i.name}' has shape [${i.shape.map((d) => d || '?').join(', ')}]; only its first (batch) dimension may be symbolic`);
    const id = ids.take(i.name);
    inputNodes.push({ id, kind: 'Input', params: { shape: rest as number[], dtype }, position: { x: 0, y: 0 } });
    view.types.set(i.name, { shape: ['N', ...(rest as number[])], dtype });
    valueSource.set(i.name, { node: id, port: 'out' });
  }

  // Pass 1: fold, match, or keep each node, computing the types of what it produces.
  const claimed = new Set<OnnxNode>();
  const groups: Group[] = [];
  const ctx = { view, type: (v: string) => view.types.get(v) };
  // Constants first, so that patterns see the constants of operators later in the order.
  for (const n of view.order) if (n.opType === 'Constant' && tryFold(view, n)) claimed.add(n);
  for (const n of view.order) {
    if (claimed.has(n)) continue;
    if (tryFold(view, n)) {
      claimed.add(n);
      continue;
    }
    const through = passThrough(n, view);
    if (through) {
      claimed.add(n);
      const t = view.types.get(through);
      if (t) view.types.set(n.outputs[0]!, t);
      groups.push({ alias: through, types: [t], inputs: [through], outputs: [n.outputs[0]!] });
      continue;
    }
    let match: Match | undefined;
    for (const m of MATCHERS) {
      const r = m(n, ctx);
      if (r && r.nodes.every((x) => x === n || !claimed.has(x))) {
        const types = layerTypes(r, view);
        if (types) {
          match = r;
          r.outputs.forEach((o, k) => view.types.set(o.value, types[k]!));
          break;
        }
      }
    }
    if (match) {
      for (const x of match.nodes) claimed.add(x);
      groups.push({ match, types: match.outputs.map((o) => view.types.get(o.value)), inputs: match.inputs.map((i) => i.value), outputs: match.outputs.map((o) => o.value) });
      continue;
    }
    claimed.add(n);
    const t = genericTypes(n, view);
    if (t.ok) n.outputs.forEach((o, k) => t.types[k] && view.types.set(o, t.types[k]!));
    groups.push({ generic: n, types: t.ok ? t.types : [], ...(t.ok ? {} : { untyped: t.why }), inputs: n.inputs.filter((v) => v !== ''), outputs: n.outputs.filter((v) => v !== '') });
  }

  // Pass 2: keep what the graph outputs need.
  const live = new Set<string>(g.outputs.map((o) => o.name));
  const kept: Group[] = [];
  for (let k = groups.length - 1; k >= 0; k--) {
    const gr = groups[k]!;
    if (!gr.outputs.some((o) => live.has(o))) continue;
    kept.unshift(gr);
    for (const v of gr.inputs) if (!view.isConst(v)) live.add(v);
  }
  for (const o of g.outputs) {
    if (view.isConst(o.name)) throw new OnnxImportError(`output '${o.name}' is a constant; Layerloom models compute their outputs from their inputs`);
    if (!valueSource.has(o.name) && !kept.some((gr) => gr.outputs.includes(o.name))) throw new OnnxImportError(`output '${o.name}' is not computed by any operator`);
  }

  // Pass 3: the document.
  const nodes: GraphNode[] = [...inputNodes];
  const edges: GraphEdge[] = [];
  const weights = new Map<string, Float32Array>();
  const report: ImportedNode[] = inputNodes.map((n) => ({ id: n.id, kind: 'Input', onnx: [] }));
  const connect = (value: string, node: string, port: string) => {
    const src = valueSource.get(value);
    if (!src) throw new OnnxImportError(`value '${value}' is read by ${node} but no imported node produces it`);
    edges.push({ id: `e${edges.length + 1}`, from: { node: src.node, ...(src.port !== 'out' ? { port: src.port } : {}) }, to: { node, port } });
  };
  for (const gr of kept) {
    if (gr.alias !== undefined) {
      const src = valueSource.get(gr.alias);
      if (!src) throw new OnnxImportError(`value '${gr.alias}' is read but no imported node produces it`);
      valueSource.set(gr.outputs[0]!, src);
      continue;
    }
    if (gr.match) {
      const m = gr.match;
      const id = ids.take(m.name ?? m.kind.toLowerCase());
      nodes.push({ id, kind: m.kind, params: m.params, position: { x: 0, y: 0 } });
      for (const i of m.inputs) connect(i.value, id, i.port);
      for (const o of m.outputs) valueSource.set(o.value, { node: id, port: o.port });
      for (const [name, data] of Object.entries(m.weights)) weights.set(`${id}.${name}`, data);
      report.push({ id, kind: m.kind, onnx: m.nodes.map((x) => x.opType) });
      continue;
    }
    const n = gr.generic!;
    if (gr.untyped) throw new OnnxImportError(gr.untyped);
    const id = ids.take(modulePath(n) ?? n.opType.toLowerCase());
    const generic = genericNode(n, id, gr.types as TensorType[], view, weights);
    nodes.push(generic.node);
    for (const v of generic.edges) connect(v, id, 'in');
    n.outputs.forEach((o, k) => o && valueSource.set(o, { node: id, port: k === 0 ? 'out' : `out${k}` }));
    report.push({ id, kind: 'OnnxOp', onnx: [n.opType] });
  }

  // Layerloom exports the outputs of the nodes nothing reads. A graph output that another operator also reads
  // (or that repeats another output) gets an Identity node of its own, so that it stays an output.
  const seen = new Set<string>();
  for (const o of g.outputs) {
    const src = valueSource.get(o.name)!;
    const key = `${src.node}\u0000${src.port}`;
    const read = edges.some((e) => e.from.node === src.node);
    if (read || seen.has(key)) {
      const id = ids.take(o.name);
      nodes.push({ id, kind: 'OnnxOp', params: { op_type: 'Identity', domain: '', attributes: '{}', inputs: '["in"]', outputs: '[]' }, position: { x: 0, y: 0 }, label: 'output' });
      connect(o.name, id, 'in');
      report.push({ id, kind: 'OnnxOp', onnx: ['Identity'] });
    }
    seen.add(key);
  }

  const positions = autoLayout(nodes, edges);
  const doc: GraphDoc = {
    format: GRAPH_FORMAT,
    version: GRAPH_VERSION,
    name: opts.name ?? (g.name && g.name !== 'torch_jit' && g.name !== 'main_graph' ? g.name : 'Imported model'),
    nodes: nodes.map((n) => ({ ...n, position: positions.get(n.id) ?? n.position })),
    edges,
  };
  return { doc, weights, nodes: report, opset };
}

/** The input an operator passes through unchanged: Identity, inference-mode Dropout, Pad by zero everywhere. */
function passThrough(n: OnnxNode, view: ModelView): string | undefined {
  const x = n.inputs[0];
  if (!x || view.isConst(x) || n.outputs.filter(Boolean).length !== 1) return undefined;
  if (view.graphOutputs.has(n.outputs[0]!) && !view.producer.has(x)) return undefined;
  if (n.opType === 'Identity') return x;
  if (n.opType === 'Dropout' && !(n.inputs[2] && view.numbers(n.inputs[2])?.[0])) return x;
  if (n.opType === 'Pad') {
    const pads = n.inputs[1] ? view.numbers(n.inputs[1]) : attrIs(n, 'pads');
    if (pads && pads.every((p) => p === 0)) return x;
  }
  return undefined;
}

/** Where the weights of an imported graph go: beside it, `<graph>.weights.safetensors`. */
export function weightsFileFor(graphPath: string): string {
  return `${graphPath.replace(/\.json$/i, '')}.weights.safetensors`;
}

class IdAllocator {
  private readonly used = new Set<string>();
  take(hint: string): string {
    // Letters, digits and underscores: ids become PyTorch submodule names, which cannot contain dots.
    const base = hint.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '') || 'node';
    let id = base;
    for (let k = 2; this.used.has(id); k++) id = `${base}_${k}`;
    this.used.add(id);
    return id;
  }
}

/** The output types of a matched layer, from the layer's own shape rule; undefined when it rejects the input. */
function layerTypes(m: Match, view: ModelView): TensorType[] | undefined {
  const def = getLayer(m.kind);
  if (!def) return undefined;
  const r = resolveParams({ id: 'x', kind: m.kind, params: m.params }, def);
  if (!r.params) return undefined;
  const incoming = new Map<string, { type: TensorType }[]>();
  for (const i of m.inputs) {
    const t = view.types.get(i.value);
    if (!t) return undefined;
    (incoming.get(i.port) ?? incoming.set(i.port, []).get(i.port)!).push({ type: t });
  }
  const res = inferNode('x', def, r.params, incoming);
  if (!res.info) return undefined;
  // Weights must have the shapes the layer declares, or the match is wrong.
  for (const [name, spec] of Object.entries(res.info.weights)) {
    const data = m.weights[name];
    if (data && data.length !== spec.shape.reduce((a, b) => a * b, 1)) return undefined;
  }
  for (const name of Object.keys(m.weights)) if (!res.info.weights[name]) return undefined;
  const types: TensorType[] = [];
  for (const o of m.outputs) {
    const t = res.info.outputs[o.port];
    if (!t) return undefined;
    types.push(t);
  }
  return types;
}

// ── generic operators ───────────────────────────────────────────────────────────────────

type Types = { ok: true; types: (TensorType | undefined)[] } | { ok: false; why: string };

const attrI = (n: OnnxNode, k: string, d: number) => (n.attributes?.[k]?.type === 'int' ? (n.attributes[k] as { value: number }).value : d);
const attrIs = (n: OnnxNode, k: string) => (n.attributes?.[k]?.type === 'ints' ? [...(n.attributes[k] as { value: readonly number[] }).value] : undefined);
const norm = (a: number, r: number) => (a < 0 ? a + r : a);
const ELEMENTWISE_UNARY = new Set(['Abs', 'Ceil', 'Cos', 'Elu', 'Erf', 'Exp', 'Floor', 'HardSigmoid', 'HardSwish', 'Identity', 'LeakyRelu', 'Log', 'LogSoftmax', 'Mish', 'Neg', 'Reciprocal', 'Relu', 'Round', 'Selu', 'Sigmoid', 'Sign', 'Sin', 'Softmax', 'Softplus', 'Softsign', 'Sqrt', 'Tanh', 'Clip', 'Dropout', 'Not', 'CumSum', 'Celu']);
const BROADCASTING = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Where', 'Equal', 'Greater', 'Less', 'And', 'Or', 'PRelu', 'Mod', 'GreaterOrEqual', 'LessOrEqual', 'Sum', 'Mean']);
const BOOL_RESULT = new Set(['Equal', 'Greater', 'Less', 'And', 'Or', 'Not', 'GreaterOrEqual', 'LessOrEqual']);


/** Output types of an operator no layer stands for: from the model's declarations, else from rules for common operators. */
function genericTypes(n: OnnxNode, view: ModelView): Types {
  const what = `operator ${n.opType} (node '${n.name || n.opType}')`;
  if (n.outputs.length > MAX_OUTPUTS) return { ok: false, why: `${what} has ${n.outputs.length} outputs; Layerloom keeps operators with at most ${MAX_OUTPUTS}` };
  const ins = n.inputs.map((v) => (v === '' ? undefined : (view.types.get(v) ?? constType(view, v))));
  const declared = n.outputs.map((o) => (o ? view.declaredType(o) : undefined));
  if (declared.every((t, k) => t || !n.outputs[k] || view.readers(n.outputs[k]!).length === 0)) return { ok: true, types: declared };
  const inferred = ruleTypes(n, ins, view);
  if (inferred) return { ok: true, types: inferred.map((t, k) => declared[k] ?? t) };
  return { ok: false, why: `cannot tell the output shape of ${what}: the model does not declare it and Layerloom has no shape rule for it with these inputs` };
}

function constType(view: ModelView, v: string): TensorType | undefined {
  const c = view.consts.get(v);
  if (!c) return undefined;
  const dtype = c.dtype === 'float32' || c.dtype === 'int64' || c.dtype === 'bool' ? c.dtype : undefined;
  return dtype ? { shape: c.dims, dtype } : undefined;
}

function ruleTypes(n: OnnxNode, ins: readonly (TensorType | undefined)[], view: ModelView): (TensorType | undefined)[] | undefined {
  const x = ins[0];
  if (!x) return undefined;
  const r = x.shape.length;
  const one = (shape: Shape | undefined, dtype = x.dtype) => (shape ? [{ shape, dtype }] : undefined);
  if (ELEMENTWISE_UNARY.has(n.opType)) return [{ shape: x.shape, dtype: BOOL_RESULT.has(n.opType) ? 'bool' : x.dtype }];
  if (BROADCASTING.has(n.opType)) {
    if (ins.some((t) => !t)) return undefined;
    const dtype = BOOL_RESULT.has(n.opType) ? 'bool' : n.opType === 'Where' ? ins[1]!.dtype : x.dtype;
    return one(broadcastAll(ins.map((t) => t!.shape)), dtype);
  }
  const constInts = (k: number) => (n.inputs[k] ? view.consts.get(n.inputs[k]!) : undefined);
  switch (n.opType) {
    case 'Transpose': {
      const perm = attrIs(n, 'perm') ?? x.shape.map((_, i) => r - 1 - i);
      return one(perm.map((p) => x.shape[p]!));
    }
    case 'Cast': {
      const to = attrI(n, 'to', 1);
      const dtype = to === 1 ? 'float32' : to === 7 ? 'int64' : to === 9 ? 'bool' : undefined;
      return dtype ? one(x.shape, dtype) : undefined;
    }
    case 'Shape':
      return one([r], 'int64');
    case 'Flatten': {
      const axis = norm(attrI(n, 'axis', 1), r);
      const prod = (s: Shape) => (s.includes('N') ? (s.length === 1 && s[0] === 'N' ? 'N' : undefined) : (s as number[]).reduce((a, b) => a * b, 1));
      const a = prod(x.shape.slice(0, axis));
      const b = prod(x.shape.slice(axis));
      return a !== undefined && b !== undefined ? one([a, b]) : undefined;
    }
    case 'Unsqueeze':
    case 'Squeeze': {
      const axes = attrIs(n, 'axes') ?? (constInts(1)?.values as number[] | undefined);
      if (n.opType === 'Unsqueeze') {
        if (!axes) return undefined;
        const rank = r + axes.length;
        const ax = new Set(axes.map((a) => norm(a, rank)));
        const s: Dim[] = [];
        let k = 0;
        for (let i = 0; i < rank; i++) s.push(ax.has(i) ? 1 : x.shape[k++]!);
        return one(s);
      }
      const ax = new Set((axes ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => norm(a, r)));
      return one(x.shape.filter((_, i) => !ax.has(i)));
    }
    case 'Reshape': {
      const c = constInts(1);
      const target = c ? shapeFromConst(c) : undefined;
      if (!target) return undefined;
      const dims = target.map((d, i) => (d === 0 ? x.shape[i]! : d));
      const known = dims.filter((d) => d !== -1);
      if (dims.filter((d) => d === -1).length > 1) return undefined;
      if (!dims.includes(-1)) return one(dims);
      const batchIn = x.shape.includes('N');
      const batchOut = known.includes('N');
      if (batchIn !== batchOut) return undefined;
      const total = (x.shape.filter((d) => d !== 'N') as number[]).reduce((a, b) => a * b, 1);
      const part = (known.filter((d) => d !== 'N') as number[]).reduce((a, b) => a * b, 1);
      return total % part === 0 ? one(dims.map((d) => (d === -1 ? total / part : d))) : undefined;
    }
    case 'Gather': {
      const idx = ins[1];
      if (!idx) return undefined;
      const ax = norm(attrI(n, 'axis', 0), r);
      return one([...x.shape.slice(0, ax), ...idx.shape, ...x.shape.slice(ax + 1)]);
    }
    case 'Concat': {
      if (ins.some((t) => !t)) return undefined;
      const ax = norm(attrI(n, 'axis', 0), r);
      let total = 0;
      for (const t of ins) {
        const d = t!.shape[ax];
        if (typeof d !== 'number') return undefined;
        total += d;
      }
      return one(x.shape.map((d, i) => (i === ax ? total : d)));
    }
    case 'MatMul': {
      const b = ins[1];
      if (!b || r < 1 || b.shape.length < 2) return undefined;
      const lead = broadcastAll([x.shape.slice(0, -2), b.shape.slice(0, -2)]);
      return lead ? one([...lead, x.shape[r - 2]!, b.shape[b.shape.length - 1]!].slice(r === 1 ? 1 : 0)) : undefined;
    }
    case 'ReduceMean':
    case 'ReduceSum':
    case 'ReduceMax':
    case 'ReduceMin':
    case 'ReduceProd':
    case 'ReduceL2':
    case 'ArgMax':
    case 'ArgMin': {
      const arg = n.opType.startsWith('Arg');
      const axes = arg ? [attrI(n, 'axis', 0)] : (attrIs(n, 'axes') ?? (constInts(1)?.values as number[] | undefined) ?? x.shape.map((_, i) => i));
      const ax = new Set(axes.map((a) => norm(a, r)));
      const keep = attrI(n, 'keepdims', 1) === 1;
      const s = keep ? x.shape.map((d, i) => (ax.has(i) ? 1 : d)) : x.shape.filter((_, i) => !ax.has(i));
      return one(s, arg ? 'int64' : x.dtype);
    }
    case 'ConstantOfShape': {
      const c = constInts(0);
      const shape = c ? shapeFromConst(c) : undefined;
      const fill = n.attributes?.value;
      const dtype = fill?.type === 'tensor' ? toDType(fill.value.dataType) : 'float32';
      return shape && dtype ? one(shape, dtype) : undefined;
    }
    case 'Expand': {
      const c = constInts(1);
      const shape = c ? shapeFromConst(c) : undefined;
      return shape ? one(broadcastAll([x.shape, shape.map((d) => (d === -1 ? 1 : d))])) : undefined;
    }
    case 'Resize': {
      // Resize(X, roi, scales, sizes): the output has `sizes`, or each dim times its scale (rounded down).
      const sizes = constInts(3);
      if (sizes) return one(shapeFromConst(sizes));
      const scales = constInts(2)?.values as number[] | undefined;
      if (!scales || scales.length !== r) return undefined;
      const s = x.shape.map((d, i) => (d === 'N' ? (scales[i] === 1 ? 'N' : undefined) : Math.floor(d * scales[i]!)));
      return s.includes(undefined) ? undefined : one(s as Dim[]);
    }
    case 'Pad': {
      const pads = (constInts(1)?.values as number[] | undefined) ?? attrIs(n, 'pads');
      if (!pads || pads.some((p) => typeof p !== 'number')) return undefined;
      return one(x.shape.map((d, i) => (d === 'N' ? (pads[i] || pads[i + r] ? undefined : d) : d + pads[i]! + pads[i + r]!)) as Dim[]);
    }
    case 'Slice': {
      const starts = constInts(1)?.values as number[] | undefined;
      const ends = constInts(2)?.values as number[] | undefined;
      const axes = (constInts(3)?.values as number[] | undefined) ?? starts?.map((_, i) => i);
      const steps = (constInts(4)?.values as number[] | undefined) ?? starts?.map(() => 1);
      if (!starts || !ends || !axes || !steps) return undefined;
      const s = [...x.shape];
      for (let k = 0; k < axes.length; k++) {
        const a = norm(axes[k]!, r);
        const d = s[a];
        if (typeof d !== 'number') return undefined;
        const step = steps[k]!;
        const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v < 0 ? v + d : v));
        const st = step > 0 ? clamp(starts[k]!, 0, d) : clamp(starts[k]!, -1, d - 1);
        const en = step > 0 ? clamp(ends[k]!, 0, d) : clamp(ends[k]!, -1, d - 1);
        s[a] = Math.max(0, Math.ceil((en - st) / step));
      }
      return one(s);
    }
  }
  return undefined;
}

function toJsonAttr(a: OnnxAttribute): unknown {
  if (a.type !== 'tensor') return a;
  const t: OnnxTensor = a.value;
  return { type: 'tensor', value: { dtype: t.dataType, dims: t.dims, values: Array.from(t.data as ArrayLike<number | bigint>, (v) => Number(v)) } };
}

/** An OnnxOp document node for `n`, with its constants inline or in the weights file. */
function genericNode(n: OnnxNode, id: string, types: readonly TensorType[], view: ModelView, weights: Map<string, Float32Array>): { node: GraphNode; edges: string[] } {
  const what = `operator ${n.opType} (node '${n.name || n.opType}')`;
  const slots: unknown[] = [];
  const edges: string[] = [];
  let inputs = [...n.inputs];
  while (inputs.length && inputs[inputs.length - 1] === '') inputs = inputs.slice(0, -1);
  let w = 0;
  for (const v of inputs) {
    if (v === '') {
      slots.push(null);
      continue;
    }
    const c = view.consts.get(v);
    if (!c) {
      slots.push('in');
      edges.push(v);
      continue;
    }
    if (c.values.some((x) => x === 'N'))
      throw new OnnxImportError(`${what} takes a shape that depends on the batch size in a way Layerloom cannot represent`);
    const widened = c.dtype === 'int32' && INT32_AS_INT64.has(n.opType);
    const dtype = c.dtype === 'float32' ? 'float32' : c.dtype === 'int64' || widened ? 'int64' : undefined;
    if (!dtype) throw new OnnxImportError(`${what} takes a constant of element type ${c.dtype}; Layerloom keeps float32 and int64 constants`);
    let values = c.values as number[];
    if (dtype === 'int64' && values.some((x) => x > INT32_MAX || x < -INT32_MAX - 1)) {
      // Layerloom holds integer constants as int32. Slice's starts and ends are clamped to the dimension anyway,
      // so PyTorch's INT64_MAX ("to the end") keeps its meaning as INT32_MAX; elsewhere such a value cannot be kept.
      const slot = n.inputs.indexOf(v);
      if (n.opType !== 'Slice' || (slot !== 1 && slot !== 2))
        throw new OnnxImportError(`${what} takes an int64 constant outside the int32 range, which Layerloom cannot keep`);
      values = values.map((x) => Math.max(-INT32_MAX - 1, Math.min(INT32_MAX, x)));
    }
    if (values.length <= INLINE_LIMIT) slots.push({ const: { dtype, dims: c.dims, values } });
    else if (dtype === 'int64' && values.some((x) => Math.abs(x) > 2 ** 24))
      throw new OnnxImportError(`${what} takes a large int64 constant with values beyond 2^24, which Layerloom cannot keep exactly`);
    else {
      const name = `c${w++}`;
      slots.push({ weight: name, shape: c.dims, dtype });
      weights.set(`${id}.${name}`, Float32Array.from(values));
    }
  }
  const used = types.map((t, k) => (n.outputs[k] ? t : undefined));
  if (used.some((t, k) => !t && k < n.outputs.length && n.outputs[k])) throw new OnnxImportError(`cannot tell the output types of ${what}`);
  const attributes = Object.fromEntries(Object.entries(n.attributes ?? {}).map(([k, a]) => [k, toJsonAttr(a)]));
  const params: Record<string, RawParamValue> = {
    op_type: n.opType,
    domain: n.domain ?? '',
    attributes: JSON.stringify(attributes),
    inputs: JSON.stringify(slots),
    outputs: JSON.stringify(used.map((t) => ({ shape: t!.shape, dtype: t!.dtype }))),
  };
  return { node: { id, kind: 'OnnxOp', params, position: { x: 0, y: 0 }, label: n.opType }, edges };
}

export { fromTensor };
