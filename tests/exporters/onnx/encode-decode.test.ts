import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeModel, OnnxFormatError } from '../../../exporters/onnx/decode';
import { encodeModel } from '../../../exporters/onnx/encode';
import type { OnnxModel } from '../../../exporters/onnx/model';
import { ProtoWriter } from '../../../exporters/onnx/protobuf-writer';
import { runSystemPython } from '../../helpers/onnx-checker';
import { kitchenSinkModel, mlpModel } from './models';

const dir = mkdtempSync(join(tmpdir(), 'layerloom-onnx-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectFormatError(bytes: Uint8Array, message?: RegExp): void {
  let error: unknown;
  try {
    decodeModel(bytes);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(OnnxFormatError);
  const text = (error as Error).message;
  expect(text).not.toMatch(/\n/);
  if (message) expect(text).toMatch(message);
}

/** A ModelProto around one hand-written graph body, for decoder edge cases. */
function modelWith(graph: (g: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter();
  w.int64Field(1, 8);
  w.messageField(8, (o) => {
    o.stringField(1, '');
    o.int64Field(2, 17);
  });
  w.messageField(7, graph);
  return w.finish();
}

describe('encodeModel / decodeModel', () => {
  it('round-trips every attribute type, element type, dim_param, function and metadata', () => {
    const model = kitchenSinkModel();
    expect(decodeModel(encodeModel(model))).toEqual(model);
    expect(decodeModel(encodeModel(mlpModel()))).toEqual(mlpModel());
  });

  it('is deterministic, and independent of attribute and metadata key order', () => {
    const model = kitchenSinkModel();
    const a = encodeModel(model);
    expect(encodeModel(model)).toEqual(a);
    expect(encodeModel(kitchenSinkModel())).toEqual(a);
    const node = model.graph.nodes[0]!;
    const reversedAttributes = Object.fromEntries(Object.entries(node.attributes!).reverse());
    const reordered: OnnxModel = {
      ...model,
      metadata: Object.fromEntries(Object.entries(model.metadata!).reverse()),
      graph: { ...model.graph, nodes: [{ ...node, attributes: reversedAttributes }, ...model.graph.nodes.slice(1)] },
    };
    expect(encodeModel(reordered)).toEqual(a);
  });

  it('leaves out empty optional collections and keeps present-but-empty strings', () => {
    const base = mlpModel();
    const model: OnnxModel = {
      ...base,
      metadata: {},
      functions: [],
      docString: '',
      graph: { ...base.graph, valueInfo: [], nodes: base.graph.nodes.map((n) => ({ ...n, attributes: n.attributes ?? {}, domain: '' })) },
    };
    const decoded = decodeModel(encodeModel(model));
    expect(decoded.metadata).toBeUndefined();
    expect(decoded.functions).toBeUndefined();
    expect(decoded.graph.valueInfo).toBeUndefined();
    expect(decoded.docString).toBe('');
    expect(decoded.graph.nodes[0]!.attributes).toBeUndefined();
    expect(decoded.graph.nodes[0]!.domain).toBe('');
  });

  it('refuses invalid models instead of writing something wrong', () => {
    const base = mlpModel();
    const withInit = (t: OnnxModel['graph']['initializers'][number]): OnnxModel => ({ ...base, graph: { ...base.graph, initializers: [t] } });
    expect(() => encodeModel(withInit({ name: 'w', dataType: 'float32', dims: [2, 2], data: new Float32Array(3) }))).toThrow(/initializer 'w'.*4 elements/);
    expect(() => encodeModel(withInit({ name: 'w', dataType: 'int64', dims: [2], data: new Float32Array(2) }))).toThrow(/BigInt64Array/);
    expect(() => encodeModel(withInit({ name: 'w', dataType: 'float32', dims: [-1], data: new Float32Array(0) }))).toThrow(/dimension -1/);
    const badAttr: OnnxModel = {
      ...base,
      graph: { ...base.graph, nodes: [{ name: 'n', opType: 'Softmax', inputs: ['x'], outputs: ['y'], attributes: { axis: { type: 'int', value: 0.5 } } }] },
    };
    expect(() => encodeModel(badAttr)).toThrow(/attribute 'axis' of node 'n'/);
  });

  it('writes what the reference protobuf/ONNX implementation reads (python3-onnx)', () => {
    const file = join(dir, 'kitchen-sink.onnx');
    writeFileSync(file, encodeModel(kitchenSinkModel()));
    const script = `
import sys, json, onnx
from onnx import numpy_helper, helper
m = onnx.load(sys.argv[1])
g = m.graph
def dims(v):
    return [d.dim_param if d.HasField('dim_param') else (d.dim_value if d.HasField('dim_value') else None) for d in v.type.tensor_type.shape.dim]
def attr(a):
    v = helper.get_attribute_value(a)
    if isinstance(v, bytes): return v.decode('utf-8')
    if isinstance(v, onnx.TensorProto): return numpy_helper.to_array(v).tolist()
    return list(v) if isinstance(v, (list, tuple)) or type(v).__name__ == 'RepeatedScalarContainer' else v
print(json.dumps({
  'ir': m.ir_version, 'opsets': [[o.domain, o.version] for o in m.opset_import],
  'producer': [m.producer_name, m.producer_version], 'doc': m.doc_string,
  'metadata': {p.key: p.value for p in m.metadata_props},
  'inputs': [[v.name, v.type.tensor_type.elem_type, dims(v)] for v in g.input],
  'attrs': {a.name: attr(a) for a in g.node[0].attribute},
  'inits': {t.name: [str(x) for x in numpy_helper.to_array(t).flatten().tolist()] for t in g.initializer if t.data_type == 7},
  'floats': {t.name: numpy_helper.to_array(t).flatten().tolist() for t in g.initializer if t.data_type != 7},
  'functions': [[f.name, f.domain, list(f.input), list(f.output), list(f.attribute), [n.op_type for n in f.node]] for f in m.functions],
}))
`;
    const seen = JSON.parse(runSystemPython(script, [file])) as Record<string, unknown>;
    expect(seen).toEqual({
      ir: 8,
      opsets: [['', 17], ['layerloom.custom', 1]],
      producer: ['layerloom', '0.1.0'],
      doc: 'every feature, ünïcödé 🙂',
      metadata: { a_key: 'first', b_key: 'second', empty: '' },
      inputs: [['x', 1, ['N', 3, null, 0]], ['scalar', 11, []]],
      attrs: {
        big: 2 ** 40 + 3,
        emptyInts: [],
        emptyString: '',
        f: -1.5,
        floats: [0.25, -3, 0.5],
        i: -7,
        ints: [0, 1, -1, 300, -300, 2 ** 35],
        minSafe: Number.MIN_SAFE_INTEGER,
        s: 'hello, wörld',
        t: [-5, 2147483647],
      },
      inits: { w64: ['-1', '0', '9007199254740993', '-9223372036854775808'] },
      floats: {
        w32: [1.5, -2.25, 0, 3.125],
        wi32: [-2147483648, 0, 7],
        flags: [true, false],
        bytes: [0, 128, 255],
        wf64: [Math.PI, -1e-300],
        empty: [],
        scalarInit: [42],
      },
      functions: [['AddOne', 'layerloom.custom', ['a'], ['b'], ['scale'], ['Constant', 'Add']]],
    });
  });

  it('reads models written by python3-onnx, with typed data fields and with raw_data', () => {
    const file = join(dir, 'from-python.onnx');
    const script = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto as T
def tensors(raw, suffix):
    arrays = [('f', T.FLOAT, np.array([[1.5, -2], [0.25, 8]], dtype=np.float32)),
              ('i64', T.INT64, np.array([-1, 2**40, -2**62], dtype=np.int64)),
              ('i32', T.INT32, np.array([-7, 2**31 - 1], dtype=np.int32)),
              ('d', T.DOUBLE, np.array([np.pi], dtype=np.float64)),
              ('u8', T.UINT8, np.array([0, 200, 255], dtype=np.uint8)),
              ('b', T.BOOL, np.array([True, False, True]))]
    out = []
    for name, dt, a in arrays:
        vals = a.tobytes() if raw else a.flatten().tolist()
        out.append(helper.make_tensor(name + suffix, dt, a.shape, vals, raw=raw))
    return out
x = helper.make_tensor_value_info('x', T.FLOAT, ['batch', 4])
y = helper.make_tensor_value_info('y', T.FLOAT, ['batch', 4])
node = helper.make_node('Relu', ['x'], ['y'], name='relu')
g = helper.make_graph([node], 'py', [x], [y], initializer=tensors(False, '_typed') + tensors(True, '_raw'))
m = helper.make_model(g, producer_name='python', opset_imports=[helper.make_opsetid('', 17)])
m.ir_version = 8
onnx.save(m, sys.argv[1])
`;
    runSystemPython(script, [file]);
    const model = decodeModel(new Uint8Array(readFileSync(file)));
    expect(model.producerName).toBe('python');
    expect(model.graph.inputs).toEqual([{ name: 'x', elemType: 'float32', shape: ['batch', 4] }]);
    expect(model.graph.nodes).toEqual([{ name: 'relu', opType: 'Relu', inputs: ['x'], outputs: ['y'] }]);
    const inits = Object.fromEntries(model.graph.initializers.map((t) => [t.name, t]));
    for (const suffix of ['_typed', '_raw']) {
      expect(inits[`f${suffix}`]).toEqual({ name: `f${suffix}`, dataType: 'float32', dims: [2, 2], data: Float32Array.from([1.5, -2, 0.25, 8]) });
      expect(inits[`i64${suffix}`]).toEqual({ name: `i64${suffix}`, dataType: 'int64', dims: [3], data: BigInt64Array.from([-1n, 2n ** 40n, -(2n ** 62n)]) });
      expect(inits[`i32${suffix}`]).toEqual({ name: `i32${suffix}`, dataType: 'int32', dims: [2], data: Int32Array.from([-7, 2 ** 31 - 1]) });
      expect(inits[`d${suffix}`]).toEqual({ name: `d${suffix}`, dataType: 'float64', dims: [1], data: Float64Array.from([Math.PI]) });
      expect(inits[`u8${suffix}`]).toEqual({ name: `u8${suffix}`, dataType: 'uint8', dims: [3], data: Uint8Array.from([0, 200, 255]) });
      expect(inits[`b${suffix}`]).toEqual({ name: `b${suffix}`, dataType: 'bool', dims: [3], data: Uint8Array.from([1, 0, 1]) });
    }
  });
});

describe('decodeModel on bad input', () => {
  const good = encodeModel(kitchenSinkModel());

  it('reports every truncation of a model as an OnnxFormatError', () => {
    for (let n = 0; n < good.length; n++) expectFormatError(good.subarray(0, n));
    expectFormatError(good.subarray(0, good.length - 1), /truncated/);
  });

  it('never throws anything but OnnxFormatError on corrupted bytes', () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let trial = 0; trial < 2000; trial++) {
      const bytes = good.slice();
      const flips = 1 + Math.floor(random() * 4);
      for (let k = 0; k < flips; k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        decodeModel(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(OnnxFormatError);
        expect((e as Error).message).not.toMatch(/\n/);
      }
    }
  });

  it('explains files that are not ONNX at all', () => {
    expectFormatError(new Uint8Array(0), /ir_version is missing/);
    expectFormatError(new TextEncoder().encode('{"format": "layerloom.graph"}'), /not a valid ONNX file/);
    expectFormatError(Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), /not a valid ONNX file/);
    expectFormatError(Uint8Array.from([0x0f, 0x00]), /corrupt/); // field 1, wire type 7
    const noGraph = new ProtoWriter();
    noGraph.int64Field(1, 8);
    expectFormatError(noGraph.finish(), /no graph/);
    expect(() => decodeModel('not bytes' as unknown as Uint8Array)).toThrow(OnnxFormatError);
  });

  it('explains content it does not understand', () => {
    const tensor = (t: (m: ProtoWriter) => void) => modelWith((g) => g.messageField(5, t));
    expectFormatError(
      tensor((t) => {
        t.packedInt64Field(1, [2]);
        t.varintField(2, 10); // FLOAT16
        t.stringField(8, 'half');
        t.bytesField(9, new Uint8Array(4));
      }),
      /initializer 'half' has element type FLOAT16 \(10\)/,
    );
    expectFormatError(
      tensor((t) => {
        t.packedInt64Field(1, [3]);
        t.varintField(2, 1);
        t.stringField(8, 'short');
        t.bytesField(9, new Uint8Array(8));
      }),
      /initializer 'short': raw_data has 8 bytes, 3 float32 elements need 12/,
    );
    expectFormatError(
      tensor((t) => {
        t.packedInt64Field(1, [2]);
        t.varintField(2, 1);
        t.stringField(8, 'typed');
        t.packedFloatField(4, [1]);
      }),
      /initializer 'typed': float_data has 1 values, the dims need 2/,
    );
    expectFormatError(
      modelWith((g) =>
        g.messageField(1, (n) => {
          n.stringField(3, 'loop');
          n.stringField(4, 'Loop');
          n.messageField(5, (a) => {
            a.stringField(1, 'body');
            a.messageField(6, () => undefined);
            a.varintField(20, 5); // GRAPH
          });
        }),
      ),
      /attribute 'body' of node 'loop' has type GRAPH/,
    );
    expectFormatError(
      modelWith((g) =>
        g.messageField(11, (v) => {
          v.stringField(1, 'seq');
          v.messageField(2, (t) => t.messageField(4, () => undefined));
        }),
      ),
      /value 'seq' is not a tensor/,
    );
  });
});
