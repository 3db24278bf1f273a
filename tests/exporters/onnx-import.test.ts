/**
 * ONNX import round trips: models exported by PyTorch 1.13 (build/fixtures/onnx_import_models.py, opsets 13 and 17)
 * are imported, exported again by Layerloom, and both files run in onnxruntime-node on the same inputs. Also: which
 * nodes became catalogue layers, that imported weights fine-tune, and that bad files give one-line messages.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferShapes, Rng, type GraphDoc, type Tensor } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { importOnnx, OnnxImportError } from '../../exporters/onnx-import/import-onnx';
import { decodeModel } from '../../exporters/onnx/decode';
import { encodeModel } from '../../exporters/onnx/encode';
import type { OnnxModel } from '../../exporters/onnx/model';
import type { Dataset } from '../../runtime/data/dataset';
import { createNodeRunner } from '../../runtime/onnx/node-session';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import { checkOnnx, SYSTEM_PYTHON } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;
let dir = '';

interface Entry {
  readonly name: string;
  readonly opset: number;
  readonly file: string;
  readonly input: { shape: number[]; dtype: 'float32' | 'int64'; vocab?: number };
}
let manifest: Entry[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'layerloom-onnx-import-'));
  const r = spawnSync(SYSTEM_PYTHON, [join(root, 'build/fixtures/onnx_import_models.py'), dir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`onnx_import_models.py failed: ${r.stderr}`);
  manifest = (JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { models: Entry[] }).models;
}, 120_000);

/** The catalogue kinds each model must become, in document order. */
const EXPECTED: Record<string, readonly string[]> = {
  mlp: ['Input', 'Linear', 'ReLU', 'Linear', 'Tanh', 'Linear'],
  gelu: ['Input', 'Linear', 'GELU', 'Linear'],
  // BatchNorm is folded into the first Conv by torch's export; the zero Pad before AveragePool is dropped.
  cnn: ['Input', 'Conv2d', 'ReLU', 'MaxPool2d', 'Conv2d', 'ReLU', 'AvgPool2d', 'Flatten', 'Linear', 'ReLU', 'Linear', 'Sigmoid', 'Linear', 'Softmax'],
  lstm: ['Input', 'Embedding', 'LSTM', 'SelectIndex', 'Linear'],
  transformer: ['Input', 'Linear', 'TransformerEncoderLayer', 'TransformerEncoderLayer', 'Mean', 'Linear'],
  prenorm: ['Input', 'TransformerEncoderLayer', 'SelectIndex', 'Linear'],
  gru: ['Input', 'GRU', 'SelectIndex', 'Linear'],
  // Slicing and a broadcasting Add have no catalogue layer: they stay ONNX operators.
  zoo: [
    'Input', 'Conv1d', 'LeakyReLU', 'MaxPool1d', 'Reshape', 'ConvTranspose2d', 'ELU', 'AdaptiveAvgPool2d', 'Flatten', 'Permute', 'Reshape',
    'OnnxOp', 'Linear', 'Add', 'Sigmoid', 'Multiply', 'Concat', 'BatchNorm1d', 'Linear', 'Sum', 'OnnxOp', 'LogSoftmax',
  ],
  upsample: ['Input', 'Conv2d', 'OnnxOp', 'Flatten', 'Linear'],
  // Slice to INT64_MAX ("to the end"): kept, with the end clamped to the int32 range that means the same.
  slice: ['Input', 'OnnxOp', 'OnnxOp'],
  generic: ['Input', 'Linear', 'OnnxOp', 'OnnxOp', 'OnnxOp'],
};

function sample(e: Entry, batch: number, seed: number): Tensor {
  const rng = new Rng(seed);
  const shape = [batch, ...e.input.shape];
  const n = shape.reduce((a, b) => a * b, 1);
  if (e.input.dtype === 'int64') return { shape, dtype: 'int64', data: Int32Array.from({ length: n }, () => Math.floor(rng.next() * e.input.vocab!)) };
  return { shape, dtype: 'float32', data: Float32Array.from({ length: n }, () => rng.normal()) };
}

async function run(bytes: Uint8Array, x: Tensor): Promise<Tensor> {
  const s = await createNodeRunner(bytes);
  try {
    const y = await s.run({ [s.inputNames[0]!]: x });
    return y[s.outputNames[0]!]!;
  } finally {
    await s.release();
  }
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(b.shape).toEqual(a.shape);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i]! - b.data[i]!));
  return m;
}

