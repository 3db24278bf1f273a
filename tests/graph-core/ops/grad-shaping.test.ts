/**
 * Gradient rules of the shaping and indexing ops (Concat, Slice, Split, Gather, GatherElements, Unsqueeze,
 * Squeeze, Expand) against central differences, plus hand-computed values where a rule has a special path.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, getOp, IrBuilder, IrError, type GradCtx, type Tensor, type V } from '../../../graph-core';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { gradCheck } from '../../helpers/grad-check';
import { expectClose, intTensor, randTensor, runInOrt } from '../../helpers/op-check';

/** d(Σ y·R)/d(x) for y = build(x), evaluated with the reference kernels. */
function gradOf(x: Tensor, build: (ir: IrBuilder, x: V) => V, r: Tensor): { grad: Tensor; ops: string[] } {
  const ir = new IrBuilder();
  const xv = ir.input('x', { shape: x.shape, dtype: x.dtype });
  const y = build(ir, xv);
  const loss = ir.reduceSum(ir.mul(y, ir.constant(r)), y.type.shape.map((_, i) => i), false);
  const forward = ir.nodeList.length;
  const g = autodiff(ir, loss, [xv]).get(xv.id)!;
  ir.output('g', g);
  const ops = ir.nodeList.slice(forward).map((n) => n.op);
  return { grad: evaluateIr(ir.build(), { x }, {})['g']!, ops };
}

const values = (t: Tensor) => Array.from(t.data, (v) => Math.round(v * 1e5) / 1e5);

describe('Concat gradient', () => {
  it('slices g back to each input, on any axis', () => {
    gradCheck('Concat', [randTensor([2, 1, 3], 1), randTensor([2, 3, 3], 2), randTensor([2, 2, 3], 3)], { axis: 1 });
    gradCheck('Concat', [randTensor([3, 2], 4), randTensor([1, 2], 5)], { axis: 0 });
    gradCheck('Concat', [randTensor([2, 3], 6), randTensor([2, 4], 7)], { axis: -1 });
    gradCheck('Concat', [randTensor([2, 3], 8)], { axis: 0 });
  });
  it('gives each input exactly its part of g', () => {
    const r = { shape: [2, 3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const { grad } = gradOf(randTensor([2, 1], 9), (ir, x) => ir.concat([ir.tensor([2, 2], [0, 0, 0, 0]), x], 1), r);
    expect(grad.shape).toEqual([2, 1]);
    expect(values(grad)).toEqual([3, 6]);
  });
});

describe('Slice gradient', () => {
  const x = randTensor([3, 7, 2], 10);
  it('step 1: zeros before and after g', () => {
    gradCheck('Slice', [x], { axis: 1, start: 2, end: 5 });
    gradCheck('Slice', [x], { axis: 1, start: 0, end: 4 });
    gradCheck('Slice', [x], { axis: 1, start: 3, end: Infinity });
    gradCheck('Slice', [x], { axis: 0, start: -Infinity, end: Infinity });
    gradCheck('Slice', [x], { axis: -2, start: -4, end: -1 });
    gradCheck('Slice', [x], { axis: 2, start: 1, end: 100 });
  });
  it('other steps: a 0/1 selection matrix on any axis', () => {
    gradCheck('Slice', [x], { axis: 1, start: 1, end: 7, step: 2 });
    gradCheck('Slice', [x], { axis: 1, start: Infinity, end: -Infinity, step: -1 });
    gradCheck('Slice', [x], { axis: 0, start: 2, end: 0, step: -2 });
    gradCheck('Slice', [x], { axis: -1, start: -1, end: -3, step: -1 });
    gradCheck('Slice', [x], { axis: 2, start: 0, end: 2, step: 3 });
    gradCheck('Slice', [randTensor([9], 11)], { axis: 0, start: -2, end: 0, step: -3 });
  });
  it('puts g back in the selected places', () => {
    const r1 = { shape: [2], dtype: 'float32' as const, data: Float32Array.from([10, 20]) };
    const a = gradOf(randTensor([5], 12), (ir, v) => ir.slice(v, 0, 1, 3), r1);
    expect(values(a.grad)).toEqual([0, 10, 20, 0, 0]);
    expect(a.ops).toContain('Concat');
    const r2 = { shape: [3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3]) };
    const b = gradOf(randTensor([6], 13), (ir, v) => ir.slice(v, 0, 5, -Infinity, -2), r2);
    expect(values(b.grad)).toEqual([0, 3, 0, 2, 0, 1]);
    expect(b.ops).toContain('MatMul');
  });
});

describe('Split gradient', () => {
  it('concatenates the parts’ gradients', () => {
    gradCheck('Split', [randTensor([2, 6, 2], 14)], { axis: 1, split: [1, 2, 3] });
    gradCheck('Split', [randTensor([4, 3], 15)], { axis: -1, split: [2, 1] });
    gradCheck('Split', [randTensor([4, 3], 16)], { axis: 0, split: [4] });
  });
  it('fills parts that do not reach the loss with zeros', () => {
    const r = { shape: [2, 2], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4]) };
    const mid = gradOf(randTensor([2, 5], 17), (ir, v) => ir.split(v, 1, [1, 2, 2])[1]!, r);
    expect(mid.grad.shape).toEqual([2, 5]);
    expect(values(mid.grad)).toEqual([0, 1, 2, 0, 0, 0, 3, 4, 0, 0]);
    const first = gradOf(randTensor([2, 5], 18), (ir, v) => ir.split(v, 1, [2, 3])[0]!, r);
    expect(values(first.grad)).toEqual([1, 2, 0, 0, 0, 3, 4, 0, 0, 0]);
  });
});

