/**
 * inferShapes: every port's tensor type, every node's parameter count and FLOPs, with totals, over the
 * whole graph with a symbolic batch N. User mistakes become diagnostics; nodes downstream of a broken
 * node are skipped quietly so that one mistake gives one message.
 */
import type { AnyLayerDef, InputPortSpec, ShapeFailure, WeightSpec } from '../define-layer';
import { diag, diagnostics as messages, type Diagnostic } from '../diagnostics';
import type { GraphDoc, NodeId } from '../document/types';
import { BLOCK } from '../layers/block';
import { numel, sameShape, type DType, type Shape, type TensorType } from '../shape';
import { isCovered, remapDiagnostic, type FlatRef, type InlinedGraph } from './inline-blocks';
import { dedupe, validate, type ResolvedEdge, type ValidatedGraph } from './validate';

export interface NodeInfo {
  readonly id: NodeId;
  readonly kind: string;
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: Readonly<Record<string, TensorType>>;
  /** Types arriving at variadic ports, in document order. */
  readonly variadicInputs: Readonly<Record<string, readonly TensorType[]>>;
  readonly outputs: Readonly<Record<string, TensorType>>;
  readonly weights: Readonly<Record<string, WeightSpec>>;
  /** Trainable parameters, as torch's `sum(p.numel() for p in m.parameters())`. */
  readonly paramCount: number;
  /** Non-trainable state such as BatchNorm running statistics. */
  readonly bufferCount: number;
  /** FLOPs per sample; a multiply-add counts 2. */
  readonly flops: number;
}

/** A block's ports, parameters and FLOPs, summed over its copies (see passes/inline-blocks.ts). */
export interface BlockInfo extends NodeInfo {
  /** Display path (`enc`, `enc/inner`). */
  readonly path: string;
  readonly name: string;
  readonly repeat: number;
  /** Linked definition id. */
  readonly definition?: string;
  readonly depth: number;
  /** Parameters and FLOPs of one copy. */
  readonly paramsPerCopy: number;
  readonly flopsPerCopy: number;
}

export interface ShapedGraph extends ValidatedGraph {
  /**
   * Nodes whose shapes were inferred, in topological order. With blocks, these are the inlined nodes
   * (`enc.0.ff1`), followed by one entry per top-level Block node (by its id) with its ports and totals.
   */
  readonly info: ReadonlyMap<NodeId, NodeInfo>;
  /** Every block by display path (`enc`, `enc/inner`); empty without blocks. */
  readonly blockInfo: ReadonlyMap<string, BlockInfo>;
  readonly totalParams: number;
  readonly totalFlops: number;
}

function rankOk(rank: number, spec: InputPortSpec['rank']): boolean {
  if (spec === undefined) return true;
  if (typeof spec === 'number') return rank === spec;
  return rank >= spec[0] && rank <= spec[1];
}

function rankText(spec: InputPortSpec): string {
  if (spec.layout) return `a ${spec.layout} tensor`;
  const r = spec.rank!;
  return typeof r === 'number' ? `a rank-${r} tensor` : `a tensor of rank ${r[0]} to ${r[1]}`;
}

function maxRank(spec: InputPortSpec['rank']): number {
  return spec === undefined ? Infinity : typeof spec === 'number' ? spec : spec[1];
}

const DTYPE_HINTS: Record<DType, string> = {
  bool: 'It takes a mask.',
  int64: 'It takes integer ids: connect an Input whose dtype is int64.',
  float32: 'Integer ids must pass through an Embedding before this layer.',
};

