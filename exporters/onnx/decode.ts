/**
 * `decodeModel`: ONNX protobuf bytes to an `OnnxModel`.
 *
 * Parsing uses the static protobufjs code in proto/onnx.generated.js (no reflection, so no Function() and no
 * eval under a strict Content-Security-Policy); this file converts its message objects to the plain types.
 * int64 fields become numbers (an error if a value is not a safe integer), tensor data is read from raw_data or
 * from float_data/int32_data/int64_data/double_data. Anything not understood, from truncated bytes to an element
 * type Layerloom has no type for, throws an `OnnxFormatError` with a one-line message.
 */
import { decodeUtf8 } from '../utf8';
import { fromLittleEndianBytes, type NumericArray } from '../typed-bytes';
import {
  ONNX_DATA_TYPE_CODES,
  ONNX_DATA_TYPE_SIZES,
  type OnnxAttribute,
  type OnnxDataType,
  type OnnxFunction,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model';
import { onnx } from './proto/onnx.generated.js';

/** The bytes are not an ONNX model this reader understands; the message is one line saying what and where. */
export class OnnxFormatError extends Error {
  constructor(message: string) {
    super(message.replace(/\s+/g, ' ').trim());
    this.name = 'OnnxFormatError';
  }
}

type Int64 = number | { readonly low: number; readonly high: number; readonly unsigned?: boolean };
type Tensor = onnx.TensorProto.$Properties;
type ValueInfo = onnx.ValueInfoProto.$Properties;
type Node = onnx.NodeProto.$Properties;
type Attribute = onnx.AttributeProto.$Properties;
type Graph = onnx.GraphProto.$Properties;
type Func = onnx.FunctionProto.$Properties;
type Opset = onnx.OperatorSetIdProto.$Properties;

const DATA_TYPE_BY_CODE = new Map<number, OnnxDataType>(
  (Object.entries(ONNX_DATA_TYPE_CODES) as [OnnxDataType, number][]).map(([name, code]) => [code, name]),
);
const AttributeType = onnx.AttributeProto.AttributeType;

export function decodeModel(bytes: Uint8Array): OnnxModel {
  if (!(bytes instanceof Uint8Array)) throw new OnnxFormatError('expected the bytes of an ONNX file (a Uint8Array)');
  let proto: onnx.ModelProto.$Properties;
  try {
    proto = onnx.ModelProto.decode(bytes);
  } catch (e) {
    throw new OnnxFormatError(`not a valid ONNX file: ${describeProtobufError(e)}`);
  }
  if (!has(proto, 'irVersion')) throw new OnnxFormatError('not an ONNX model: ir_version is missing (truncated file or not ONNX?)');
  if (!proto.graph) throw new OnnxFormatError('not an ONNX model: it has no graph (truncated file or not ONNX?)');
  if ((proto.trainingInfo ?? []).length > 0) throw new OnnxFormatError('the model has training_info, which Layerloom does not read');
  const functions = (proto.functions ?? []).map(toFunction);
  const metadata = toMetadata(proto.metadataProps ?? []);
  return {
    irVersion: toNumber(proto.irVersion ?? 0, 'ir_version'),
    opsetImports: (proto.opsetImport ?? []).map(toOpset),
    producerName: proto.producerName ?? '',
    producerVersion: proto.producerVersion ?? '',
    graph: toGraph(proto.graph, 'the graph'),
    ...(functions.length > 0 ? { functions } : {}),
    ...(metadata ? { metadata } : {}),
    ...(has(proto, 'docString') ? { docString: proto.docString ?? '' } : {}),
  };
}

function toOpset(op: Opset): { domain: string; version: number } {
  return { domain: op.domain ?? '', version: toNumber(op.version ?? 0, `opset version of domain '${op.domain ?? ''}'`) };
}

function toMetadata(entries: readonly onnx.StringStringEntryProto.$Properties[]): Record<string, string> | undefined {
  if (entries.length === 0) return undefined;
  const out: Record<string, string> = {};
  for (const e of entries) {
    const key = e.key ?? '';
    if (Object.prototype.hasOwnProperty.call(out, key)) throw new OnnxFormatError(`metadata key '${key}' appears twice`);
    out[key] = e.value ?? '';
  }
  return out;
}

function toGraph(g: Graph, where: string): OnnxGraph {
  if ((g.sparseInitializer ?? []).length > 0) throw new OnnxFormatError(`${where} has sparse initializers, which Layerloom does not read`);
  const valueInfo = (g.valueInfo ?? []).map(toValueInfo);
  return {
    name: g.name ?? '',
    nodes: (g.node ?? []).map(toNode),
    inputs: (g.input ?? []).map(toValueInfo),
    outputs: (g.output ?? []).map(toValueInfo),
    initializers: (g.initializer ?? []).map((t) => toTensor(t, `initializer '${t.name ?? ''}'`)),
    ...(valueInfo.length > 0 ? { valueInfo } : {}),
    ...(has(g, 'docString') ? { docString: g.docString ?? '' } : {}),
  };
}

function toFunction(f: Func): OnnxFunction {
  const attributes = [...(f.attribute ?? [])];
  return {
    name: f.name ?? '',
    domain: f.domain ?? '',
    inputs: [...(f.input ?? [])],
    outputs: [...(f.output ?? [])],
    nodes: (f.node ?? []).map(toNode),
    opsetImports: (f.opsetImport ?? []).map(toOpset),
    ...(attributes.length > 0 ? { attributes } : {}),
  };
}

function toNode(n: Node): OnnxNode {
  const name = n.name ?? '';
  const attributes: Record<string, OnnxAttribute> = {};
  for (const a of n.attribute ?? []) {
    const attrName = a.name ?? '';
    const where = `attribute '${attrName}' of node '${name}'`;
    if (Object.prototype.hasOwnProperty.call(attributes, attrName)) throw new OnnxFormatError(`${where} appears twice`);
    attributes[attrName] = toAttribute(a, where);
  }
  return {
    name,
    opType: n.opType ?? '',
    ...(has(n, 'domain') ? { domain: n.domain ?? '' } : {}),
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    ...(Object.keys(attributes).length > 0 ? { attributes } : {}),
    ...(has(n, 'docString') ? { docString: n.docString ?? '' } : {}),
  };
}

function toAttribute(a: Attribute, where: string): OnnxAttribute {
  if (a.refAttrName) throw new OnnxFormatError(`${where} refers to a function attribute (ref_attr_name), which Layerloom does not read`);
  switch (a.type) {
    case AttributeType.FLOAT:
      return { type: 'float', value: a.f ?? 0 };
    case AttributeType.INT:
      return { type: 'int', value: toNumber(a.i ?? 0, where) };
    case AttributeType.STRING: {
      const value = decodeUtf8(a.s ?? new Uint8Array(0));
      if (value === undefined) throw new OnnxFormatError(`${where} is not valid UTF-8`);
      return { type: 'string', value };
    }
    case AttributeType.TENSOR:
      if (!a.t) throw new OnnxFormatError(`${where} is a tensor attribute without a tensor`);
      return { type: 'tensor', value: toTensor(a.t, where) };
    case AttributeType.FLOATS:
      return { type: 'floats', value: [...(a.floats ?? [])] };
    case AttributeType.INTS:
      return { type: 'ints', value: (a.ints ?? []).map((v) => toNumber(v, where)) };
    case undefined:
    case null:
    case AttributeType.UNDEFINED:
      throw new OnnxFormatError(`${where} has no type`);
    default:
      throw new OnnxFormatError(`${where} has type ${AttributeType[a.type] ?? a.type}, which Layerloom does not read`);
  }
}

function toTensor(t: Tensor, where: string): OnnxTensor {
  const dataType = toDataType(t.dataType ?? 0, where);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData ?? []).length > 0) {
    throw new OnnxFormatError(`${where} keeps its data in an external file, which Layerloom does not read`);
  }
  const dims = (t.dims ?? []).map((d) => {
    const n = toNumber(d, `${where} dims`);
    if (n < 0) throw new OnnxFormatError(`${where} has a negative dimension ${n}`);
    return n;
  });
  const count = dims.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(count)) throw new OnnxFormatError(`${where} has too many elements`);
  return { name: t.name ?? '', dataType, dims, data: tensorData(t, dataType, count, where) };
}

