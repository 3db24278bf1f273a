/**
 * ONNX node patterns that stand for catalogue layers. Each matcher looks at one anchor node (and the nodes
 * around it that only it uses) and, when the pattern fits exactly, returns the layer with its params and its
 * weights under torch's names, already transposed or reordered into torch's layout. A matcher that returns
 * nothing leaves the node to the next matcher and, in the end, to a generic OnnxOp node.
 */
import type { RawParamValue, TensorType } from '../../graph-core';
import type { OnnxNode } from '../onnx/model';
import { type ModelView } from './model-view';

export interface Match {
  readonly kind: string;
  readonly params: Readonly<Record<string, RawParamValue>>;
  /** The values that flow into the layer, by input port. Variadic ports list several. */
  readonly inputs: readonly { readonly port: string; readonly value: string }[];
  /** The values the layer produces, by output port. */
  readonly outputs: readonly { readonly port: string; readonly value: string }[];
  /** Every ONNX node the layer replaces. */
  readonly nodes: readonly OnnxNode[];
  readonly weights: Readonly<Record<string, Float32Array>>;
  /** A readable id hint (PyTorch's module path when the export kept it). */
  readonly name?: string;
}

export interface MatchCtx {
  readonly view: ModelView;
  /** The type of a value produced so far (graph inputs and nodes already imported). */
  type(value: string): TensorType | undefined;
}

type Matcher = (n: OnnxNode, c: MatchCtx) => Match | undefined;

// ── helpers ─────────────────────────────────────────────────────────────────────────────

const int = (n: OnnxNode, name: string, fallback: number) => {
  const a = n.attributes?.[name];
  return a?.type === 'int' ? a.value : fallback;
};
const float = (n: OnnxNode, name: string, fallback: number) => {
  const a = n.attributes?.[name];
  return a?.type === 'float' ? a.value : fallback;
};
const ints = (n: OnnxNode, name: string): readonly number[] | undefined => {
  const a = n.attributes?.[name];
  return a?.type === 'ints' ? a.value : undefined;
};
const str = (n: OnnxNode, name: string, fallback: string) => {
  const a = n.attributes?.[name];
  return a?.type === 'string' ? a.value : fallback;
};
/** Only these attributes (and no others) are present. */
const onlyAttrs = (n: OnnxNode, allowed: readonly string[]) => Object.keys(n.attributes ?? {}).every((k) => allowed.includes(k));

function f32(view: ModelView, name: string | undefined): { dims: readonly number[]; data: Float32Array } | undefined {
  if (!name) return undefined;
  const c = view.consts.get(name);
  if (!c || c.dtype !== 'float32' || c.values.some((v) => v === 'N')) return undefined;
  return { dims: c.dims, data: Float32Array.from(c.values as number[]) };
}

function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let k = 0; k < cols; k++) out[k * rows + r] = data[r * cols + k]!;
  return out;
}

/** The module path PyTorch writes into node names (`/encoder/layers.0/linear1/MatMul` → `encoder.layers.0.linear1`). */
export function modulePath(n: OnnxNode): string | undefined {
  if (!n.name.startsWith('/')) return undefined;
  const parts = n.name.split('/').filter(Boolean);
  parts.pop();
  return parts.length ? parts.join('.') : undefined;
}

/** The module path from an initializer name (`fc1.weight` → `fc1`). */
function weightModule(name: string | undefined): string | undefined {
  if (!name || name.startsWith('onnx::')) return undefined;
  const k = name.lastIndexOf('.');
  return k > 0 ? name.slice(0, k) : undefined;
}

const nameOf = (n: OnnxNode, weight?: string) => weightModule(weight) ?? modulePath(n);

const isEdge = (c: MatchCtx, v: string | undefined) => v !== undefined && v !== '' && !c.view.isConst(v) && c.type(v) !== undefined;

function single(n: OnnxNode, kind: string, params: Record<string, RawParamValue> = {}, weights: Record<string, Float32Array> = {}, name?: string): Match {
  return { kind, params, inputs: [{ port: 'in', value: n.inputs[0]! }], outputs: [{ port: 'out', value: n.outputs[0]! }], nodes: [n], weights, ...(name ? { name } : {}) };
}

/** The node that reads `value`, when it is the only reader and the value is not a graph output. */
function soleReader(c: MatchCtx, value: string): OnnxNode | undefined {
  const r = c.view.readers(value);
  return r.length === 1 && !c.view.graphOutputs.has(value) ? r[0] : undefined;
}

const symmetric = (pads: readonly number[]) => {
  const k = pads.length / 2;
  return pads.slice(0, k).every((p, i) => p === pads[i + k]);
};

const pairOf = (v: readonly number[]): RawParamValue => (v[0] === v[1] ? v[0]! : [v[0]!, v[1]!]);

// ── dense ───────────────────────────────────────────────────────────────────────────────