/** Infers one node given its incoming types. Returns diagnostics instead of outputs on failure. */
export function inferNode(
  id: NodeId,
  def: AnyLayerDef,
  params: Readonly<Record<string, unknown>>,
  incoming: ReadonlyMap<string, readonly { edge?: string; type: TensorType }[]>,
): { info?: NodeInfo; diagnostics: Diagnostic[] } {
  const ds: Diagnostic[] = [];
  const inShapes: Record<string, Shape> = {};
  const dtypes: Record<string, DType> = {};
  const variadic: Record<string, Shape[]> = {};
  const inputs: Record<string, TensorType> = {};
  const variadicInputs: Record<string, TensorType[]> = {};
  const edgeOf: Record<string, string | undefined> = {};

  for (const [port, spec] of Object.entries(def.inputs)) {
    const arriving = incoming.get(port) ?? [];
    if (arriving.length === 0) {
      if (!spec.optional) ds.push(diag('UNCONNECTED_INPUT', { port }, { node: id, port }));
      continue;
    }
    for (const { edge, type } of arriving) {
      if (!rankOk(type.shape.length, spec.rank)) {
        const canFlatten = spec.flattenFix && type.shape.length > maxRank(spec.rank) && edge !== undefined;
        ds.push(
          diag('RANK_MISMATCH', { port, expected: rankText(spec), got: type.shape }, {
            node: id,
            port,
            edge,
            ...(canFlatten ? { fix: { title: 'Insert Flatten', insertLayer: { kind: 'Flatten' }, edge: edge! } } : {}),
          }),
        );
      }
      const want = spec.dtype ?? 'float32';
      if (want !== 'any' && type.dtype !== want)
        ds.push(diag('DTYPE_MISMATCH', { port, expected: want, got: type.dtype, hint: DTYPE_HINTS[want] }, { node: id, port, edge }));
    }
    if (spec.variadic) {
      variadic[port] = arriving.map((a) => a.type.shape);
      variadicInputs[port] = arriving.map((a) => a.type);
      // Element types of variadic connections, as `<port>.<index>` (shape rules that accept any dtype read them).
      arriving.forEach((a, k) => (dtypes[`${port}.${k}`] = a.type.dtype));
    } else {
      inShapes[port] = arriving[0]!.type.shape;
      dtypes[port] = arriving[0]!.type.dtype;
      inputs[port] = arriving[0]!.type;
      edgeOf[port] = arriving[0]!.edge;
    }
  }
  if (ds.length) return { diagnostics: ds };

  const ctx = { nodeId: id, params: params as never, in: inShapes, dtypes, variadic };
  let result;
  try {
    result = def.inferShape(ctx);
  } catch (e) {
    return { diagnostics: [diag('INTERNAL_ERROR', { detail: e instanceof Error ? e.message : String(e) }, { node: id })] };
  }
  if (!result.ok) return { diagnostics: result.failures.map((f) => failureToDiagnostic(id, f, edgeOf)) };

  const out: Record<string, Shape> = {};
  for (const [k, v] of Object.entries(result.outputs)) out[k] = v.shape;
  const sized = { ...ctx, out };
  let weights: Readonly<Record<string, WeightSpec>> = {};
  let flops = 0;
  try {
    weights = def.weights?.(sized) ?? {};
    flops = def.flops?.(sized) ?? 0;
  } catch (e) {
    return { diagnostics: [diag('INTERNAL_ERROR', { detail: e instanceof Error ? e.message : String(e) }, { node: id })] };
  }
  let paramCount = 0;
  let bufferCount = 0;
  for (const w of Object.values(weights)) {
    if (w.stateOnly) continue;
    if (w.trainable === false) bufferCount += numel(w.shape);
    else paramCount += numel(w.shape);
  }
  return {
    info: { id, kind: def.kind, params, inputs, variadicInputs, outputs: result.outputs, weights, paramCount, bufferCount, flops },
    diagnostics: [],
  };
}

function failureToDiagnostic(node: NodeId, f: ShapeFailure, edgeOf: Record<string, string | undefined>): Diagnostic {
  const message = (messages[f.code] as (d: unknown) => string)(f.data);
  const edge = f.port ? edgeOf[f.port] : undefined;
  const fix = f.fix && edgeOf[f.fix.port] ? { title: f.fix.title, insertLayer: f.fix.insertLayer, edge: edgeOf[f.fix.port]! } : undefined;
  const severity = f.code === 'UNKNOWN_PARAM' || f.code === 'NO_INPUT' ? 'warning' : 'error';
  return { code: f.code, severity, message, node, ...(f.port ? { port: f.port } : {}), ...(edge ? { edge } : {}), ...(fix ? { fix } : {}) };
}

