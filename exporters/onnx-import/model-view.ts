/**
 * A read-only view of a decoded ONNX graph for the importer: who produces and who reads each value, the
 * constants (initializers, Constant nodes and everything computed from them alone, including the shape
 * arithmetic PyTorch exports around a dynamic batch), and value types.
 *
 * Shape arithmetic: `Shape(x)` of a value whose type is known gives a "symbolic" int64 vector whose entries
 * are numbers or the batch symbol N; Gather, Unsqueeze, Squeeze, Concat, Cast, Slice and integer
 * Add/Sub/Mul/Div on such vectors are folded as long as N is only copied, never multiplied. A Reshape or
 * ConstantOfShape whose shape folds this way becomes static (with N in the batch place).
 */
import type { DType, Dim, Shape, TensorType } from '../../graph-core';
import type { OnnxGraph, OnnxNode, OnnxTensor } from '../onnx/model';
import { OnnxImportError } from './errors';

/** A folded constant: numbers, or for int64 shape vectors possibly the batch symbol. */
export interface ConstValue {
  readonly dtype: 'float32' | 'int64' | 'int32' | 'bool' | 'uint8' | 'float64';
  readonly dims: readonly number[];
  readonly values: readonly (number | 'N')[];
}

export class ModelView {
  readonly producer = new Map<string, OnnxNode>();
  readonly consumers = new Map<string, OnnxNode[]>();
  readonly consts = new Map<string, ConstValue>();
  readonly types = new Map<string, TensorType>();
  readonly graphOutputs: ReadonlySet<string>;
  /** Nodes in topological order. */
  readonly order: readonly OnnxNode[];
  /** The value_info / output declarations, by value name. */
  readonly declared = new Map<string, { elemType: string; shape: readonly (number | string)[] }>();

  constructor(
    readonly graph: OnnxGraph,
    readonly batchSymbol: string | undefined,
  ) {
    this.graphOutputs = new Set(graph.outputs.map((o) => o.name));
    for (const n of graph.nodes) {
      for (const o of n.outputs) if (o) this.producer.set(o, n);
      for (const i of n.inputs) if (i) (this.consumers.get(i) ?? this.consumers.set(i, []).get(i)!).push(n);
    }
    for (const t of graph.initializers) this.consts.set(t.name, fromTensor(t));
    for (const v of [...(graph.valueInfo ?? []), ...graph.outputs]) this.declared.set(v.name, v);
    this.order = topoOrder(graph);
  }

  isConst(name: string): boolean {
    return this.consts.has(name);
  }

  /** Numeric constant values (no symbols). */
  numbers(name: string): number[] | undefined {
    const c = this.consts.get(name);
    if (!c || c.values.some((v) => v === 'N')) return undefined;
    return c.values as number[];
  }

  readers(name: string): readonly OnnxNode[] {
    return this.consumers.get(name) ?? [];
  }

  /** The value is read by exactly this one node and is not a graph output. */
  onlyFeeds(name: string, node: OnnxNode): boolean {
    const r = this.readers(name);
    return !this.graphOutputs.has(name) && r.length > 0 && r.every((n) => n === node);
  }

  /** The type declared in the model (value_info or graph outputs), with the batch symbol read as N. */
  declaredType(name: string): TensorType | undefined {
    const d = this.declared.get(name);
    if (!d) return undefined;
    const dtype = toDType(d.elemType);
    if (!dtype) return undefined;
    const shape: Dim[] = [];
    for (const x of d.shape) {
      if (typeof x === 'number') shape.push(x);
      else if (x !== '' && x === this.batchSymbol) shape.push('N');
      else return undefined;
    }
    return { shape, dtype };
  }
}

export function toDType(t: string): DType | undefined {
  return t === 'float32' || t === 'int64' || t === 'bool' ? t : undefined;
}

export function fromTensor(t: OnnxTensor): ConstValue {
  const values = t.data instanceof BigInt64Array ? Array.from(t.data, (v) => Number(v)) : Array.from(t.data as ArrayLike<number>);
  return { dtype: t.dataType, dims: [...t.dims], values };
}

function topoOrder(g: OnnxGraph): OnnxNode[] {
  const known = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name), '']);
  const left = [...g.nodes];
  const out: OnnxNode[] = [];
  while (left.length) {
    const k = left.findIndex((n) => n.inputs.every((i) => known.has(i)));
    if (k < 0) {
      const n = left[0]!;
      const missing = n.inputs.find((i) => !known.has(i));
      throw new OnnxImportError(`node '${n.name || n.opType}' (${n.opType}) reads '${missing}', which no node, input or initializer provides (or the graph has a cycle)`);
    }
    const [n] = left.splice(k, 1);
    out.push(n!);
    for (const o of n!.outputs) known.add(o);
  }
  return out;
}