const gemm: Matcher = (n, c) => {
  if (n.opType !== 'Gemm' || !onlyAttrs(n, ['alpha', 'beta', 'transA', 'transB'])) return;
  if (float(n, 'alpha', 1) !== 1 || float(n, 'beta', 1) !== 1 || int(n, 'transA', 0) !== 0) return;
  const [a, b, bias] = n.inputs;
  if (!isEdge(c, a)) return;
  const w = f32(c.view, b);
  if (!w || w.dims.length !== 2) return;
  const transB = int(n, 'transB', 0) === 1;
  const out = transB ? w.dims[0]! : w.dims[1]!;
  const weight = transB ? w.data : transpose2d(w.data, w.dims[0]!, w.dims[1]!);
  const weights: Record<string, Float32Array> = { weight };
  if (bias) {
    const bb = f32(c.view, bias);
    if (!bb || bb.data.length !== out || (bb.dims.length === 2 && bb.dims[0] !== 1)) return;
    weights.bias = bb.data;
  }
  return single(n, 'Linear', { out_features: out, bias: !!bias }, weights, nameOf(n, b));
};

/** MatMul by a constant [in, out] matrix, with the Add of a constant [out] bias that follows it when there is one. */
const matmulAdd: Matcher = (n, c) => {
  if (n.opType !== 'MatMul') return;
  const [a, b] = n.inputs;
  if (!isEdge(c, a)) return;
  const w = f32(c.view, b);
  if (!w || w.dims.length !== 2) return;
  const rank = c.type(a!)!.shape.length;
  if (rank < 2 || rank > 3) return;
  const [inF, out] = w.dims as [number, number];
  const weights: Record<string, Float32Array> = { weight: transpose2d(w.data, inF, out) };
  const add = soleReader(c, n.outputs[0]!);
  let nodes = [n];
  let output = n.outputs[0]!;
  if (add?.opType === 'Add') {
    const other = add.inputs[0] === output ? add.inputs[1] : add.inputs[0];
    const bb = f32(c.view, other);
    if (bb && bb.data.length === out && bb.dims.length === 1) {
      weights.bias = bb.data;
      nodes = [n, add];
      output = add.outputs[0]!;
    }
  }
  return {
    kind: 'Linear',
    params: { out_features: out, bias: !!weights.bias },
    inputs: [{ port: 'in', value: a! }],
    outputs: [{ port: 'out', value: output }],
    nodes,
    weights,
    ...(nameOf(n, b) ? { name: nameOf(n, b)! } : {}),
  };
};

// ── convolution and pooling ─────────────────────────────────────────────────────────────

const conv: Matcher = (n, c) => {
  if (n.opType !== 'Conv' || !onlyAttrs(n, ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'auto_pad'])) return;
  if (str(n, 'auto_pad', 'NOTSET') !== 'NOTSET') return;
  const [x, wName, bName] = n.inputs;
  if (!isEdge(c, x)) return;
  const w = f32(c.view, wName);
  if (!w || (w.dims.length !== 4 && w.dims.length !== 3)) return;
  const sp = w.dims.length - 2;
  const pads = ints(n, 'pads') ?? new Array<number>(2 * sp).fill(0);
  if (!symmetric(pads)) return;
  const stride = ints(n, 'strides') ?? new Array<number>(sp).fill(1);
  const dil = ints(n, 'dilations') ?? new Array<number>(sp).fill(1);
  const kernel = w.dims.slice(2);
  const weights: Record<string, Float32Array> = { weight: w.data };
  if (bName) {
    const b = f32(c.view, bName);
    if (!b) return;
    weights.bias = b.data;
  }
  const one = (v: readonly number[]) => (sp === 2 ? pairOf(v) : v[0]!);
  return single(
    n,
    sp === 2 ? 'Conv2d' : 'Conv1d',
    { out_channels: w.dims[0]!, kernel_size: one(kernel), stride: one(stride), padding: one(pads.slice(0, sp)), dilation: one(dil), groups: int(n, 'group', 1), bias: !!bName },
    weights,
    nameOf(n, wName),
  );
};

const convTranspose: Matcher = (n, c) => {
  if (n.opType !== 'ConvTranspose' || !onlyAttrs(n, ['kernel_shape', 'strides', 'pads', 'dilations', 'group', 'output_padding', 'auto_pad'])) return;
  if (str(n, 'auto_pad', 'NOTSET') !== 'NOTSET') return;
  const [x, wName, bName] = n.inputs;
  if (!isEdge(c, x)) return;
  const w = f32(c.view, wName);
  if (!w || w.dims.length !== 4) return;
  const pads = ints(n, 'pads') ?? [0, 0, 0, 0];
  if (!symmetric(pads)) return;
  const group = int(n, 'group', 1);
  const weights: Record<string, Float32Array> = { weight: w.data };
  if (bName) {
    const b = f32(c.view, bName);
    if (!b) return;
    weights.bias = b.data;
  }
  return single(
    n,
    'ConvTranspose2d',
    {
      out_channels: w.dims[1]! * group,
      kernel_size: pairOf(w.dims.slice(2)),
      stride: pairOf(ints(n, 'strides') ?? [1, 1]),
      padding: pairOf(pads.slice(0, 2)),
      output_padding: pairOf(ints(n, 'output_padding') ?? [0, 0]),
      dilation: pairOf(ints(n, 'dilations') ?? [1, 1]),
      groups: group,
      bias: !!bName,
    },
    weights,
    nameOf(n, wName),
  );
};