describe('Gather gradient', () => {
  it('axis 0 (embedding): repeated and negative indices accumulate', () => {
    gradCheck('Gather', [randTensor([5, 3], 19), intTensor([2, 3], [0, 4, -1, 2, 2, -5])], { axis: 0 });
    gradCheck('Gather', [randTensor([4], 20), intTensor([3], [3, 3, 1])], { axis: 0 });
    gradCheck('Gather', [randTensor([4, 2, 2], 21), intTensor([], [-2])], { axis: 0 });
  });
  it('other axes', () => {
    gradCheck('Gather', [randTensor([2, 5, 3], 22), intTensor([2, 2], [0, 4, -1, 0])], { axis: 1 });
    gradCheck('Gather', [randTensor([3, 4], 23), intTensor([5], [3, 0, -1, 2, 0])], { axis: -1 });
    gradCheck('Gather', [randTensor([2, 3, 4], 24), intTensor([], [1])], { axis: 1 });
    gradCheck('Gather', [randTensor([2, 3, 4], 25), intTensor([3, 1], [0, 3, -4])], { axis: 2 });
  });
  it('adds each gathered row back to its source row', () => {
    const ir = new IrBuilder();
    const w = ir.input('w', { shape: [4, 2], dtype: 'float32' });
    const ids = ir.input('ids', { shape: [3], dtype: 'int64' });
    const y = ir.gather(w, ids, 0);
    const r = ir.tensor([3, 2], [1, 2, 3, 4, 5, 6]);
    const loss = ir.reduceSum(ir.mul(y, r), [0, 1], false);
    const forward = ir.nodeList.length;
    const grads = autodiff(ir, loss, [w, ids]);
    expect(grads.has(ids.id)).toBe(false);
    ir.output('g', grads.get(w.id)!);
    const out = evaluateIr(ir.build(), { w: randTensor([4, 2], 26), ids: intTensor([3], [2, -1, 2]) }, {});
    expect(values(out['g']!)).toEqual([0, 0, 0, 0, 6, 8, 3, 4]);
    const ops = ir.nodeList.slice(forward).map((n) => n.op);
    // The one-hot product, not ScatterND-add (whose onnxruntime CPU kernel loses repeated rows on 2–3 threads).
    expect(ops).toContain('MatMul');
    expect(ops).not.toContain('ScatterND');
    expect(ops).not.toContain('Gather');
  });
  it('needs concrete shapes (train-step graphs have a fixed batch)', () => {
    const ir = new IrBuilder();
    const w = ir.input('w', { shape: [4, 2], dtype: 'float32' });
    const ids = ir.input('ids', { shape: ['N', 3], dtype: 'int64' });
    const y = ir.gather(w, ids, 0);
    const g = ir.input('g', y.type);
    const rule = getOp('Gather')!.gradient as (c: GradCtx<{ axis: number }>) => readonly (V | undefined)[];
    expect(() => rule({ ir, inputs: [w, ids], outputs: [y], attrs: { axis: 0 }, grads: [g] })).toThrow(IrError);
  });
});

describe('GatherElements gradient', () => {
  it('on each axis, with repeated and negative indices', () => {
    gradCheck('GatherElements', [randTensor([3, 4], 27), intTensor([3, 4], [0, 2, 2, -1, 1, 1, 0, 2, -3, 0, 1, 2])], { axis: 0 });
    gradCheck('GatherElements', [randTensor([3, 4], 28), intTensor([3, 2], [3, 3, 0, -1, 1, 2])], { axis: 1 });
    gradCheck('GatherElements', [randTensor([2, 3, 2], 29), intTensor([2, 3, 2], [0, 1, 2, 2, 1, 0, -1, 0, 0, 1, 2, 2])], { axis: -2 });
  });
  it('indices larger along the axis, smaller off it', () => {
    gradCheck('GatherElements', [randTensor([2, 3], 30), intTensor([2, 5], [0, 1, 2, 2, 0, 1, 1, -1, 0, 2])], { axis: 1 });
    gradCheck('GatherElements', [randTensor([3, 4], 31), intTensor([2, 2], [1, 0, 2, 1])], { axis: 0 });
    gradCheck('GatherElements', [randTensor([3, 4, 2], 32), intTensor([2, 3, 1], [3, 0, 1, 1, 1, 2])], { axis: 1 });
  });
  it('adds g to the elements it was read from', () => {
    // Cross-entropy style pick of one class per row; row 2 is not covered by the indices (padded with zeros).
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: [3, 3], dtype: 'float32' });
    const ids = ir.input('ids', { shape: [2, 2], dtype: 'int64' });
    const y = ir.gatherElements(x, ids, 1);
    const loss = ir.reduceSum(ir.mul(y, ir.tensor([2, 2], [1, 2, 3, 4])), [0, 1], false);
    const grads = autodiff(ir, loss, [x, ids]);
    expect(grads.has(ids.id)).toBe(false);
    ir.output('g', grads.get(x.id)!);
    const out = evaluateIr(ir.build(), { x: randTensor([3, 3], 33), ids: intTensor([2, 2], [2, 2, 0, -2]) }, {});
    expect(out['g']!.shape).toEqual([3, 3]);
    expect(values(out['g']!)).toEqual([0, 0, 3, 3, 4, 0, 0, 0, 0]);
  });
});