// ── folding ─────────────────────────────────────────────────────────────────────────────

const INT = (v: number | 'N') => v;

function attrInt(n: OnnxNode, name: string, fallback: number): number {
  const a = n.attributes?.[name];
  return a && a.type === 'int' ? a.value : fallback;
}

function attrInts(n: OnnxNode, name: string): number[] | undefined {
  const a = n.attributes?.[name];
  return a && a.type === 'ints' ? [...a.value] : undefined;
}

const norm = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

function arith(op: string, a: number | 'N', b: number | 'N', isInt: boolean): number | 'N' | undefined {
  if (a === 'N' || b === 'N') {
    // N survives only unchanged: N·1, N/1, N+0, N−0.
    if (a === 'N' && b !== 'N' && ((op === 'Mul' || op === 'Div') && b === 1)) return 'N';
    if (a === 'N' && b !== 'N' && (op === 'Add' || op === 'Sub') && b === 0) return 'N';
    if (b === 'N' && a !== 'N' && op === 'Mul' && a === 1) return 'N';
    return undefined;
  }
  switch (op) {
    case 'Add':
      return a + b;
    case 'Sub':
      return a - b;
    case 'Mul':
      return a * b;
    case 'Div':
      return isInt ? Math.trunc(a / b) : Math.fround(a / b);
    default:
      return undefined;
  }
}

function broadcastIndex(dims: readonly number[], outDims: readonly number[], flat: number): number {
  let idx = 0;
  let stride = 1;
  let rest = flat;
  const offs = outDims.length - dims.length;
  const coords: number[] = [];
  for (let k = outDims.length - 1; k >= 0; k--) {
    coords[k] = rest % outDims[k]!;
    rest = Math.floor(rest / outDims[k]!);
  }
  for (let k = dims.length - 1; k >= 0; k--) {
    const c = dims[k] === 1 ? 0 : coords[k + offs]!;
    idx += c * stride;
    stride *= dims[k]!;
  }
  return idx;
}

/**
 * Folds `n` when every input is a known constant (or, for Shape, a value of known type); returns whether it
 * did. Only the operators of shape arithmetic and Constant are folded; the rest stay operators.
 */