const maxPool: Matcher = (n, c) => {
  if (n.opType !== 'MaxPool' || n.outputs.length !== 1 || !onlyAttrs(n, ['kernel_shape', 'strides', 'pads', 'dilations', 'ceil_mode', 'auto_pad', 'storage_order'])) return;
  if (str(n, 'auto_pad', 'NOTSET') !== 'NOTSET' || !isEdge(c, n.inputs[0])) return;
  const k = ints(n, 'kernel_shape')!;
  const sp = k.length;
  if (sp !== 1 && sp !== 2) return;
  const pads = ints(n, 'pads') ?? new Array<number>(2 * sp).fill(0);
  if (!symmetric(pads)) return;
  const one = (v: readonly number[]) => (sp === 2 ? pairOf(v) : v[0]!);
  return single(n, sp === 2 ? 'MaxPool2d' : 'MaxPool1d', {
    kernel_size: one(k),
    stride: one(ints(n, 'strides') ?? new Array<number>(sp).fill(1)),
    padding: one(pads.slice(0, sp)),
    dilation: one(ints(n, 'dilations') ?? new Array<number>(sp).fill(1)),
    ceil_mode: int(n, 'ceil_mode', 0) === 1,
  }, {}, modulePath(n));
};

const avgPool: Matcher = (n, c) => {
  if (n.opType !== 'AveragePool' || !onlyAttrs(n, ['kernel_shape', 'strides', 'pads', 'ceil_mode', 'count_include_pad', 'auto_pad'])) return;
  if (str(n, 'auto_pad', 'NOTSET') !== 'NOTSET' || !isEdge(c, n.inputs[0])) return;
  const k = ints(n, 'kernel_shape')!;
  if (k.length !== 2) return;
  const pads = ints(n, 'pads') ?? [0, 0, 0, 0];
  if (!symmetric(pads)) return;
  return single(n, 'AvgPool2d', {
    kernel_size: pairOf(k),
    stride: pairOf(ints(n, 'strides') ?? [1, 1]),
    padding: pairOf(pads.slice(0, 2)),
    ceil_mode: int(n, 'ceil_mode', 0) === 1,
    count_include_pad: int(n, 'count_include_pad', 0) === 1,
  }, {}, modulePath(n));
};

const globalAvgPool: Matcher = (n, c) => {
  if (n.opType !== 'GlobalAveragePool' || !isEdge(c, n.inputs[0]) || c.type(n.inputs[0]!)!.shape.length !== 4) return;
  return single(n, 'AdaptiveAvgPool2d', { output_size: 1 }, {}, modulePath(n));
};

const batchNorm: Matcher = (n, c) => {
  if (n.opType !== 'BatchNormalization' || n.outputs.length !== 1 || int(n, 'training_mode', 0) !== 0) return;
  const [x, s, b, m, v] = n.inputs;
  if (!isEdge(c, x)) return;
  const rank = c.type(x!)!.shape.length;
  const [scale, bias, mean, vari] = [s, b, m, v].map((k) => f32(c.view, k));
  if (!scale || !bias || !mean || !vari) return;
  return single(
    n,
    rank === 4 ? 'BatchNorm2d' : 'BatchNorm1d',
    { eps: Math.fround(float(n, 'epsilon', 1e-5)), momentum: Math.round((1 - float(n, 'momentum', 0.9)) * 1e6) / 1e6 },
    { weight: scale.data, bias: bias.data, running_mean: mean.data, running_var: vari.data },
    nameOf(n, s),
  );
};

// ── activations and elementwise ────────────────────────────────────────────────────────

const activation: Matcher = (n, c) => {
  if (!isEdge(c, n.inputs[0]) || n.inputs.length !== 1) return;
  const name = modulePath(n);
  switch (n.opType) {
    case 'Relu':
      return single(n, 'ReLU', {}, {}, name);
    case 'Sigmoid':
      return single(n, 'Sigmoid', {}, {}, name);
    case 'Tanh':
      return single(n, 'Tanh', {}, {}, name);
    case 'LeakyRelu':
      return single(n, 'LeakyReLU', { negative_slope: float(n, 'alpha', 0.01) }, {}, name);
    case 'Elu':
      return single(n, 'ELU', { alpha: float(n, 'alpha', 1) }, {}, name);
    case 'Softmax':
    case 'LogSoftmax': {
      const rank = c.type(n.inputs[0]!)!.shape.length;
      const axis = int(n, 'axis', -1);
      // Before opset 13 the axis meant "flatten from here"; that agrees with torch only on the last axis.
      if (axis !== -1 && axis !== rank - 1) return;
      return single(n, n.opType, { dim: -1 }, {}, name);
    }
    case 'Flatten': {
      if (int(n, 'axis', 1) !== 1) return;
      return single(n, 'Flatten', { start_dim: 1, end_dim: -1 }, {}, name);
    }
    case 'Dropout':
      return n.outputs.length === 1 ? single(n, 'Dropout', { p: 0.5 }, {}, name) : undefined;
  }
  return undefined;
};

