/**
 * IrBuilder: how layers lower themselves to primitive ops. Each method appends one op, infers its output
 * type with the op's shape rule, and returns the output value. Node names carry the current scope (the
 * user's node id) so exported ONNX shows where every op came from.
 */
import type { WeightSpec } from '../define-layer';
import type { DType, Shape, TensorType } from '../shape';
import { getOp } from './ops';
import { IrError } from './define-op';
import { fromArray, type Tensor } from './tensor';
import type { IrConstant, IrGraph, IrInput, IrNode, IrParam, IrValue, ValueId } from './types';

export type V = IrValue;

/** The most parts one Split node cuts a tensor into (IrBuilder.split): its input and parts fit WebGPU's guaranteed 8 storage buffers per shader. */
export const SPLIT_FAN_OUT = 7;

/** Settings of an {@link IrBuilder}. */
export interface IrBuilderOptions {
  /**
   * Most parts one Split node cuts into; wider Splits become a tree (see `split`). Default SPLIT_FAN_OUT, which
   * every onnxruntime EP runs; graphs only for the CPU may take Infinity (one Split, one copy of the data).
   */
  readonly splitFanOut?: number;
}

export class IrBuilder {
  constructor(private readonly options: IrBuilderOptions = {}) {}

  private readonly values: IrValue[] = [];
  private readonly nodes: IrNode[] = [];
  private readonly inputs: IrInput[] = [];
  private readonly outputs: IrInput[] = [];
  private readonly params: IrParam[] = [];
  private readonly constants: IrConstant[] = [];
  private readonly counters = new Map<string, number>();
  private scopeName = '';

  /** A builder that continues an existing graph (autodiff appends the backward pass this way). */
  static from(g: IrGraph): IrBuilder {
    const b = new IrBuilder();
    b.values.push(...g.values);
    b.nodes.push(...g.nodes);
    b.inputs.push(...g.inputs);
    b.outputs.push(...g.outputs);
    b.params.push(...g.params);
    b.constants.push(...g.constants);
    for (const n of g.nodes) {
      const slash = n.name.lastIndexOf('/');
      const key = `${slash >= 0 ? n.name.slice(0, slash) : ''}/${n.op}`;
      b.counters.set(key, (b.counters.get(key) ?? 0) + 1);
    }
    return b;
  }

  /** The ops appended so far, in order. */
  get nodeList(): readonly IrNode[] {
    return this.nodes;
  }

  value(id: ValueId): V {
    return this.values[id]!;
  }

  private newValue(type: TensorType): V {
    const v = { id: this.values.length as ValueId, type };
    this.values.push(v);
    return v;
  }

  /** Runs `fn` with node names prefixed by `name` (the user's node id). */
  scoped<T>(name: string, fn: () => T): T {
    const prev = this.scopeName;
    this.scopeName = prev ? `${prev}/${name}` : name;
    try {
      return fn();
    } finally {
      this.scopeName = prev;
    }
  }

  get scope(): string {
    return this.scopeName;
  }

  input(name: string, type: TensorType): V {
    const v = this.newValue(type);
    this.inputs.push({ name, value: v.id });
    return v;
  }

  param(name: string, spec: WeightSpec): V {
    const v = this.newValue({ shape: spec.shape, dtype: spec.dtype ?? 'float32' });
    this.params.push({ name, value: v.id, spec });
    return v;
  }

  constant(tensor: Tensor): V {
    const v = this.newValue({ shape: tensor.shape, dtype: tensor.dtype });
    this.constants.push({ value: v.id, tensor });
    return v;
  }

  /** A float32 constant; a plain number gives a scalar. */
  scalar(x: number, dtype: DType = 'float32'): V {
    return this.constant(fromArray([], [x], dtype));
  }

  tensor(shape: readonly number[], values: ArrayLike<number>, dtype: DType = 'float32'): V {
    return this.constant(fromArray(shape, values, dtype));
  }

  output(name: string, v: V): void {
    this.outputs.push({ name, value: v.id });
  }

  /** Forgets the outputs declared so far (a train step declares its own). */
  clearOutputs(): void {
    this.outputs.length = 0;
  }

  /** Appends a primitive op; returns all of its outputs. */
  opN(op: string, inputs: readonly V[], attrs: Record<string, unknown> = {}): V[] {
    const def = getOp(op);
    if (!def) throw new IrError(`unknown primitive op ${op}`);
    const types = (def.inferShape as (i: readonly TensorType[], a: unknown) => readonly TensorType[])(
      inputs.map((x) => x.type),
      attrs,
    );
    const outs = types.map((t) => this.newValue(t));
    const key = `${this.scopeName}/${op}`;
    const k = this.counters.get(key) ?? 0;
    this.counters.set(key, k + 1);
    const name = `${this.scopeName ? `${this.scopeName}/` : ''}${op}${k ? `_${k}` : ''}`;
    this.nodes.push({ op, inputs: inputs.map((x) => x.id), outputs: outs.map((o) => o.id), attrs, name });
    return outs;
  }