describe('importing models exported by PyTorch', () => {
  for (const name of Object.keys(EXPECTED)) {
    for (const opset of [13, 17]) {
      it(`${name}, opset ${opset}: the expected layers, and the re-exported model computes what the original does`, async () => {
        const e = manifest.find((m) => m.name === name && m.opset === opset)!;
        const bytes = readFileSync(join(dir, e.file));
        const r = importOnnx(bytes);
        expect(r.opset).toBe(opset);
        expect(r.doc.nodes.map((n) => n.kind)).toEqual(EXPECTED[name]);
        if (name === 'transformer' || name === 'prenorm') {
          const layer = r.doc.nodes.find((n) => n.kind === 'TransformerEncoderLayer')!;
          expect(layer.params).toEqual(
            name === 'transformer'
              ? { nhead: 4, dim_feedforward: 64, dropout: 0, activation: 'relu', layer_norm_eps: Math.fround(1e-5), norm_first: false, bias: true, causal: false }
              : { nhead: 2, dim_feedforward: 24, dropout: 0, activation: 'gelu', layer_norm_eps: Math.fround(1e-5), norm_first: true, bias: true, causal: false },
          );
        }
        // Laid out: no two nodes share a position, and every edge goes down the page.
        const pos = new Map(r.doc.nodes.map((n) => [n.id, n.position]));
        expect(new Set(r.doc.nodes.map((n) => `${n.position.x},${n.position.y}`)).size).toBe(r.doc.nodes.length);
        for (const edge of r.doc.edges) expect(pos.get(edge.to.node)!.y).toBeGreaterThan(pos.get(edge.from.node)!.y);

        const out = exportGraph(r.doc, { weights: r.weights });
        if (!out.ok) throw new Error(out.diagnostics.map((d) => `${d.node}: ${d.message}`).join('; '));
        // Every imported weight was used (none silently replaced by a fresh initialisation).
        for (const k of r.weights.keys()) expect(out.weights.get(k)).toBe(r.weights.get(k));
        checkOnnx(out.onnx);
        const x = sample(e, 5, opset);
        const diff = maxDiff(await run(bytes, x), await run(out.onnx, x));
        expect(diff).toBeLessThanOrEqual(1e-4);
      });
    }
  }

  it('operators without a layer are kept: the re-exported nodes are the original ones', () => {
    const e = manifest.find((m) => m.name === 'generic' && m.opset === 17)!;
    const original = decodeModel(readFileSync(join(dir, e.file)));
    const r = importOnnx(readFileSync(join(dir, e.file)));
    const out = exportGraph(r.doc, { weights: r.weights });
    if (!out.ok) throw new Error('export failed');
    const again = decodeModel(out.onnx);
    for (const op of ['Erf', 'CumSum', 'Mul']) {
      const a = original.graph.nodes.find((n) => n.opType === op)!;
      const b = again.graph.nodes.find((n) => n.opType === op)!;
      expect(b.attributes ?? {}).toEqual(a.attributes ?? {});
      expect(b.inputs.length).toBe(a.inputs.length);
    }
    // An empty optional input in the middle stays empty: Resize(x, '', scales).
    const up = manifest.find((m) => m.name === 'upsample' && m.opset === 13)!;
    const upDoc = importOnnx(readFileSync(join(dir, up.file)));
    const upOut = exportGraph(upDoc.doc, { weights: upDoc.weights });
    if (!upOut.ok) throw new Error('export failed');
    const resize = decodeModel(upOut.onnx).graph.nodes.find((n) => n.opType === 'Resize')!;
    expect(resize.inputs.length).toBe(3);
    expect(resize.inputs[1]).toBe('');
    expect(resize.attributes).toEqual(decodeModel(readFileSync(join(dir, up.file))).graph.nodes.find((n) => n.opType === 'Resize')!.attributes);
    const mul = r.doc.nodes.find((n) => n.kind === 'OnnxOp' && n.params.op_type === 'Mul')!;
    expect(JSON.parse(mul.params.inputs as string)).toEqual(['in', { const: { dtype: 'float32', dims: [], values: [2] } }]);
  });
});

/** A classification set whose labels the imported model can learn: the class is the argmax of a fixed projection. */
function dataset(e: Entry, classes: number, size: number): Dataset {
  const x = sample(e, size, 99);
  const per = x.data.length / size;
  const y = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const s = Array.from({ length: classes }, (_, c) => {
      let v = 0;
      for (let k = 0; k < per; k++) v += x.data[i * per + k]! * Math.sin(1 + c * 3.1 + k * 0.7);
      return v;
    });
    y[i] = s.indexOf(Math.max(...s));
  }
  return {
    info: { name: 'synthetic', title: 'synthetic', description: '', origin: 'test', task: 'classification', defaultSplit: { val: 0, test: 0 } },
    size,
    inputs: { x: { shape: e.input.shape, dtype: e.input.dtype } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x: x.data, y },
  };
}

function withLoss(doc: GraphDoc): GraphDoc {
  const last = doc.nodes[doc.nodes.length - 1]!;
  return {
    ...doc,
    nodes: [...doc.nodes, { id: 'loss', kind: 'CrossEntropyLoss', params: {}, position: { x: 0, y: 0 } }],
    edges: [...doc.edges, { id: 'to-loss', from: { node: last.id }, to: { node: 'loss', port: 'input' } }],
  };
}

