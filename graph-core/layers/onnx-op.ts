/**
 * An ONNX operator that no catalogue layer stands for, kept from an imported model so that nothing is lost:
 * op type, domain, attributes and constant inputs are stored in the node and exported back as the identical
 * ONNX node.
 *
 * Params (all text; JSON where structured):
 *   op_type, domain   the operator, e.g. "Erf" in the default domain ""
 *   attributes        {"name": {"type": "int" | "float" | "ints" | "floats" | "string" | "tensor", "value": …}}
 *   inputs            the ONNX input slots in order: "in" takes the next connection of the `in` port, null
 *                     leaves an optional input empty,
 *                     {"weight": name, "shape": […], "dtype": …} a tensor kept in the weights file,
 *                     {"const": {"dtype", "dims", "values"}} a small constant kept inline
 *   outputs           [{"shape": ["N", …], "dtype": …}], the types the model declared or the importer inferred
 *
 * Shape rule: elementwise operators follow their input (unary) or the broadcast of their inputs, so editing
 * the graph upstream keeps working; any other operator uses the stored output types. No gradient: a graph
 * with trainable weights before an OnnxOp cannot be trained (diagnostic ONNX_OP_NOT_TRAINABLE).
 *
 * PyTorch: none (the operator's torch.onnx export) · ONNX: the operator itself
 */
import { defineLayer, fail, ok, type ShapeResult, type WeightSpec } from '../define-layer';
import { diag, type Diagnostic } from '../diagnostics';
import type { V } from '../ir/builder';
import type { OnnxOpAttr } from '../ir/ops/onnx-op';
import { p } from '../params';
import type { ShapedGraph } from '../passes/infer-shapes';
import { broadcastAll, type DType, type TensorType } from '../shape';

export type OnnxOpSlot =
  | 'in'
  | null
  | { readonly weight: string; readonly shape: readonly number[]; readonly dtype: 'float32' | 'int64' }
  | { readonly const: { readonly dtype: 'float32' | 'int64'; readonly dims: readonly number[]; readonly values: readonly number[] } };

/** Output port names, in ONNX output order. */
export const ONNX_OP_OUTPUTS = ['out', 'out1', 'out2', 'out3', 'out4', 'out5', 'out6', 'out7'] as const;

/** Operators whose single output has the type of their first input. */
const UNARY = new Set([
  'Abs', 'Acos', 'Acosh', 'Asin', 'Asinh', 'Atan', 'Atanh', 'Ceil', 'Celu', 'Cos', 'Cosh', 'Elu', 'Erf', 'Exp', 'Floor',
  'HardSigmoid', 'HardSwish', 'Hardmax', 'Identity', 'LeakyRelu', 'Log', 'LogSoftmax', 'Mish', 'Neg', 'Reciprocal',
  'Relu', 'Round', 'Selu', 'Shrink', 'Sigmoid', 'Sign', 'Sin', 'Sinh', 'Softmax', 'Softplus', 'Softsign', 'Sqrt',
  'Tan', 'Tanh', 'ThresholdedRelu', 'Clip', 'CumSum', 'LpNormalization',
]);
/** Elementwise operators with NumPy broadcasting; comparisons give bool. */
const BROADCAST = new Set(['Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'PRelu', 'Mod', 'BitShift']);
const COMPARISON = new Set(['Equal', 'Greater', 'Less', 'GreaterOrEqual', 'LessOrEqual', 'And', 'Or', 'Xor']);

const TEXT_JSON = 'valid JSON';

interface Parsed {
  readonly attributes: Readonly<Record<string, OnnxOpAttr>>;
  readonly slots: readonly OnnxOpSlot[];
  readonly outputs: readonly TensorType[];
}

type ParseResult = { ok: true; value: Parsed } | { ok: false; param: string; problem: string };

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; problem: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    return { ok: false, problem: `is not ${TEXT_JSON} (${(e as Error).message.split('\n')[0]})` };
  }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInts = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => Number.isInteger(x));
const isNums = (v: unknown): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
const DTYPES = new Set<DType>(['float32', 'int64', 'bool']);

