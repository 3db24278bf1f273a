/**
 * IR → ONNX model (plain data; encode.ts turns it into bytes). Op names are already ONNX op types, so this
 * mostly names values, turns IR attributes into ONNX attributes and constant inputs, and declares graph
 * inputs and outputs with full shapes (the batch as the dim_param N).
 */
import { getOp, type DType, type IrGraph, type OnnxConstInput, type OnnxMapping, type TensorType } from '../../graph-core';
import type { OnnxDataType, OnnxModel, OnnxNode, OnnxTensor, OnnxValueInfo } from './model';

export const DEFAULT_OPSET = 17;
export const DEFAULT_IR_VERSION = 8;

export interface IrToOnnxOptions {
  readonly name: string;
  /** Weight values by parameter name (`<node id>.<torch name>`). */
  readonly weights: ReadonlyMap<string, Float32Array>;
  readonly opset?: number;
  readonly docString?: string;
  readonly producerVersion?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  /**
   * Weights become graph inputs instead of initializers (train-step graphs take the current weights as
   * inputs and return the updated ones). `weights` is then not needed.
   */
  readonly paramsAsInputs?: boolean;
}

const ONNX_DTYPE: Record<DType, OnnxDataType> = { float32: 'float32', int64: 'int64', bool: 'bool' };

function valueInfo(name: string, t: TensorType): OnnxValueInfo {
  return { name, elemType: ONNX_DTYPE[t.dtype], shape: t.shape.map((d) => (d === 'N' ? 'N' : d)) };
}

function tensorOf(name: string, dtype: DType, dims: readonly number[], values: ArrayLike<number>): OnnxTensor {
  if (dtype === 'int64') return { name, dataType: 'int64', dims, data: BigInt64Array.from(Array.from(values, (v) => BigInt(Math.trunc(v)))) };
  if (dtype === 'bool') return { name, dataType: 'bool', dims, data: Uint8Array.from(values) };
  return { name, dataType: 'float32', dims, data: values instanceof Float32Array ? values : Float32Array.from(values) };
}

function constTensor(name: string, c: OnnxConstInput): OnnxTensor {
  return tensorOf(name, c.dtype, c.dims, c.values);
}

/**
 * Drops ops (and constants) whose results reach no graph output: gradient rules build a gradient for every
 * input of an op, including inputs nothing is trained on, and this keeps those out of the exported file.
 */
export function pruneIr(g: IrGraph): IrGraph {
  const live = new Set<number>(g.outputs.map((o) => o.value));
  const kept: IrGraph['nodes'][number][] = [];
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (!n.outputs.some((v) => live.has(v))) continue;
    kept.push(n);
    for (const v of n.inputs) live.add(v);
  }
  kept.reverse();
  return { ...g, nodes: kept, constants: g.constants.filter((c) => live.has(c.value)) };
}

export function irToOnnx(graph: IrGraph, o: IrToOnnxOptions): OnnxModel {
  const g = pruneIr(graph);
  const names = new Map<number, string>();
  const initializers: OnnxTensor[] = [];
  const nodes: OnnxNode[] = [];

  for (const i of g.inputs) names.set(i.value, i.name);
  for (const p of g.params) {
    names.set(p.value, p.name);
    if (o.paramsAsInputs) continue;
    const data = o.weights.get(p.name);
    if (!data) throw new Error(`no value for weight ${p.name}`);
    initializers.push(tensorOf(p.name, p.spec.dtype ?? 'float32', p.spec.shape, data));
  }
  g.constants.forEach((c, k) => {
    const name = `const_${k}`;
    names.set(c.value, name);
    initializers.push(tensorOf(name, c.tensor.dtype, c.tensor.shape, c.tensor.data));
  });

  // Graph outputs take the name of the value that produces them, unless that value is also an input, a
  // weight, a constant or another output: then an Identity gives the output its own name.
  const outputFor = new Map<number, string>();
  const extraIdentities: { from: number; name: string }[] = [];
  for (const out of g.outputs) {
    if (names.has(out.value) || outputFor.has(out.value)) extraIdentities.push({ from: out.value, name: out.name });
    else outputFor.set(out.value, out.name);
  }

  for (const n of g.nodes) {
    const def = getOp(n.op)!;
    n.outputs.forEach((id, k) => names.set(id, outputFor.get(id) ?? (n.outputs.length === 1 ? n.name : `${n.name}:${k}`)));
    const inTypes = n.inputs.map((id) => g.values[id]!.type);
    const mapping = (def.toOnnx as (a: unknown, t: readonly TensorType[]) => OnnxMapping)(n.attrs, inTypes);
    const inputs = (mapping.inputs ?? n.inputs.map((_, k) => k)).map((k) => (k < 0 ? '' : names.get(n.inputs[k]!)!));
    (mapping.constInputs ?? []).forEach((c, k) => {
      if (c === null) {
        inputs.push('');
        return;
      }
      const name = `${n.name}/arg${k}`;
      initializers.push(constTensor(name, c));
      inputs.push(name);
    });
    while (inputs.length && inputs[inputs.length - 1] === '') inputs.pop();
    nodes.push({
      name: n.name,
      opType: mapping.opType,
      ...(mapping.domain ? { domain: mapping.domain } : {}),
      inputs,
      outputs: n.outputs.map((id) => names.get(id)!),
      ...(mapping.attributes ? { attributes: mapping.attributes } : {}),
    });
  }
  for (const x of extraIdentities) nodes.push({ name: `${x.name}/Identity`, opType: 'Identity', inputs: [names.get(x.from)!], outputs: [x.name] });

  const typeOf = (id: number) => g.values[id]!.type;
  return {
    irVersion: DEFAULT_IR_VERSION,
    opsetImports: [{ domain: '', version: o.opset ?? DEFAULT_OPSET }],
    producerName: 'Layerloom',
    producerVersion: o.producerVersion ?? '0.1.0',
    ...(o.docString ? { docString: o.docString } : {}),
    ...(o.metadata ? { metadata: o.metadata } : {}),
    graph: {
      name: o.name,
      nodes,
      inputs: [
        ...g.inputs.map((i) => valueInfo(i.name, typeOf(i.value))),
        ...(o.paramsAsInputs ? g.params.map((p) => valueInfo(p.name, typeOf(p.value))) : []),
      ],
      outputs: g.outputs.map((x) => valueInfo(x.name, typeOf(x.value))),
      initializers,
    },
  };
}