/** GELU as PyTorch exports it below opset 20: Mul(Mul(x, Add(Erf(Div(x, √2)), 1)), 0.5). */
const gelu: Matcher = (n, c) => {
  if (n.opType !== 'Div' || !isEdge(c, n.inputs[0])) return;
  const x = n.inputs[0]!;
  const root2 = c.view.numbers(n.inputs[1]!);
  if (root2?.length !== 1 || Math.abs(root2[0]! - Math.SQRT2) > 1e-6) return;
  const erf = soleReader(c, n.outputs[0]!);
  if (erf?.opType !== 'Erf') return;
  const add = soleReader(c, erf.outputs[0]!);
  const other = (q: OnnxNode, v: string) => (q.inputs[0] === v ? q.inputs[1] : q.inputs[0]);
  if (add?.opType !== 'Add' || c.view.numbers(other(add, erf.outputs[0]!) ?? '')?.join() !== '1') return;
  const mul = soleReader(c, add.outputs[0]!);
  if (mul?.opType !== 'Mul' || other(mul, add.outputs[0]!) !== x) return;
  const half = soleReader(c, mul.outputs[0]!);
  if (half?.opType !== 'Mul' || c.view.numbers(other(half, mul.outputs[0]!) ?? '')?.join() !== '0.5') return;
  return {
    kind: 'GELU',
    params: { approximate: 'none' },
    inputs: [{ port: 'in', value: x }],
    outputs: [{ port: 'out', value: half.outputs[0]! }],
    nodes: [n, erf, add, mul, half],
    weights: {},
    ...(modulePath(n) ? { name: modulePath(n)! } : {}),
  };
};

/** Add / Mul of two connected tensors of the same shape. */
const binary: Matcher = (n, c) => {
  if ((n.opType !== 'Add' && n.opType !== 'Mul') || n.inputs.length !== 2) return;
  const [a, b] = n.inputs;
  if (!isEdge(c, a) || !isEdge(c, b) || a === b) return;
  const ta = c.type(a!)!;
  const tb = c.type(b!)!;
  if (ta.dtype !== 'float32' || ta.shape.length !== tb.shape.length || ta.shape.some((d, i) => d !== tb.shape[i])) return;
  return {
    kind: n.opType === 'Add' ? 'Add' : 'Multiply',
    params: {},
    inputs: [{ port: 'a', value: a! }, { port: 'b', value: b! }],
    outputs: [{ port: 'out', value: n.outputs[0]! }],
    nodes: [n],
    weights: {},
    ...(modulePath(n) ? { name: modulePath(n)! } : {}),
  };
};

const concat: Matcher = (n, c) => {
  if (n.opType !== 'Concat' || !n.inputs.every((v) => isEdge(c, v))) return;
  const rank = c.type(n.inputs[0]!)!.shape.length;
  const axis = int(n, 'axis', 0);
  if ((axis < 0 ? axis + rank : axis) === 0) return;
  return { kind: 'Concat', params: { dim: axis }, inputs: n.inputs.map((v) => ({ port: 'in', value: v })), outputs: [{ port: 'out', value: n.outputs[0]! }], nodes: [n], weights: {} };
};

// ── shaping ─────────────────────────────────────────────────────────────────────────────

const reshape: Matcher = (n, c) => {
  if (n.opType !== 'Reshape' || !isEdge(c, n.inputs[0]) || int(n, 'allowzero', 0) !== 0) return;
  const shape = c.view.consts.get(n.inputs[1]!);
  if (!shape || shape.dims.length !== 1) return;
  const [first, ...rest] = shape.values;
  const x = c.type(n.inputs[0]!)!;
  // The batch must stay first: N itself, 0 (copy the input's dim 0), or −1 with every other dim fixed.
  const batchFirst = first === 'N' || first === 0 || (first === -1 && rest.every((d) => d !== -1 && d !== 'N'));
  if (!batchFirst || x.shape[0] !== 'N' || rest.some((d) => d === 'N' || d === 0)) return;
  if (rest.length === 0) return;
  return single(n, 'Reshape', { shape: rest as number[] }, {}, modulePath(n));
};

const transposeLayer: Matcher = (n, c) => {
  if (n.opType !== 'Transpose' || !isEdge(c, n.inputs[0])) return;
  const perm = ints(n, 'perm');
  if (!perm || perm[0] !== 0 || c.type(n.inputs[0]!)!.shape[0] !== 'N') return;
  return single(n, 'Permute', { dims: [...perm] }, {}, modulePath(n));
};

