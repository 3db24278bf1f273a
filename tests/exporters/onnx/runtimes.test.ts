/** Models encoded by our writer load and run in onnxruntime (native and WASM) and pass the official checker. */
import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../../exporters/onnx/encode';
import { checkOnnx } from '../../helpers/onnx-checker';
import { mlpModel, mlpReference } from './models';

const N = 5;
const X = Array.from({ length: N * 3 }, (_, i) => Math.sin(i * 1.7) * 2);

function expectClose(actual: ArrayLike<number>, expected: readonly number[]): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThanOrEqual(1e-6);
}

describe('models written by encodeModel', () => {
  const bytes = encodeModel(mlpModel());
  const reference = mlpReference(Array.from(Float32Array.from(X)), N);

  it('pass the ONNX checker with full_check', () => {
    expect(() => checkOnnx(bytes)).not.toThrow();
  });

  it('the checker helper reports what is wrong with a bad model', () => {
    const model = mlpModel();
    const broken = encodeModel({ ...model, graph: { ...model.graph, nodes: model.graph.nodes.slice(1) } });
    expect(() => checkOnnx(broken)).toThrow(/ONNX checker rejected the model: ValidationError: Nodes in a graph must be topologically sorted/);
  });

  it('run in onnxruntime-node', async () => {
    const session = await ortNode.InferenceSession.create(bytes);
    expect(session.inputNames).toEqual(['x']);
    expect(session.outputNames).toEqual(['y', 's']);
    const out = await session.run({ x: new ortNode.Tensor('float32', Float32Array.from(X), [N, 3]) });
    expect(out['y']!.dims).toEqual([N, 4]);
    expect(out['s']!.dims).toEqual([N, 2, 2]);
    expectClose(out['y']!.data as Float32Array, reference.y);
    expectClose(out['s']!.data as Float32Array, reference.s);
    await session.release();
  });

  it('run in onnxruntime-web (WASM, in Node)', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const session = await ortWeb.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
    const out = await session.run({ x: new ortWeb.Tensor('float32', Float32Array.from(X), [N, 3]) });
    expect(out['y']!.dims).toEqual([N, 4]);
    expectClose(out['y']!.data as Float32Array, reference.y);
    expectClose(out['s']!.data as Float32Array, reference.s);
    await session.release();
  });
});