  op(op: string, inputs: readonly V[], attrs: Record<string, unknown> = {}): V {
    return this.opN(op, inputs, attrs)[0]!;
  }

  /**
   * Replaces op number `index` by `op` on `inputs`, named `name` (a rewriting pass: every other op keeps its
   * position). Its outputs are new values, or the values in `reuse` (which must have the inferred types), so
   * that their consumers stay connected. The inputs must be made before `index`; the caller keeps the order.
   */
  replaceNode(index: number, op: string, inputs: readonly V[], attrs: Readonly<Record<string, unknown>>, name: string, reuse?: readonly V[]): V[] {
    const def = getOp(op);
    if (!def || !this.nodes[index]) throw new IrError(`cannot replace op ${index} by ${op}`);
    const types = (def.inferShape as (i: readonly TensorType[], a: unknown) => readonly TensorType[])(
      inputs.map((x) => x.type),
      attrs,
    );
    const same = (a: TensorType, b: TensorType) => a.dtype === b.dtype && a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
    if (reuse && (reuse.length !== types.length || reuse.some((v, i) => !same(v.type, types[i]!))))
      throw new IrError(`${name}: ${op} does not give the types of the values it would replace`);
    const outs = reuse ? [...reuse] : types.map((t) => this.newValue(t));
    this.nodes[index] = { op, inputs: inputs.map((x) => x.id), outputs: outs.map((o) => o.id), attrs, name };
    return outs;
  }

  // ── elementwise ─────────────────────────────────────────────────────────────────────
  add = (a: V, b: V) => this.op('Add', [a, b]);
  sub = (a: V, b: V) => this.op('Sub', [a, b]);
  mul = (a: V, b: V) => this.op('Mul', [a, b]);
  div = (a: V, b: V) => this.op('Div', [a, b]);
  pow = (a: V, b: V) => this.op('Pow', [a, b]);
  max = (a: V, b: V) => this.op('Max', [a, b]);
  min = (a: V, b: V) => this.op('Min', [a, b]);
  neg = (a: V) => this.op('Neg', [a]);
  abs = (a: V) => this.op('Abs', [a]);
  exp = (a: V) => this.op('Exp', [a]);
  log = (a: V) => this.op('Log', [a]);
  sqrt = (a: V) => this.op('Sqrt', [a]);
  reciprocal = (a: V) => this.op('Reciprocal', [a]);
  erf = (a: V) => this.op('Erf', [a]);
  relu = (a: V) => this.op('Relu', [a]);
  sigmoid = (a: V) => this.op('Sigmoid', [a]);
  tanh = (a: V) => this.op('Tanh', [a]);
  leakyRelu = (a: V, alpha: number) => this.op('LeakyRelu', [a], { alpha });
  elu = (a: V, alpha: number) => this.op('Elu', [a], { alpha });
  identity = (a: V) => this.op('Identity', [a]);
  cast = (a: V, to: DType) => this.op('Cast', [a], { to });
  equal = (a: V, b: V) => this.op('Equal', [a, b]);
  greater = (a: V, b: V) => this.op('Greater', [a, b]);
  less = (a: V, b: V) => this.op('Less', [a, b]);
  where = (cond: V, a: V, b: V) => this.op('Where', [cond, a, b]);

  // ── linear algebra, normalisation ───────────────────────────────────────────────────
  matmul = (a: V, b: V) => this.op('MatMul', [a, b]);
  softmax = (x: V, axis: number) => this.op('Softmax', [x], { axis });
  layerNorm = (x: V, scale: V, bias: V | undefined, axis: number, epsilon: number) =>
    this.op('LayerNormalization', bias ? [x, scale, bias] : [x, scale], { axis, epsilon });
  batchNorm = (x: V, scale: V, bias: V, mean: V, variance: V, epsilon: number) =>
    this.op('BatchNormalization', [x, scale, bias, mean, variance], { epsilon });

  // ── reductions (axes count the batch as 0) ─────────────────────────────────────────
  reduceSum = (x: V, axes: readonly number[], keepdims = true) => this.op('ReduceSum', [x], { axes, keepdims });
  reduceMean = (x: V, axes: readonly number[], keepdims = true) => this.op('ReduceMean', [x], { axes, keepdims });
  reduceMax = (x: V, axes: readonly number[], keepdims = true) => this.op('ReduceMax', [x], { axes, keepdims });
  reduceLogSumExp = (x: V, axes: readonly number[], keepdims = true) => this.op('ReduceLogSumExp', [x], { axes, keepdims });
  argMax = (x: V, axis: number, keepdims = false) => this.op('ArgMax', [x], { axis, keepdims });