export function tryFold(view: ModelView, n: OnnxNode): boolean {
  const c = (k: number) => (n.inputs[k] ? view.consts.get(n.inputs[k]!) : undefined);
  const set = (v: ConstValue, k = 0) => void view.consts.set(n.outputs[k]!, v);
  switch (n.opType) {
    case 'Constant': {
      const a = n.attributes?.value;
      if (a?.type === 'tensor') set(fromTensor(a.value));
      else if (n.attributes?.value_int?.type === 'int') set({ dtype: 'int64', dims: [], values: [n.attributes.value_int.value] });
      else if (n.attributes?.value_ints?.type === 'ints') {
        const v = n.attributes.value_ints.value;
        set({ dtype: 'int64', dims: [v.length], values: [...v] });
      } else if (n.attributes?.value_float?.type === 'float') set({ dtype: 'float32', dims: [], values: [n.attributes.value_float.value] });
      else if (n.attributes?.value_floats?.type === 'floats') {
        const v = n.attributes.value_floats.value;
        set({ dtype: 'float32', dims: [v.length], values: [...v] });
      } else throw new OnnxImportError(`Constant node '${n.name}' has no value Layerloom can read (sparse or string constants are not supported)`);
      return true;
    }
    case 'Shape': {
      const t = view.types.get(n.inputs[0]!);
      if (!t) return false;
      let shape = [...t.shape];
      const rank = shape.length;
      const start = norm(attrInt(n, 'start', 0), rank);
      const end = n.attributes?.end ? norm(attrInt(n, 'end', rank), rank) : rank;
      shape = shape.slice(Math.max(0, start), Math.min(rank, end));
      set({ dtype: 'int64', dims: [shape.length], values: shape });
      return true;
    }
  }
  const all = n.inputs.filter((i) => i !== '').map((i) => view.consts.get(i));
  if (all.some((x) => !x) || all.length === 0) return false;
  const x = c(0)!;
  switch (n.opType) {
    case 'Identity':
      set(x);
      return true;
    case 'Cast': {
      const to = attrInt(n, 'to', 1);
      const dtype = to === 7 ? 'int64' : to === 1 ? 'float32' : to === 6 ? 'int32' : to === 9 ? 'bool' : undefined;
      if (!dtype) return false;
      set({ dtype, dims: x.dims, values: x.values.map((v) => (v === 'N' ? v : dtype === 'float32' ? Math.fround(v) : dtype === 'bool' ? (v ? 1 : 0) : Math.trunc(v))) });
      return true;
    }
    case 'Gather': {
      const idx = c(1)!;
      if (x.dims.length !== 1 || idx.values.some((v) => v === 'N')) return false;
      const values = (idx.values as number[]).map((i) => x.values[i < 0 ? i + x.values.length : i]!);
      set({ dtype: x.dtype, dims: idx.dims, values });
      return true;
    }
    case 'Unsqueeze': {
      const axes = attrInts(n, 'axes') ?? (c(1)?.values as number[] | undefined);
      if (!axes) return false;
      const rank = x.dims.length + axes.length;
      const dims: number[] = [];
      const ax = new Set(axes.map((a) => norm(a, rank)));
      let k = 0;
      for (let i = 0; i < rank; i++) dims.push(ax.has(i) ? 1 : x.dims[k++]!);
      set({ ...x, dims });
      return true;
    }
    case 'Squeeze': {
      const axes = attrInts(n, 'axes') ?? (c(1)?.values as number[] | undefined);
      const ax = new Set((axes ?? x.dims.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => norm(a, x.dims.length)));
      set({ ...x, dims: x.dims.filter((_, i) => !ax.has(i)) });
      return true;
    }
    case 'Concat': {
      const parts = n.inputs.map((i) => view.consts.get(i)!);
      if (parts.some((p) => p.dims.length !== 1)) return false;
      set({ dtype: x.dtype, dims: [parts.reduce((a, p) => a + p.dims[0]!, 0)], values: parts.flatMap((p) => p.values) });
      return true;
    }
    case 'Reshape': {
      const shape = c(1)!.values;
      if (shape.some((v) => v === 'N')) return false;
      const total = x.values.length;
      const dims = (shape as number[]).map((d, i) => (d === 0 ? x.dims[i]! : d));
      const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
      set({ ...x, dims: dims.map((d) => (d === -1 ? total / known : d)) });
      return true;
    }
    case 'Slice': {
      if (x.dims.length !== 1) return false;
      const starts = c(1)?.values as number[];
      const ends = c(2)?.values as number[];
      const steps = (c(4)?.values as number[] | undefined) ?? [1];
      if (!starts || !ends || steps[0] !== 1) return false;
      const len = x.values.length;
      const clamp = (v: number) => Math.max(0, Math.min(len, v < 0 ? v + len : v));
      const values = x.values.slice(clamp(starts[0]!), clamp(ends[0]!));
      set({ ...x, dims: [values.length], values });
      return true;
    }
    case 'Add':
    case 'Sub':
    case 'Mul':
    case 'Div': {
      const y = c(1)!;
      const rank = Math.max(x.dims.length, y.dims.length);
      const dims: number[] = [];
      for (let i = 0; i < rank; i++) {
        const a = x.dims[x.dims.length - rank + i] ?? 1;
        const b = y.dims[y.dims.length - rank + i] ?? 1;
        dims.push(a === 1 ? b : a);
      }
      const total = dims.reduce((a, b) => a * b, 1);
      const isInt = x.dtype !== 'float32' && x.dtype !== 'float64';
      const values: (number | 'N')[] = [];
      for (let k = 0; k < total; k++) {
        const r = arith(n.opType, INT(x.values[broadcastIndex(x.dims, dims, k)]!), INT(y.values[broadcastIndex(y.dims, dims, k)]!), isInt);
        if (r === undefined) return false;
        values.push(r);
      }
      set({ dtype: x.dtype, dims, values });
      return true;
    }
    case 'ConstantOfShape': {
      if (x.values.some((v) => v === 'N')) return false;
      const a = n.attributes?.value;
      const fill = a?.type === 'tensor' ? fromTensor(a.value) : { dtype: 'float32' as const, dims: [1], values: [0] };
      const dims = x.values as number[];
      set({ dtype: fill.dtype, dims, values: new Array<number>(dims.reduce((p, q) => p * q, 1)).fill(fill.values[0] as number) });
      return true;
    }
    default:
      return false;
  }
}

/** Batch-aware shape of a folded constant used as a Reshape/Expand target: N is kept. */
export function shapeFromConst(v: ConstValue): Shape | undefined {
  if (v.dims.length !== 1) return undefined;
  return v.values.map((d) => (d === 'N' ? 'N' : d));
}
