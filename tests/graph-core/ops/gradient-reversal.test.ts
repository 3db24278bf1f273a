/**
 * GradientReversal: identity forward, −λ·g backward. A finite-difference check cannot see it (the forward
 * pass does not depend on λ and is the identity), so the rule is checked by exact values, in the reference
 * evaluator and in onnxruntime-node, where the forward node is a plain Identity of x.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, IrBuilder, IrError, tensors } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { randTensor, runInOrt } from '../../helpers/op-check';

describe('GradientReversal op', () => {
  it('refuses a λ that is not a scalar and inputs that are not float32', () => {
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: [2, 3], dtype: 'float32' });
    expect(() => ir.op('GradientReversal', [x, ir.input('l', { shape: [1], dtype: 'float32' })])).toThrow(IrError);
    expect(() => ir.op('GradientReversal', [ir.input('i', { shape: [2], dtype: 'int64' }), ir.scalar(1)])).toThrow(IrError);
    expect(() => ir.op('GradientReversal', [x])).toThrow(IrError);
  });

  it('copies x forward and sends −λ·g back, the same in the reference kernels and in onnxruntime', async () => {
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: [2, 3], dtype: 'float32' });
    const lambda = ir.input('lambda', { shape: [], dtype: 'float32' });
    const y = ir.op('GradientReversal', [x, lambda]);
    const r = randTensor([2, 3], 8);
    const loss = ir.reduceSum(ir.mul(y, ir.constant(r)), [0, 1], false);
    const grads = autodiff(ir, loss, [x, lambda]);
    expect(grads.has(lambda.id)).toBe(false);
    ir.output('y', y);
    ir.output('g', grads.get(x.id)!);
    const feeds = { x: randTensor([2, 3], 9), lambda: tensors.fromArray([], [0.4]) };
    const want = Array.from(r.data, (v) => -Math.fround(v * Math.fround(0.4)));
    const graph = ir.build();
    const ref = evaluateIr(graph, feeds, {});
    expect(Array.from(ref.y!.data)).toEqual(Array.from(feeds.x.data));
    expect(Array.from(ref.g!.data)).toEqual(want);
    const onnx = irToOnnx(graph, { name: 'grl', weights: new Map() });
    expect(onnx.graph.nodes.find((n) => n.name.includes('GradientReversal'))).toMatchObject({ opType: 'Identity', inputs: ['x'] });
    const ort = await runInOrt(encodeModel(onnx), feeds);
    expect(Array.from(ort.y!.data)).toEqual(Array.from(feeds.x.data));
    expect(Array.from(ort.g!.data)).toEqual(want);
  });
});
