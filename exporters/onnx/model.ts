/**
 * A plain-data description of an ONNX model: what `encodeModel` writes and `decodeModel` reads.
 *
 * Conventions beyond the ONNX IR itself:
 * - `OnnxValueInfo.shape`: a number is a `dim_value`, a non-empty string a `dim_param` (e.g. 'N'), and the empty
 *   string a dimension with neither (unknown). An empty array is a scalar (rank 0).
 * - Tensor data is in row-major order; `bool` and `uint8` tensors use `Uint8Array` (bool as 0/1).
 * - Optional collections that are empty (`attributes`, `valueInfo`, `functions`, `metadata`, function `attributes`)
 *   are not distinguishable from absent ones in the file; `decodeModel` leaves them out.
 */
export type OnnxDataType = 'float32' | 'int64' | 'int32' | 'bool' | 'uint8' | 'float64';

export interface OnnxTensor {
  readonly name: string;
  readonly dataType: OnnxDataType;
  readonly dims: readonly number[];
  readonly data: Float32Array | BigInt64Array | Int32Array | Uint8Array | Float64Array;
}

export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxDataType;
  readonly shape: readonly (number | string)[]; // string = dim_param (e.g. 'N')
}

export type OnnxAttribute =
  | { readonly type: 'int'; readonly value: number }
  | { readonly type: 'float'; readonly value: number }
  | { readonly type: 'ints'; readonly value: readonly number[] }
  | { readonly type: 'floats'; readonly value: readonly number[] }
  | { readonly type: 'string'; readonly value: string }
  | { readonly type: 'tensor'; readonly value: OnnxTensor };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly domain?: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes?: Readonly<Record<string, OnnxAttribute>>;
  readonly docString?: string;
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly initializers: readonly OnnxTensor[];
  readonly valueInfo?: readonly OnnxValueInfo[];
  readonly docString?: string;
}

export interface OnnxFunction {
  readonly name: string;
  readonly domain: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly nodes: readonly OnnxNode[];
  readonly opsetImports: readonly { domain: string; version: number }[];
  readonly attributes?: readonly string[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetImports: readonly { readonly domain: string; readonly version: number }[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly graph: OnnxGraph;
  readonly functions?: readonly OnnxFunction[];
  readonly metadata?: Readonly<Record<string, string>>;
  readonly docString?: string;
}

/** ONNX `TensorProto.DataType` numbers of the supported element types. */
export const ONNX_DATA_TYPE_CODES: Readonly<Record<OnnxDataType, number>> = {
  float32: 1,
  uint8: 2,
  int32: 6,
  int64: 7,
  bool: 9,
  float64: 11,
};

/** Bytes per element of each supported element type. */
export const ONNX_DATA_TYPE_SIZES: Readonly<Record<OnnxDataType, number>> = {
  float32: 4,
  uint8: 1,
  int32: 4,
  int64: 8,
  bool: 1,
  float64: 8,
};
