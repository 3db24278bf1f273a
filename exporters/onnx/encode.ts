/**
 * `encodeModel`: an `OnnxModel` to ONNX protobuf bytes (field numbers from proto/onnx.proto, ONNX 1.12).
 *
 * Deterministic: fields are written in field-number order, attributes and metadata sorted by name, and tensors as
 * little-endian raw_data. The one exception to field order: ModelProto.graph is written last, so that any
 * truncated file is missing part of its graph and `decodeModel` reports it instead of reading a shorter model.
 * Invalid input (a tensor whose data does not match its dims, a non-integer int attribute, …) throws a RangeError
 * or TypeError naming the offending tensor, node or attribute; nothing is returned for it.
 */
import { kindOf, toLittleEndianBytes } from '../typed-bytes';
import {
  ONNX_DATA_TYPE_CODES,
  type OnnxAttribute,
  type OnnxFunction,
  type OnnxGraph,
  type OnnxModel,
  type OnnxNode,
  type OnnxTensor,
  type OnnxValueInfo,
} from './model';
import { ProtoWriter } from './protobuf-writer';

/** AttributeProto.AttributeType numbers. */
const ATTRIBUTE_TYPE = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7 } as const;

export function encodeModel(model: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.int64Field(1, checkInt(model.irVersion, 'irVersion'));
  w.stringField(2, model.producerName);
  w.stringField(3, model.producerVersion);
  if (model.docString !== undefined) w.stringField(6, model.docString);
  for (const op of model.opsetImports) w.messageField(8, (m) => writeOpset(m, op));
  for (const [key, value] of sortedEntries(model.metadata ?? {})) {
    w.messageField(14, (m) => {
      m.stringField(1, key);
      m.stringField(2, value);
    });
  }
  for (const fn of model.functions ?? []) w.messageField(25, (m) => writeFunction(m, fn));
  w.messageField(7, (m) => writeGraph(m, model.graph));
  return w.finish();
}

function writeOpset(w: ProtoWriter, op: { readonly domain: string; readonly version: number }): void {
  w.stringField(1, op.domain);
  w.int64Field(2, checkInt(op.version, `opset version of domain '${op.domain}'`));
}

function writeGraph(w: ProtoWriter, graph: OnnxGraph): void {
  for (const node of graph.nodes) w.messageField(1, (m) => writeNode(m, node));
  w.stringField(2, graph.name);
  for (const t of graph.initializers) w.messageField(5, (m) => writeTensor(m, t, `initializer '${t.name}'`));
  if (graph.docString !== undefined) w.stringField(10, graph.docString);
  for (const v of graph.inputs) w.messageField(11, (m) => writeValueInfo(m, v));
  for (const v of graph.outputs) w.messageField(12, (m) => writeValueInfo(m, v));
  for (const v of graph.valueInfo ?? []) w.messageField(13, (m) => writeValueInfo(m, v));
}

function writeNode(w: ProtoWriter, node: OnnxNode): void {
  for (const input of node.inputs) w.stringField(1, input);
  for (const output of node.outputs) w.stringField(2, output);
  if (node.name !== '') w.stringField(3, node.name);
  w.stringField(4, node.opType);
  for (const [name, attr] of sortedEntries(node.attributes ?? {})) {
    w.messageField(5, (m) => writeAttribute(m, name, attr, `attribute '${name}' of node '${node.name}'`));
  }
  if (node.docString !== undefined) w.stringField(6, node.docString);
  if (node.domain !== undefined) w.stringField(7, node.domain);
}

function writeAttribute(w: ProtoWriter, name: string, attr: OnnxAttribute, where: string): void {
  w.stringField(1, name);
  switch (attr.type) {
    case 'float':
      w.floatField(2, attr.value);
      break;
    case 'int':
      w.int64Field(3, checkInt(attr.value, where));
      break;
    case 'string':
      w.stringField(4, attr.value);
      break;
    case 'tensor':
      w.messageField(5, (m) => writeTensor(m, attr.value, where));
      break;
    case 'floats':
      w.packedFloatField(7, attr.value);
      break;
    case 'ints':
      w.packedInt64Field(8, attr.value.map((v) => checkInt(v, where)));
      break;
    default:
      throw new TypeError(`${where}: unknown attribute type '${(attr as { type: unknown }).type}'`);
  }
  w.varintField(20, ATTRIBUTE_TYPE[attr.type]);
}

function writeTensor(w: ProtoWriter, t: OnnxTensor, where: string): void {
  const code = ONNX_DATA_TYPE_CODES[t.dataType];
  if (code === undefined) throw new TypeError(`${where}: unknown data type '${t.dataType}'`);
  const expected = t.dataType === 'bool' ? 'uint8' : t.dataType;
  if (kindOf(t.data) !== expected) throw new TypeError(`${where}: ${t.dataType} data must be a ${arrayName(expected)}`);
  const count = t.dims.reduce((n, d) => n * checkDim(d, where), 1);
  if (count !== t.data.length) {
    throw new RangeError(`${where}: dims [${t.dims.join(', ')}] need ${count} elements, the data has ${t.data.length}`);
  }
  w.packedInt64Field(1, t.dims);
  w.varintField(2, code);
  if (t.name !== '') w.stringField(8, t.name);
  w.bytesField(9, toLittleEndianBytes(t.data));
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  const code = ONNX_DATA_TYPE_CODES[v.elemType];
  if (code === undefined) throw new TypeError(`value '${v.name}': unknown element type '${v.elemType}'`);
  w.stringField(1, v.name);
  w.messageField(2, (type) =>
    type.messageField(1, (tensorType) => {
      tensorType.varintField(1, code);
      tensorType.messageField(2, (shape) => {
        for (const dim of v.shape) {
          shape.messageField(1, (d) => {
            if (typeof dim === 'number') d.int64Field(1, checkDim(dim, `value '${v.name}'`));
            else if (dim !== '') d.stringField(2, dim);
          });
        }
      });
    }),
  );
}

function writeFunction(w: ProtoWriter, fn: OnnxFunction): void {
  w.stringField(1, fn.name);
  for (const input of fn.inputs) w.stringField(4, input);
  for (const output of fn.outputs) w.stringField(5, output);
  for (const attr of fn.attributes ?? []) w.stringField(6, attr);
  for (const node of fn.nodes) w.messageField(7, (m) => writeNode(m, node));
  for (const op of fn.opsetImports) w.messageField(9, (m) => writeOpset(m, op));
  w.stringField(10, fn.domain);
}

function checkInt(value: number, where: string): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${where}: ${value} is not a safe integer`);
  return value;
}

function checkDim(value: number, where: string): number {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${where}: dimension ${value} is not a non-negative integer`);
  return value;
}

function sortedEntries<T>(record: Readonly<Record<string, T>>): [string, T][] {
  return Object.keys(record)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((k) => [k, record[k]!]);
}

function arrayName(kind: string): string {
  const names: Record<string, string> = {
    float32: 'Float32Array',
    int64: 'BigInt64Array',
    int32: 'Int32Array',
    uint8: 'Uint8Array',
    float64: 'Float64Array',
  };
  return names[kind] ?? kind;
}