describe('fine-tuning an imported model', () => {
  for (const [name, classes] of [['mlp', 3], ['gelu', 3], ['cnn', 10], ['lstm', 4], ['gru', 3], ['transformer', 3]] as const) {
    it(`${name}: every node is a catalogue layer, and training from the imported weights lowers the loss`, async () => {
      const e = manifest.find((m) => m.name === name && m.opset === 17)!;
      const r = importOnnx(readFileSync(join(dir, e.file)));
      expect(r.doc.nodes.some((n) => n.kind === 'OnnxOp')).toBe(false);
      const shaped = inferShapes(withLoss(r.doc));
      expect(shaped.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const trainer = new Trainer(
        shaped,
        dataset(e, classes, 64),
        nodeBackend('native'),
        { steps: 12, batchSize: 16, optimizer: { kind: 'Adam', params: { lr: 0.01 } }, lr: 0.01, seed: 1, shuffle: false, valSplit: 0 },
        { weights: r.weights },
      );
      const losses: number[] = [];
      const res = await trainer.run({ onStep: (s) => losses.push(s.loss) });
      expect(res.status).toBe('finished');
      // The first step starts from the imported weights: its loss is the original model's on that batch.
      const first4 = losses.slice(0, 4).reduce((a, b) => a + b) / 4;
      const last4 = losses.slice(-4).reduce((a, b) => a + b) / 4;
      expect(last4).toBeLessThan(first4);
    }, 60_000);
  }
});

describe('graph outputs', () => {
  it('an output that another operator also reads stays an output (an Identity is added), in onnxruntime too', async () => {
    const bytes = encodeModel({
      irVersion: 8,
      opsetImports: [{ domain: '', version: 17 }],
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'g',
        nodes: [
          { name: 'r', opType: 'Relu', inputs: ['x'], outputs: ['h'] },
          { name: 's', opType: 'Sigmoid', inputs: ['h'], outputs: ['y'] },
        ],
        inputs: [{ name: 'x', elemType: 'float32', shape: ['N', 3] }],
        outputs: [
          { name: 'h', elemType: 'float32', shape: ['N', 3] },
          { name: 'y', elemType: 'float32', shape: ['N', 3] },
        ],
        initializers: [],
      },
    });
    const r = importOnnx(bytes);
    expect(r.doc.nodes.map((n) => [n.id, n.kind])).toEqual([['x', 'Input'], ['relu', 'ReLU'], ['sigmoid', 'Sigmoid'], ['h', 'OnnxOp']]);
    const out = exportGraph(r.doc);
    if (!out.ok) throw new Error('export failed');
    const s = await createNodeRunner(out.onnx);
    const y = await s.run({ x: { shape: [1, 3], dtype: 'float32', data: Float32Array.from([-1, 0, 2]) } });
    await s.release();
    expect(Object.keys(y).sort()).toEqual(['h', 'sigmoid']);
    expect(Array.from(y.h!.data)).toEqual([0, 0, 2]);
    expect(Array.from(y.sigmoid!.data)).toEqual([0.5, 0.5, Math.fround(1 / (1 + Math.exp(-2)))]);
  });
});

describe('files that cannot be imported', () => {
  const message = (bytes: Uint8Array) => {
    try {
      importOnnx(bytes);
    } catch (e) {
      expect(e).toBeInstanceOf(OnnxImportError);
      expect((e as Error).message).not.toContain('\n');
      return (e as Error).message;
    }
    throw new Error('imported without complaint');
  };
  const tiny = (nodes: OnnxModel['graph']['nodes'], domains: OnnxModel['opsetImports'] = [{ domain: '', version: 17 }]): Uint8Array =>
    encodeModel({
      irVersion: 8,
      opsetImports: domains,
      producerName: 'test',
      producerVersion: '1',
      graph: {
        name: 'g',
        nodes,
        inputs: [{ name: 'x', elemType: 'float32', shape: ['N', 3] }],
        outputs: [{ name: 'y', elemType: 'float32', shape: ['N', 3] }],
        initializers: [],
      },
    });

  it('truncated bytes', () => {
    const bytes = readFileSync(join(dir, 'mlp_op17.onnx'));
    expect(message(bytes.subarray(0, Math.floor(bytes.length / 2)))).toMatch(/truncated|corrupt/);
  });
  it('random bytes', () => {
    const rng = new Rng(3);
    expect(message(Uint8Array.from({ length: 300 }, () => Math.floor(rng.next() * 256)))).toMatch(/not a valid ONNX file|not an ONNX model/);
  });
  it('an operator of an unknown domain', () => {
    const bytes = tiny([{ name: 'odd', opType: 'FancyOp', domain: 'com.example', inputs: ['x'], outputs: ['y'] }], [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }]);
    expect(message(bytes)).toBe(
      "node 'odd' uses operator FancyOp of domain 'com.example', which is not a standard ONNX operator; Layerloom can only keep operators of the default ONNX domain",
    );
  });
  it('an empty graph', () => {
    expect(message(tiny([]))).toBe('the model graph is empty: it has no operators');
  });
  it('an operator whose output shape is unknown', () => {
    expect(message(tiny([{ name: 'nz', opType: 'NonZero', inputs: ['x'], outputs: ['t'] }, { name: 'c', opType: 'Cast', inputs: ['t'], outputs: ['y'], attributes: { to: { type: 'int', value: 1 } } }]))).toMatch(
      /cannot tell the output shape of operator NonZero \(node 'nz'\)/,
    );
  });
});