/** Gather of rows of a constant matrix by int64 ids: an embedding lookup. */
const embedding: Matcher = (n, c) => {
  if (n.opType !== 'Gather' || int(n, 'axis', 0) !== 0) return;
  const [data, ids] = n.inputs;
  const w = f32(c.view, data);
  if (!w || w.dims.length !== 2 || !isEdge(c, ids) || c.type(ids!)!.dtype !== 'int64') return;
  return {
    kind: 'Embedding',
    params: { num_embeddings: w.dims[0]!, embedding_dim: w.dims[1]! },
    inputs: [{ port: 'in', value: ids! }],
    outputs: [{ port: 'out', value: n.outputs[0]! }],
    nodes: [n],
    weights: { weight: w.data },
    ...(nameOf(n, data) ? { name: nameOf(n, data)! } : {}),
  };
};

/** Gather of one constant index along a non-batch axis: x[:, i]. */
const selectIndex: Matcher = (n, c) => {
  if (n.opType !== 'Gather' || !isEdge(c, n.inputs[0])) return;
  const idx = c.view.consts.get(n.inputs[1]!);
  if (!idx || idx.dims.length !== 0 || idx.values[0] === 'N') return;
  const x = c.type(n.inputs[0]!)!;
  const axis = int(n, 'axis', 0);
  const ax = axis < 0 ? axis + x.shape.length : axis;
  if (ax === 0 || x.shape[0] !== 'N') return;
  return single(n, 'SelectIndex', { dim: ax, index: idx.values[0]! }, {}, modulePath(n));
};

const reduce: Matcher = (n, c) => {
  const kinds: Record<string, string> = { ReduceMean: 'Mean', ReduceSum: 'Sum', ReduceMax: 'Max' };
  const kind = kinds[n.opType];
  if (!kind || !isEdge(c, n.inputs[0])) return;
  const axes = ints(n, 'axes') ?? (n.inputs[1] ? c.view.numbers(n.inputs[1]) : undefined);
  if (!axes || axes.length !== 1) return;
  const rank = c.type(n.inputs[0]!)!.shape.length;
  const ax = axes[0]! < 0 ? axes[0]! + rank : axes[0]!;
  if (ax === 0) return;
  return single(n, kind, { dim: ax, keepdim: int(n, 'keepdims', 1) === 1 }, {}, modulePath(n));
};

// ── normalisation ──────────────────────────────────────────────────────────────────────

const layerNorm: Matcher = (n, c) => {
  if (n.opType !== 'LayerNormalization' || n.outputs.length !== 1 || !isEdge(c, n.inputs[0])) return;
  const x = c.type(n.inputs[0]!)!;
  const axis = int(n, 'axis', -1);
  const dims = x.shape.length - (axis < 0 ? axis + x.shape.length : axis);
  const scale = f32(c.view, n.inputs[1]);
  const bias = f32(c.view, n.inputs[2]);
  if (!scale || dims < 1) return;
  return single(
    n,
    'LayerNorm',
    { normalized_dims: dims, eps: Math.fround(float(n, 'epsilon', 1e-5)), elementwise_affine: true, bias: !!bias },
    { weight: scale.data, ...(bias ? { bias: bias.data } : {}) },
    nameOf(n, n.inputs[1]),
  );
};

/**
 * The layer norm PyTorch exports below opset 17, over the last dimension:
 *   m = ReduceMean(x, [-1]); d = Sub(x, m); v = ReduceMean(Pow(d, 2), [-1]); y = Div(d, Sqrt(Add(v, eps)))
 *   out = Add(Mul(y, weight), bias)
 */
const decomposedLayerNorm: Matcher = (n, c) => {
  if (n.opType !== 'ReduceMean' || !isEdge(c, n.inputs[0])) return;
  const x = n.inputs[0]!;
  const rank = c.type(x)!.shape.length;
  const lastAxis = (node: OnnxNode) => {
    const axes = ints(node, 'axes') ?? (node.inputs[1] ? c.view.numbers(node.inputs[1]) : undefined);
    return axes?.length === 1 && (axes[0] === -1 || axes[0] === rank - 1) && int(node, 'keepdims', 1) === 1;
  };
  if (!lastAxis(n)) return;
  const sub = soleReader(c, n.outputs[0]!);
  if (sub?.opType !== 'Sub' || sub.inputs[0] !== x || sub.inputs[1] !== n.outputs[0]) return;
  const d = sub.outputs[0]!;
  const readers = c.view.readers(d);
  if (readers.length !== 2 || c.view.graphOutputs.has(d)) return;
  const pow = readers.find((r) => r.opType === 'Pow');
  const div = readers.find((r) => r.opType === 'Div');
  if (!pow || !div || c.view.numbers(pow.inputs[1]!)?.[0] !== 2) return;
  const mean2 = soleReader(c, pow.outputs[0]!);
  if (mean2?.opType !== 'ReduceMean' || !lastAxis(mean2)) return;
  const addEps = soleReader(c, mean2.outputs[0]!);
  const eps = addEps?.opType === 'Add' ? c.view.numbers(addEps.inputs[1]!)?.[0] : undefined;
  if (!addEps || eps === undefined) return;
  const sqrt = soleReader(c, addEps.outputs[0]!);
  if (sqrt?.opType !== 'Sqrt' || div.inputs[0] !== d || div.inputs[1] !== sqrt.outputs[0]) return;
  const mul = soleReader(c, div.outputs[0]!);
  const weight = mul?.opType === 'Mul' ? f32(c.view, mul.inputs[1]) : undefined;
  if (!mul || !weight) return;
  const addB = soleReader(c, mul.outputs[0]!);
  const bias = addB?.opType === 'Add' ? f32(c.view, addB.inputs[1]) : undefined;
  const nodes = [n, sub, pow, mean2, addEps, sqrt, div, mul, ...(bias ? [addB!] : [])];
  return {
    kind: 'LayerNorm',
    params: { normalized_dims: 1, eps: Math.fround(eps), elementwise_affine: true, bias: !!bias },
    inputs: [{ port: 'in', value: x }],
    outputs: [{ port: 'out', value: (bias ? addB! : mul).outputs[0]! }],
    nodes,
    weights: { weight: weight.data, ...(bias ? { bias: bias.data } : {}) },
    ...(nameOf(mul, mul.inputs[1]) ? { name: nameOf(mul, mul.inputs[1])! } : {}),
  };
};