function parseParams(q: { attributes: string; inputs: string; outputs: string }): ParseResult {
  const a = parseJson(q.attributes);
  if (!a.ok) return { ok: false, param: 'attributes', problem: a.problem };
  if (!isObj(a.value)) return { ok: false, param: 'attributes', problem: 'must be a JSON object of attributes' };
  for (const [k, v] of Object.entries(a.value)) {
    if (!isObj(v) || typeof v.type !== 'string' || !('value' in v)) return { ok: false, param: 'attributes', problem: `entry "${k}" needs a type and a value` };
  }
  const i = parseJson(q.inputs);
  if (!i.ok) return { ok: false, param: 'inputs', problem: i.problem };
  if (!Array.isArray(i.value)) return { ok: false, param: 'inputs', problem: 'must be a JSON list of input slots' };
  for (const s of i.value) {
    const good =
      s === 'in' ||
      s === null ||
      (isObj(s) && typeof s.weight === 'string' && isInts(s.shape) && (s.dtype === 'float32' || s.dtype === 'int64')) ||
      (isObj(s) && isObj(s.const) && isInts(s.const.dims) && isNums(s.const.values) && (s.const.dtype === 'float32' || s.const.dtype === 'int64'));
    if (!good) return { ok: false, param: 'inputs', problem: `has a slot that is neither "in", a weight nor a constant: ${JSON.stringify(s)}` };
  }
  const o = parseJson(q.outputs);
  if (!o.ok) return { ok: false, param: 'outputs', problem: o.problem };
  if (!Array.isArray(o.value) || o.value.length > ONNX_OP_OUTPUTS.length)
    return { ok: false, param: 'outputs', problem: `must be a JSON list of at most ${ONNX_OP_OUTPUTS.length} output types` };
  for (const t of o.value) {
    if (!isObj(t) || !Array.isArray(t.shape) || !t.shape.every((d) => d === 'N' || (Number.isInteger(d) && (d as number) >= 0)) || !DTYPES.has(t.dtype as DType))
      return { ok: false, param: 'outputs', problem: `has an entry that is not {"shape": [...], "dtype": "float32" | "int64" | "bool"}: ${JSON.stringify(t)}` };
  }
  return {
    ok: true,
    value: { attributes: a.value as Record<string, OnnxOpAttr>, slots: i.value as OnnxOpSlot[], outputs: o.value as TensorType[] },
  };
}


/** The output types of the operator given the types arriving on `in` (in connection order). */
function outputTypes(opType: string, parsed: Parsed, arriving: readonly TensorType[]): { ok: true; types: TensorType[] } | { ok: false; result: ShapeResult } {
  const edges = parsed.slots.filter((s) => s === 'in').length;
  if (edges !== arriving.length)
    return { ok: false, result: fail('BAD_PARAM', { param: 'inputs', problem: `names ${edges} connected input${edges === 1 ? '' : 's'}, but ${arriving.length} ${arriving.length === 1 ? 'is' : 'are'} connected` }) };
  let e = 0;
  const slotTypes: TensorType[] = parsed.slots.flatMap((s): TensorType[] => {
    if (s === null) return [];
    if (s === 'in') return [arriving[e++]!];
    if ('weight' in s) return [{ shape: s.shape, dtype: s.dtype }];
    return [{ shape: s.const.dims, dtype: s.const.dtype }];
  });
  const first = slotTypes[0];
  if (first && parsed.slots[0] === 'in' && UNARY.has(opType)) return { ok: true, types: [first] };
  if (first && slotTypes.length >= 2 && (BROADCAST.has(opType) || COMPARISON.has(opType))) {
    const shape = broadcastAll(slotTypes.map((t) => t.shape));
    if (!shape) return { ok: false, result: fail('SHAPE_MISMATCH', { port: 'in', expected: 'shapes that broadcast together', got: slotTypes[1]!.shape }, { port: 'in' }) };
    return { ok: true, types: [{ shape, dtype: COMPARISON.has(opType) ? 'bool' : first.dtype }] };
  }
  if (parsed.outputs.length === 0)
    return { ok: false, result: fail('BAD_PARAM', { param: 'outputs', problem: `gives no output types, and Layerloom has no shape rule for ${opType}` }) };
  return { ok: true, types: [...parsed.outputs] };
}

