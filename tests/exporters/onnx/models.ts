/** Hand-built ONNX models for the serialisation tests. */
import type { OnnxModel, OnnxTensor } from '../../../exporters/onnx/model';

export const W = [0.5, -1.25, 2, 0.75, -0.5, 1.5, 0.25, -2, 1, 0.125, -0.375, 0.625]; // [3, 4], row-major
export const B = [0.1, -0.2, 0.3, 0.05];

const f32 = (name: string, dims: number[], values: readonly number[]): OnnxTensor => ({
  name,
  dataType: 'float32',
  dims,
  data: Float32Array.from(values),
});

/**
 * y = Relu(x·W + b) with x: [N, 3], W: [3, 4], b: [4]; s = Softmax(Reshape(y, [-1, 2, 2]), axis = -1).
 * Exercises float and int64 initializers and a negative int attribute in the runtimes.
 */
export function mlpModel(): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [{ domain: '', version: 17 }],
    producerName: 'layerloom-tests',
    producerVersion: '0.1.0',
    docString: 'MatMul + Add + Relu',
    metadata: { source: 'tests/exporters/onnx/models.ts' },
    graph: {
      name: 'mlp',
      nodes: [
        { name: 'matmul', opType: 'MatMul', inputs: ['x', 'W'], outputs: ['h'] },
        { name: 'add', opType: 'Add', inputs: ['h', 'b'], outputs: ['z'] },
        { name: 'relu', opType: 'Relu', inputs: ['z'], outputs: ['y'] },
        { name: 'reshape', opType: 'Reshape', inputs: ['y', 'pairs'], outputs: ['p'] },
        { name: 'softmax', opType: 'Softmax', inputs: ['p'], outputs: ['s'], attributes: { axis: { type: 'int', value: -1 } } },
      ],
      inputs: [{ name: 'x', elemType: 'float32', shape: ['N', 3] }],
      outputs: [
        { name: 'y', elemType: 'float32', shape: ['N', 4] },
        { name: 's', elemType: 'float32', shape: ['N', 2, 2] },
      ],
      initializers: [
        f32('W', [3, 4], W),
        f32('b', [4], B),
        { name: 'pairs', dataType: 'int64', dims: [3], data: BigInt64Array.from([-1n, 2n, 2n]) },
      ],
    },
  };
}

/** The MLP computed in JavaScript (float64): y is [n, 4], s is [n, 2, 2], both flattened. */
export function mlpReference(x: readonly number[], n: number): { y: number[]; s: number[] } {
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 4; j++) {
      let acc = B[j]!;
      for (let k = 0; k < 3; k++) acc += x[i * 3 + k]! * W[k * 4 + j]!;
      y.push(Math.max(0, acc));
    }
  }
  const s: number[] = [];
  for (let p = 0; p < y.length; p += 2) {
    const m = Math.max(y[p]!, y[p + 1]!);
    const e0 = Math.exp(y[p]! - m);
    const e1 = Math.exp(y[p + 1]! - m);
    s.push(e0 / (e0 + e1), e1 / (e0 + e1));
  }
  return { y, s };
}

/**
 * A model that uses every feature of the plain types: all attribute types, all element types, negative ints,
 * int64 values beyond 2^32, dim_param, unknown dims, valueInfo, functions, metadata and doc strings.
 */
export function kitchenSinkModel(): OnnxModel {
  return {
    irVersion: 8,
    opsetImports: [
      { domain: '', version: 17 },
      { domain: 'layerloom.custom', version: 1 },
    ],
    producerName: 'layerloom',
    producerVersion: '0.1.0',
    docString: 'every feature, ünïcödé 🙂',
    metadata: { b_key: 'second', a_key: 'first', empty: '' },
    graph: {
      name: 'kitchen sink',
      docString: 'graph doc',
      nodes: [
        {
          name: 'n0',
          opType: 'Everything',
          domain: 'layerloom.custom',
          inputs: ['x', '', 'w64'],
          outputs: ['y'],
          docString: 'node doc',
          attributes: {
            i: { type: 'int', value: -7 },
            big: { type: 'int', value: 2 ** 40 + 3 },
            minSafe: { type: 'int', value: Number.MIN_SAFE_INTEGER },
            f: { type: 'float', value: -1.5 },
            ints: { type: 'ints', value: [0, 1, -1, 300, -300, 2 ** 35] },
            emptyInts: { type: 'ints', value: [] },
            floats: { type: 'floats', value: [0.25, -3, 0.5] },
            s: { type: 'string', value: 'hello, wörld' },
            emptyString: { type: 'string', value: '' },
            t: { type: 'tensor', value: { name: '', dataType: 'int32', dims: [2], data: Int32Array.from([-5, 2147483647]) } },
          },
        },
        { name: '', opType: 'Identity', inputs: ['y'], outputs: ['z'] },
        { name: 'call', opType: 'AddOne', domain: 'layerloom.custom', inputs: ['z'], outputs: ['out'], attributes: { scale: { type: 'float', value: 2 } } },
      ],
      inputs: [
        { name: 'x', elemType: 'float32', shape: ['N', 3, '', 0] },
        { name: 'scalar', elemType: 'float64', shape: [] },
      ],
      outputs: [{ name: 'out', elemType: 'float32', shape: ['N', 3] }],
      valueInfo: [
        { name: 'y', elemType: 'float32', shape: ['N', 3] },
        { name: 'flags', elemType: 'bool', shape: [2] },
      ],
      initializers: [
        { name: 'w32', dataType: 'float32', dims: [2, 2], data: Float32Array.from([1.5, -2.25, 0, 3.125]) },
        { name: 'w64', dataType: 'int64', dims: [4], data: BigInt64Array.from([-1n, 0n, 9007199254740993n, -9223372036854775808n]) },
        { name: 'wi32', dataType: 'int32', dims: [3], data: Int32Array.from([-2147483648, 0, 7]) },
        { name: 'flags', dataType: 'bool', dims: [2], data: Uint8Array.from([1, 0]) },
        { name: 'bytes', dataType: 'uint8', dims: [3], data: Uint8Array.from([0, 128, 255]) },
        { name: 'wf64', dataType: 'float64', dims: [2], data: Float64Array.from([Math.PI, -1e-300]) },
        { name: 'empty', dataType: 'float32', dims: [0, 3], data: new Float32Array(0) },
        { name: 'scalarInit', dataType: 'float32', dims: [], data: Float32Array.from([42]) },
      ],
    },
    functions: [
      {
        name: 'AddOne',
        domain: 'layerloom.custom',
        inputs: ['a'],
        outputs: ['b'],
        attributes: ['scale'],
        opsetImports: [{ domain: '', version: 17 }],
        nodes: [
          {
            name: 'one',
            opType: 'Constant',
            inputs: [],
            outputs: ['c'],
            attributes: { value: { type: 'tensor', value: { name: 'c', dataType: 'float32', dims: [], data: Float32Array.from([1]) } } },
          },
          { name: 'add', opType: 'Add', inputs: ['a', 'c'], outputs: ['b'] },
        ],
      },
    ],
  };
}