// ── recurrent ───────────────────────────────────────────────────────────────────────────

/** Rows of an ONNX gate-stacked tensor [G·H, …] reordered into torch's gate order. */
function reorderGates(data: Float32Array, hidden: number, cols: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(data.length);
  const block = hidden * cols;
  order.forEach((from, to) => out.set(data.subarray(from * block, (from + 1) * block), to * block));
  return out;
}

const isZeroState = (c: MatchCtx, v: string | undefined): boolean => {
  if (!v) return true;
  const k = c.view.consts.get(v);
  if (k) return k.values.every((x) => x === 0);
  const p = c.view.producer.get(v);
  if (p?.opType !== 'ConstantOfShape') return false;
  const fill = p.attributes?.value;
  return !fill || (fill.type === 'tensor' && Array.from(fill.value.data as ArrayLike<number>).every((x) => Number(x) === 0));
};

/**
 * What PyTorch exports for a single-layer, unidirectional, batch_first LSTM or GRU with zero initial state:
 *   Transpose(x, [1, 0, 2]) → LSTM|GRU → Squeeze(Y, axis 1) → Transpose([1, 0, 2])
 * ONNX stacks the gates i, o, f, c (LSTM) and z, r, h (GRU); torch stacks i, f, g, o and r, z, n.
 */
const recurrent: Matcher = (n, c) => {
  if (n.opType !== 'Transpose' || !isEdge(c, n.inputs[0]) || ints(n, 'perm')?.join() !== '1,0,2') return;
  const cell = soleReader(c, n.outputs[0]!);
  if (!cell || (cell.opType !== 'LSTM' && cell.opType !== 'GRU')) return;
  const lstm = cell.opType === 'LSTM';
  if (!onlyAttrs(cell, ['hidden_size', 'direction', 'linear_before_reset', 'layout'])) return;
  if (str(cell, 'direction', 'forward') !== 'forward' || int(cell, 'layout', 0) !== 0) return;
  if (!lstm && int(cell, 'linear_before_reset', 0) !== 1) return;
  const [, wName, rName, bName, seqLens, h0, c0] = cell.inputs;
  if (seqLens || !isZeroState(c, h0) || !isZeroState(c, c0)) return;
  const W = f32(c.view, wName);
  const R = f32(c.view, rName);
  const B = f32(c.view, bName);
  if (!W || !R) return;
  const H = int(cell, 'hidden_size', R.dims[2]!);
  const F = W.dims[2]!;
  const Y = cell.outputs[0];
  if (!Y || cell.outputs.slice(1).some((o) => o && (c.view.readers(o).length > 0 || c.view.graphOutputs.has(o)))) return;
  const squeeze = soleReader(c, Y);
  if (squeeze?.opType !== 'Squeeze') return;
  const axes = ints(squeeze, 'axes') ?? (squeeze.inputs[1] ? c.view.numbers(squeeze.inputs[1]) : undefined);
  if (axes?.join() !== '1') return;
  const back = soleReader(c, squeeze.outputs[0]!);
  if (back?.opType !== 'Transpose' || ints(back, 'perm')?.join() !== '1,0,2') return;
  const order = lstm ? [0, 2, 3, 1] : [1, 0, 2];
  const G = order.length;
  const weights: Record<string, Float32Array> = {
    weight_ih_l0: reorderGates(W.data, H, F, order),
    weight_hh_l0: reorderGates(R.data, H, H, order),
  };
  if (B) {
    weights.bias_ih_l0 = reorderGates(B.data.subarray(0, G * H), H, 1, order);
    weights.bias_hh_l0 = reorderGates(B.data.subarray(G * H), H, 1, order);
  } else {
    weights.bias_ih_l0 = new Float32Array(G * H);
    weights.bias_hh_l0 = new Float32Array(G * H);
  }
  return {
    kind: lstm ? 'LSTM' : 'GRU',
    params: { hidden_size: H, num_layers: 1, bias: true, bidirectional: false, dropout: 0 },
    inputs: [{ port: 'in', value: n.inputs[0]! }],
    outputs: [{ port: 'out', value: back.outputs[0]! }],
    // The zero initial states (and the shape arithmetic behind them) are no longer read and are dropped.
    nodes: [n, cell, squeeze, back],
    weights,
    ...(modulePath(cell) ? { name: modulePath(cell)! } : {}),
  };
};