function tensorData(t: Tensor, dataType: OnnxDataType, count: number, where: string): NumericArray {
  if (has(t, 'rawData')) {
    const raw = t.rawData ?? new Uint8Array(0);
    const size = ONNX_DATA_TYPE_SIZES[dataType];
    if (raw.length !== count * size) {
      throw new OnnxFormatError(`${where}: raw_data has ${raw.length} bytes, ${count} ${dataType} elements need ${count * size}`);
    }
    return fromLittleEndianBytes(raw, dataType === 'bool' ? 'uint8' : dataType);
  }
  const checkCount = (n: number, field: string) => {
    if (n !== count) throw new OnnxFormatError(`${where}: ${field} has ${n} values, the dims need ${count}`);
  };
  switch (dataType) {
    case 'float32': {
      const values = t.floatData ?? [];
      checkCount(values.length, 'float_data');
      return Float32Array.from(values);
    }
    case 'float64': {
      const values = t.doubleData ?? [];
      checkCount(values.length, 'double_data');
      return Float64Array.from(values);
    }
    case 'int64': {
      const values = t.int64Data ?? [];
      checkCount(values.length, 'int64_data');
      return BigInt64Array.from(values, toBigInt);
    }
    case 'int32': {
      const values = t.int32Data ?? [];
      checkCount(values.length, 'int32_data');
      return Int32Array.from(values);
    }
    case 'uint8':
    case 'bool': {
      const values = t.int32Data ?? [];
      checkCount(values.length, 'int32_data');
      const max = dataType === 'bool' ? 1 : 255;
      const bad = values.find((v) => v < 0 || v > max);
      if (bad !== undefined) throw new OnnxFormatError(`${where}: ${bad} is not a ${dataType} value`);
      return Uint8Array.from(values);
    }
  }
}