describe('Unsqueeze, Squeeze and Expand gradients', () => {
  it('Unsqueeze: squeezes g', () => {
    gradCheck('Unsqueeze', [randTensor([2, 3], 34)], { axes: [0] });
    gradCheck('Unsqueeze', [randTensor([2, 3], 35)], { axes: [-1] });
    gradCheck('Unsqueeze', [randTensor([2, 3], 36)], { axes: [1, 3] });
  });
  it('Squeeze: unsqueezes g', () => {
    gradCheck('Squeeze', [randTensor([2, 1, 3], 37)], { axes: [1] });
    gradCheck('Squeeze', [randTensor([2, 3, 1], 38)], { axes: [-1] });
    gradCheck('Squeeze', [randTensor([1, 2, 1, 3], 39)], { axes: [0, -2] });
  });
  it('Expand: sums g over the broadcast dims', () => {
    gradCheck('Expand', [randTensor([3, 1], 40)], { shape: [2, 3, 4] });
    gradCheck('Expand', [randTensor([3, 1], 41)], { shape: [3] });
    gradCheck('Expand', [randTensor([1, 4], 42)], { shape: [3, 1] });
    gradCheck('Expand', [randTensor([2, 3], 43)], { shape: [2, 3] });
    const r = { shape: [2, 3], dtype: 'float32' as const, data: Float32Array.from([1, 2, 3, 4, 5, 6]) };
    const { grad } = gradOf(randTensor([1, 3], 44), (ir, v) => ir.expand(v, [2, 3]), r);
    expect(grad.shape).toEqual([1, 3]);
    expect(values(grad)).toEqual([5, 7, 9]);
  });
});

describe('backward graphs export to ONNX', () => {
  it('onnxruntime computes the same gradients as the reference kernels', async () => {
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: [2, 6, 3], dtype: 'float32' });
    const w = ir.input('w', { shape: [5, 3], dtype: 'float32' });
    const ids = ir.input('ids', { shape: [2, 4], dtype: 'int64' });
    const pick = ir.input('pick', { shape: [2, 1], dtype: 'int64' });
    const [a, b, c] = ir.split(x, 1, [2, 3, 1]) as [V, V, V];
    const emb = ir.gather(w, ids, 0); // [2, 4, 3]
    const joined = ir.concat([a, ir.slice(b, 1, 2, -Infinity, -2), ir.slice(emb, 1, 1, 3)], 1); // [2, 6, 3]
    const spread = ir.expand(ir.unsqueeze(ir.squeeze(c, [1]), [0]), [2, 2, 3]); // [2, 2, 3]
    const rows = ir.reduceSum(ir.concat([joined, spread], 1), [2], false); // [2, 8]
    const picked = ir.gatherElements(ir.gather(rows, ir.tensor([3], [7, 0, -3], 'int64'), 1), pick, 1); // [2, 1]
    const loss = ir.reduceSum(ir.mul(picked, ir.tensor([2, 1], [1.5, -2])), [0, 1], false);
    const grads = autodiff(ir, loss, [x, w]);
    ir.output('gx', grads.get(x.id)!);
    ir.output('gw', grads.get(w.id)!);
    const g = ir.build();
    const feeds = { x: randTensor([2, 6, 3], 45), w: randTensor([5, 3], 46), ids: intTensor([2, 4], [4, 0, -1, 2, 3, 3, 1, -5]), pick: intTensor([2, 1], [2, 1]) };
    const ref = evaluateIr(g, feeds, {});
    const got = await runInOrt(encodeModel(irToOnnx(g, { name: 'grad-shaping', weights: new Map() })), feeds);
    expectClose(got['gx']!, ref['gx']!, 1e-5, 'gx');
    expectClose(got['gw']!, ref['gw']!, 1e-5, 'gw');
    expect(values(ref['gx']!).some((v) => v !== 0)).toBe(true);
    expect(values(ref['gw']!).some((v) => v !== 0)).toBe(true);
  });
});