// ── transformer ─────────────────────────────────────────────────────────────────────────

/** Operators a PyTorch nn.TransformerEncoderLayer export consists of (with its shape arithmetic). */
const ENCODER_OPS = new Set([
  'Transpose', 'Shape', 'Gather', 'Div', 'Cast', 'MatMul', 'Add', 'Slice', 'Mul', 'Unsqueeze', 'Concat', 'Reshape',
  'Softmax', 'Gemm', 'ReduceMean', 'Sub', 'Pow', 'Sqrt', 'LayerNormalization', 'Relu', 'Erf', 'Identity', 'Squeeze',
]);

/** Scale (weight), shift (bias) and eps of a layer norm exported as LayerNormalization or as the decomposed ops. */
function normIn(c: MatchCtx, nodes: readonly OnnxNode[]): { weight: Float32Array; bias?: Float32Array; eps: number; input: string; output: string } | undefined {
  const ln = nodes.find((n) => n.opType === 'LayerNormalization');
  if (ln) {
    const weight = f32(c.view, ln.inputs[1]);
    if (!weight || int(ln, 'axis', -1) !== -1) return;
    const bias = f32(c.view, ln.inputs[2]);
    return { weight: weight.data, ...(bias ? { bias: bias.data } : {}), eps: Math.fround(float(ln, 'epsilon', 1e-5)), input: ln.inputs[0]!, output: ln.outputs[0]! };
  }
  const first = nodes.find((n) => n.opType === 'ReduceMean');
  if (!first) return;
  const m = decomposedLayerNorm(first, c);
  if (!m || m.nodes.length !== nodes.length || !m.nodes.every((x) => nodes.includes(x))) return;
  return { weight: m.weights.weight!, ...(m.weights.bias ? { bias: m.weights.bias } : {}), eps: m.params.eps as number, input: m.inputs[0]!.value, output: m.outputs[0]!.value };
}

/** A Linear inside the layer: MatMul by a constant [in, out] and the Add of a constant bias. */
function linearIn(c: MatchCtx, nodes: readonly OnnxNode[]): { weight: Float32Array; bias?: Float32Array; input: string; output: string } | undefined {
  const mm = nodes.find((n) => n.opType === 'MatMul' || n.opType === 'Gemm');
  if (!mm) return;
  const m = mm.opType === 'Gemm' ? gemm(mm, c) : matmulAdd(mm, c);
  if (!m || !m.nodes.every((x) => nodes.includes(x))) return;
  return { weight: m.weights.weight!, ...(m.weights.bias ? { bias: m.weights.bias } : {}), input: m.inputs[0]!.value, output: m.outputs[0]!.value };
}

/**
 * A whole nn.TransformerEncoderLayer (batch_first, no mask) as PyTorch exports it, recognised by the module path
 * PyTorch writes into node names (`/encoder/layers.0/self_attn/…`) and checked by role: the packed input projection,
 * the output projection, linear1 → ReLU or GELU → linear2, norm1 and norm2, and where the residual additions sit
 * (post-norm or pre-norm). The heads follow from the 1/√head_dim scaling of the queries. Anything else in the
 * region (a mask, another operator, a second input) and the layer is not recognised.
 */