function toValueInfo(v: ValueInfo): OnnxValueInfo {
  const name = v.name ?? '';
  const where = `value '${name}'`;
  const type = v.type;
  if (!type) throw new OnnxFormatError(`${where} has no type`);
  const tensor = type.tensorType;
  if (!tensor) throw new OnnxFormatError(`${where} is not a tensor (${type.value ?? 'unknown type'}), which Layerloom does not read`);
  const elemType = toDataType(tensor.elemType ?? 0, where);
  if (!tensor.shape) throw new OnnxFormatError(`${where} has no shape (unknown rank), which Layerloom does not read`);
  const shape = (tensor.shape.dim ?? []).map((d): number | string => {
    if (d.dimParam !== undefined && d.dimParam !== null) return d.dimParam;
    if (d.dimValue !== undefined && d.dimValue !== null) return toNumber(d.dimValue, where);
    return '';
  });
  return { name, elemType, shape };
}

function toDataType(code: number, where: string): OnnxDataType {
  const dataType = DATA_TYPE_BY_CODE.get(code);
  if (dataType) return dataType;
  const name = onnx.TensorProto.DataType[code];
  throw new OnnxFormatError(`${where} has element type ${name ? `${name} (${code})` : code}, which Layerloom does not read`);
}

function toNumber(v: Int64, where: string): number {
  const n =
    typeof v === 'number'
      ? v
      : (v.unsigned ? v.high >>> 0 : v.high | 0) * 0x1_0000_0000 + (v.low >>> 0);
  if (!Number.isSafeInteger(n)) throw new OnnxFormatError(`${where}: ${typeof v === 'number' ? v : toBigInt(v)} is not a safe integer`);
  return n;
}

function toBigInt(v: Int64): bigint {
  if (typeof v === 'number') return BigInt(v);
  return BigInt.asIntN(64, (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0));
}

/** Whether a field was present in the file (protobufjs keeps defaults on the prototype). */
function has(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

function describeProtobufError(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  if (/index out of range/.test(message)) return `the data ends in the middle of a field, the file is truncated or corrupt (${message})`;
  return `the protobuf data is corrupt (${message})`;
}