export const OnnxOp = defineLayer({
  kind: 'OnnxOp',
  category: 'shaping',
  doc: {
    summary:
      'An ONNX operator kept from an imported model: it exports back unchanged. It has no gradient, so the ' +
      'layers before it cannot be trained.',
    formula: 'out = the ONNX operator applied to its inputs and constants',
    onnx: 'any operator of the default domain',
    lecture: 'Interchange: importing ONNX models',
  },
  params: {
    op_type: p.text({ default: 'Identity', pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, patternDoc: 'an ONNX operator name such as "Erf"', doc: 'The ONNX operator type.' }),
    domain: p.text({ default: '', pattern: /^(ai\.onnx)?$/, patternDoc: 'the default domain ("" or "ai.onnx")', doc: 'The operator set domain; empty for the default ONNX domain.' }),
    attributes: p.text({ default: '{}', doc: 'The operator attributes, as JSON: {"name": {"type": "int", "value": 1}}.' }),
    inputs: p.text({ default: '["in"]', doc: 'The operator inputs in order, as JSON: "in" for the next connection, or a weight or constant.' }),
    outputs: p.text({ default: '[]', doc: 'The output types as JSON [{"shape": ["N", 3], "dtype": "float32"}]; elementwise operators infer them.' }),
  },
  inputs: { in: { doc: 'The tensors the operator reads, in connection order.', dtype: 'any', variadic: true, optional: true } },
  outputs: Object.fromEntries(ONNX_OP_OUTPUTS.map((name, k) => [name, { doc: k === 0 ? 'The first output.' : `Output ${k + 1}.` }])),
  inferShape: ({ params: q, variadic, dtypes }) => {
    const parsed = parseParams(q);
    if (!parsed.ok) return fail('BAD_PARAM', { param: parsed.param, problem: parsed.problem });
    const arriving: TensorType[] = (variadic.in ?? []).map((shape, k) => ({ shape, dtype: dtypeAt(dtypes, k) }));
    const r = outputTypes(q.op_type, parsed.value, arriving);
    if (!r.ok) return r.result;
    return ok(Object.fromEntries(r.types.map((t, k) => [ONNX_OP_OUTPUTS[k]!, t])));
  },
  weights: ({ params: q }) => {
    const parsed = parseParams(q);
    const out: Record<string, WeightSpec> = {};
    if (!parsed.ok) return out;
    for (const s of parsed.value.slots)
      if (s !== 'in' && s !== null && 'weight' in s) out[s.weight] = { shape: s.shape, init: { constant: 0 }, trainable: false, dtype: s.dtype };
    return out;
  },
  lower: ({ ir, params: q, xs, w, out }) => {
    const parsed = parseParams(q);
    if (!parsed.ok) throw new Error(`OnnxOp: ${parsed.param} ${parsed.problem}`);
    const edges = xs.in ?? [];
    let e = 0;
    const inputs: V[] = [];
    const slots = parsed.value.slots.map((s) => {
      if (s === null) return -1;
      inputs.push(s === 'in' ? edges[e++]! : 'weight' in s ? w[s.weight]! : ir.tensor(s.const.dims, s.const.values, s.const.dtype));
      return inputs.length - 1;
    });
    const types = outputTypes(q.op_type, parsed.value, edges.map((v) => v.type));
    if (!types.ok) throw new Error(`OnnxOp ${q.op_type}: its types cannot be inferred`);
    const outputs = types.types.map((t, k) => ({ shape: out[ONNX_OP_OUTPUTS[k]!] ?? t.shape, dtype: t.dtype }));
    const vs = ir.opN('OnnxOp', inputs, {
      op_type: q.op_type,
      domain: q.domain,
      attributes: parsed.value.attributes,
      outputs,
      ...(slots.includes(-1) ? { slots } : {}),
    });
    return Object.fromEntries(vs.map((v, k) => [ONNX_OP_OUTPUTS[k]!, v]));
  },
});

/** The element type of the k-th connection of `in` (the infer pass names variadic dtypes `<port>.<index>`). */
function dtypeAt(dtypes: Readonly<Record<string, DType>>, k: number): DType {
  return dtypes[`in.${k}`] ?? 'float32';
}

/**
 * OnnxOp nodes that sit after trainable weights: training would need their gradient, which Layerloom does
 * not have. One error per such node, for the train command and the app to show before building a step.
 */
export function onnxOpTrainingBlockers(shaped: ShapedGraph): Diagnostic[] {
  const parents = new Map<string, string[]>();
  for (const e of shaped.edges) (parents.get(e.to.node) ?? parents.set(e.to.node, []).get(e.to.node)!).push(e.from.node);
  const trained = new Map<string, boolean>();
  const hasTrainedAncestor = (id: string): boolean => {
    const known = trained.get(id);
    if (known !== undefined) return known;
    trained.set(id, false);
    const r = (parents.get(id) ?? []).some((p) => (shaped.info.get(p)?.paramCount ?? 0) > 0 || hasTrainedAncestor(p));
    trained.set(id, r);
    return r;
  };
  const out: Diagnostic[] = [];
  for (const id of shaped.order) {
    const info = shaped.info.get(id);
    if (info?.kind !== 'OnnxOp' || !hasTrainedAncestor(id)) continue;
    out.push(diag('ONNX_OP_NOT_TRAINABLE', { op: String(info.params.op_type) }, { node: id }));
  }
  return out;
}