const transformerEncoderLayer: Matcher = (n, c) => {
  const path = modulePath(n);
  const sub = path?.match(/^(.+)\.(self_attn|norm1)$/);
  if (!sub) return;
  const prefix = sub[1]!;
  const inside = (q: OnnxNode) => {
    const p = modulePath(q) ?? '';
    return p === prefix || p.startsWith(`${prefix}.`);
  };
  const region = c.view.order.filter((q) => inside(q) && q.opType !== 'Constant');
  if (region[0] !== n || region.some((q) => !ENCODER_OPS.has(q.opType) || (q.domain ?? '') !== '')) return;
  const produced = new Set(region.flatMap((q) => q.outputs));
  // One value comes in from outside (x), and one leaves: the layer's output.
  const entering = new Set(region.flatMap((q) => q.inputs.filter((v) => v && !produced.has(v) && !c.view.isConst(v))));
  if (entering.size !== 1) return;
  const x = [...entering][0]!;
  const xt = c.type(x);
  if (!isEdge(c, x) || !xt || xt.shape.length !== 3 || xt.shape[0] !== 'N') return;
  const leaving = [...produced].filter((v) => c.view.graphOutputs.has(v) || c.view.readers(v).some((r) => !region.includes(r)));
  if (leaving.length !== 1) return;
  const at = (sub: string) => region.filter((q) => modulePath(q) === `${prefix}.${sub}`);
  // Values inside the layer have no types yet; the sub-patterns only need their rank, that of x.
  const ic: MatchCtx = { view: c.view, type: (v) => c.type(v) ?? (produced.has(v) ? xt : undefined) };
  const attn = at('self_attn');
  const norm1 = normIn(ic, at('norm1'));
  const norm2 = normIn(ic, at('norm2'));
  const lin1 = linearIn(ic, at('linear1'));
  const lin2 = linearIn(ic, at('linear2'));
  if (!norm1 || !norm2 || !lin1 || !lin2) return;
  const e = xt.shape[2] as number;
  const ff = lin1.weight.length / e;
  // In-projection: MatMul by [E, 3E] (+ bias); out-projection: Gemm by [E, E] or MatMul (+ bias).
  const inMm = attn.find((q) => q.opType === 'MatMul' && f32(c.view, q.inputs[1])?.dims.join() === `${e},${3 * e}`);
  const inProj = inMm ? matmulAdd(inMm, ic) : undefined;
  const outNode = attn.find((q) => q.opType === 'Gemm' || (q.opType === 'MatMul' && f32(c.view, q.inputs[1])?.dims.join() === `${e},${e}`));
  const outProj = outNode ? (outNode.opType === 'Gemm' ? gemm(outNode, ic) : matmulAdd(outNode, ic)) : undefined;
  if (!inProj || !outProj || !inProj.weights.bias || !outProj.weights.bias) return;
  // No mask: the scores go straight from the MatMul into the Softmax.
  const softmax = attn.filter((q) => q.opType === 'Softmax');
  if (softmax.length !== 1 || c.view.producer.get(softmax[0]!.inputs[0]!)?.opType !== 'MatMul') return;
  const scale = attn.map((q) => (q.opType === 'Div' ? c.view.numbers(q.inputs[1]!) : undefined)).find((v) => v?.length === 1 && v[0]! > 1 && !Number.isInteger(v[0]));
  const headDim = scale ? Math.round(scale[0]! * scale[0]!) : undefined;
  if (!headDim || e % headDim !== 0 || Math.abs(Math.fround(Math.sqrt(headDim)) - scale![0]!) > 1e-6) return;
  const ownOps = region.filter((q) => modulePath(q) === prefix);
  const activation = ownOps.some((q) => q.opType === 'Relu') ? 'relu' : ownOps.some((q) => q.opType === 'Erf') ? 'gelu' : undefined;
  if (!activation || norm1.eps !== norm2.eps) return;
  // Post-norm: norm1 reads x + attention and the layer ends with norm2. Pre-norm: norm1 reads x itself.
  const normFirst = norm1.input === x;
  if (!normFirst && (c.view.producer.get(norm1.input)?.opType !== 'Add' || leaving[0] !== norm2.output)) return;
  if (normFirst && c.view.producer.get(leaving[0]!)?.opType !== 'Add') return;
  const w: Record<string, Float32Array> = {
    'self_attn.in_proj_weight': inProj.weights.weight!,
    'self_attn.in_proj_bias': inProj.weights.bias,
    'self_attn.out_proj.weight': outProj.weights.weight!,
    'self_attn.out_proj.bias': outProj.weights.bias,
    'linear1.weight': lin1.weight,
    'linear2.weight': lin2.weight,
    'norm1.weight': norm1.weight,
    'norm2.weight': norm2.weight,
  };
  const parts = [lin1.bias, lin2.bias, norm1.bias, norm2.bias];
  const bias = parts.every((b) => b !== undefined);
  if (!bias && parts.some((b) => b !== undefined)) return;
  if (bias) Object.assign(w, { 'linear1.bias': lin1.bias, 'linear2.bias': lin2.bias, 'norm1.bias': norm1.bias, 'norm2.bias': norm2.bias });
  return {
    kind: 'TransformerEncoderLayer',
    params: { nhead: e / headDim, dim_feedforward: ff, dropout: 0, activation, layer_norm_eps: norm1.eps, norm_first: normFirst, bias, causal: false },
    inputs: [{ port: 'in', value: x }],
    outputs: [{ port: 'out', value: leaving[0]! }],
    nodes: region,
    weights: w,
    name: prefix,
  };
};

/** In the order tried: multi-node patterns before the single-node ones they contain. */
export const MATCHERS: readonly Matcher[] = [
  transformerEncoderLayer,
  recurrent,
  decomposedLayerNorm,
  gelu,
  gemm,
  matmulAdd,
  conv,
  convTranspose,
  maxPool,
  avgPool,
  globalAvgPool,
  batchNorm,
  layerNorm,
  activation,
  binary,
  concat,
  reshape,
  transposeLayer,
  embedding,
  selectIndex,
  reduce,
];