  // ── convolution and pooling (explicit attributes, NCHW / NCL) ──────────────────────
  conv = (x: V, w: V, b: V | undefined, a: { strides: number[]; pads: number[]; dilations: number[]; group: number }) =>
    this.op('Conv', b ? [x, w, b] : [x, w], a);
  convTranspose = (
    x: V,
    w: V,
    b: V | undefined,
    a: { strides: number[]; pads: number[]; dilations: number[]; group: number; output_padding: number[] },
  ) => this.op('ConvTranspose', b ? [x, w, b] : [x, w], a);
  maxPool = (x: V, a: { kernel_shape: number[]; strides: number[]; pads: number[]; dilations: number[]; ceil_mode: boolean }) =>
    this.op('MaxPool', [x], a);
  averagePool = (x: V, a: { kernel_shape: number[]; strides: number[]; pads: number[]; ceil_mode: boolean; count_include_pad: boolean }) =>
    this.op('AveragePool', [x], a);
  globalAveragePool = (x: V) => this.op('GlobalAveragePool', [x]);
  /** Resizes the trailing spatial dims to `sizes` (nearest or linear, PyTorch's half_pixel / align_corners conventions). */
  resize = (x: V, a: { sizes: number[]; mode: 'nearest' | 'linear'; align_corners: boolean }) => this.op('Resize', [x], a);

  // ── shaping (shapes may contain the batch symbol N) ─────────────────────────────────
  /**
   * In a target shape, N means "x's batch dimension": it stays the symbol in exported models and becomes
   * the concrete batch size in train-step graphs, so lowerings can be written once for both.
   */
  private batchOf(x: V, shape: Shape): Shape {
    const b = x.type.shape[0];
    return typeof b === 'number' && shape.includes('N') ? shape.map((d) => (d === 'N' ? b : d)) : shape;
  }

  reshape = (x: V, shape: Shape) => this.op('Reshape', [x], { shape: this.batchOf(x, shape) });
  transpose = (x: V, perm: readonly number[]) => this.op('Transpose', [x], { perm });
  concat = (xs: readonly V[], axis: number) => this.op('Concat', xs, { axis });
  slice = (x: V, axis: number, start: number, end: number, step = 1) => this.op('Slice', [x], { axis, start, end, step });
  /**
   * Cuts x along `axis` into parts of `sizes`. More than `splitFanOut` parts (SPLIT_FAN_OUT unless the builder
   * was given another) become a tree of Splits (first into at most that many runs of consecutive parts, then each
   * run): WebGPU binds one storage buffer per input and output and guarantees only 8 per shader, so onnxruntime's
   * WebGPU EP cannot run a Split into 32 time steps in one node. Its gradient is a tree of equally small Concats.
   * On the CPU the tree copies the data once per level (measured about 3% of the bench LSTM's train step), so
   * train steps for the CPU backends are built with one Split per cut.
   */
  split = (x: V, axis: number, sizes: readonly number[]): V[] => {
    const fan = this.options.splitFanOut ?? SPLIT_FAN_OUT;
    if (sizes.length <= fan) return this.opN('Split', [x], { axis, split: sizes });
    const per = Math.ceil(sizes.length / fan);
    const runs: number[][] = [];
    for (let i = 0; i < sizes.length; i += per) runs.push(sizes.slice(i, i + per));
    const heads = this.opN('Split', [x], { axis, split: runs.map((r) => r.reduce((a, b) => a + b, 0)) });
    return runs.flatMap((r, i) => (r.length === 1 ? [heads[i]!] : this.split(heads[i]!, axis, r)));
  };
  gather = (x: V, indices: V, axis: number) => this.op('Gather', [x, indices], { axis });
  gatherElements = (x: V, indices: V, axis: number) => this.op('GatherElements', [x, indices], { axis });
  unsqueeze = (x: V, axes: readonly number[]) => this.op('Unsqueeze', [x], { axes });
  squeeze = (x: V, axes: readonly number[]) => this.op('Squeeze', [x], { axes });
  /** Broadcasts to `shape` (N stays N). */
  expand = (x: V, shape: Shape) => this.op('Expand', [x], { shape: this.batchOf(x, shape) });

  /**
   * Sums a gradient down to `target`'s shape, undoing broadcasting: extra leading dims and dims that were 1
   * are summed (a weight without the batch dim receives the sum over the batch).
   */
  sumTo(g: V, target: Shape): V {
    const gs = g.type.shape;
    if (gs.length === target.length && gs.every((d, i) => d === target[i])) return g;
    const lead = gs.length - target.length;
    const axes: number[] = [];
    for (let i = 0; i < gs.length; i++) {
      if (i < lead) axes.push(i);
      else if (target[i - lead] === 1 && gs[i] !== 1) axes.push(i);
    }
    const summed = axes.length ? this.reduceSum(g, axes, true) : g;
    const ss = summed.type.shape;
    return ss.length === target.length && ss.every((d, i) => d === target[i]) ? summed : this.reshape(summed, target);
  }

  build(): IrGraph {
    return {
      values: [...this.values],
      nodes: [...this.nodes],
      inputs: [...this.inputs],
      outputs: [...this.outputs],
      params: [...this.params],
      constants: [...this.constants],
    };
  }
}