export function inferShapes(input: GraphDoc | ValidatedGraph): ShapedGraph {
  const g: ValidatedGraph = 'order' in input ? input : validate(input);
  const ds: Diagnostic[] = [...g.diagnostics];
  const info = new Map<NodeId, NodeInfo>();
  const into = new Map<NodeId, ResolvedEdge[]>();
  for (const e of g.edges) {
    const list = into.get(e.to.node);
    if (list) list.push(e);
    else into.set(e.to.node, [e]);
  }
  let totalParams = 0;
  let totalFlops = 0;
  for (const id of g.order) {
    const node = g.nodes.get(id)!;
    if (!node.def || !node.params) continue;
    const incoming = new Map<string, { edge: string; type: TensorType }[]>();
    let blocked = false;
    for (const e of into.get(id) ?? []) {
      const src = info.get(e.from.node);
      const type = src?.outputs[e.from.port];
      if (!type) {
        blocked = true;
        break;
      }
      const list = incoming.get(e.to.port);
      if (list) list.push({ edge: e.id, type });
      else incoming.set(e.to.port, [{ edge: e.id, type }]);
    }
    if (blocked) continue;
    const r = inferNode(id, node.def, node.params, incoming);
    ds.push(...r.diagnostics);
    if (r.info) {
      info.set(id, r.info);
      totalParams += r.info.paramCount;
      totalFlops += r.info.flops;
    }
  }
  if (!g.blocks) return { ...g, diagnostics: ds, info, totalParams, totalFlops, blockInfo: new Map() };
  const fresh = ds.splice(g.diagnostics.length).filter((d) => !isCovered(g.blocks!, d));
  const repeatProblems: Diagnostic[] = [];
  const blockInfo = analyseBlocks(g.blocks, info, fresh, repeatProblems);
  ds.push(...dedupe(fresh.map((d) => remapDiagnostic(g.blocks!, d))), ...repeatProblems);
  for (const b of blockInfo.values()) if (b.depth === 0) info.set(b.id, b);
  return { ...g, diagnostics: ds, info, totalParams, totalFlops, blockInfo };
}

/**
 * Ports, parameter counts and FLOPs of every block; checks that a repeated block's outputs match its inputs.
 * When they do not, the block gets REPEAT_SHAPE_MISMATCH and the problems that follow from it inside copies
 * 1 … R−1 are dropped from `ds` (one mistake, one message).
 */
function analyseBlocks(g: InlinedGraph, info: ReadonlyMap<NodeId, NodeInfo>, ds: Diagnostic[], problems: Diagnostic[]): Map<string, BlockInfo> {
  const out = new Map<string, BlockInfo>();
  const typeOf = (ref: FlatRef | undefined): TensorType | undefined => {
    if (!ref) return undefined;
    const i = info.get(ref.node);
    if (!i) return undefined;
    const ports = Object.keys(i.outputs);
    const port = ref.port ?? (ports.length === 1 ? ports[0] : 'out');
    return port === undefined ? undefined : i.outputs[port];
  };
  for (const b of g.blocks) {
    let paramCount = 0;
    let bufferCount = 0;
    let flops = 0;
    let perCopyParams = 0;
    let perCopyFlops = 0;
    b.copies.forEach((c, k) => {
      for (const [id, i] of info) {
        if (!id.startsWith(c.prefix)) continue;
        paramCount += i.paramCount;
        bufferCount += i.bufferCount;
        flops += i.flops;
        if (k === 0) {
          perCopyParams += i.paramCount;
          perCopyFlops += i.flops;
        }
      }
    });
    const first = b.copies[0];
    const last = b.copies[b.copies.length - 1];
    const inputs: Record<string, TensorType> = {};
    const outputs: Record<string, TensorType> = {};
    for (const p of b.inputs) {
      const t = typeOf(first?.inputs[p]);
      if (t) inputs[p] = t;
    }
    for (const p of b.outputs) {
      const t = typeOf(last?.outputs[p]);
      if (t) outputs[p] = t;
    }
    if (b.repeat > 1 && first)
      for (let i = 0; i < b.outputs.length && i < b.inputs.length; i++) {
        const [o, p] = [b.outputs[i]!, b.inputs[i]!];
        const got = typeOf(first.outputs[o]);
        const expected = typeOf(first.inputs[p]);
        if (!got || !expected) continue;
        if (sameShape(got.shape, expected.shape) && got.dtype === expected.dtype) continue;
        const later = b.copies.slice(1).map((c) => c.prefix);
        for (let k = ds.length - 1; k >= 0; k--) if (later.some((x) => ds[k]!.node?.startsWith(x))) ds.splice(k, 1);
        problems.push(diag('REPEAT_SHAPE_MISMATCH', { block: b.path, repeat: b.repeat, output: o, input: p, got: got.shape, expected: expected.shape }, { node: b.path, path: `${b.json}.params.repeat` }));
        break;
      }
    out.set(b.path, {
      id: b.id,
      kind: BLOCK,
      params: { repeat: b.repeat },
      inputs,
      variadicInputs: {},
      outputs,
      weights: {},
      paramCount,
      bufferCount,
      flops,
      path: b.path,
      name: b.name,
      repeat: b.repeat,
      ...(b.definition !== undefined ? { definition: b.definition } : {}),
      depth: b.depth,
      paramsPerCopy: perCopyParams,
      flopsPerCopy: perCopyFlops,
    });
  }
  return out;
}
