/**
 * IrBuilder.split into more than SPLIT_FAN_OUT parts builds a tree of Splits (WebGPU binds one storage buffer
 * per input and output and guarantees 8 per shader): every node cuts into at most SPLIT_FAN_OUT parts, the
 * parts equal plain index arithmetic in the reference kernels and in onnxruntime, and the gradient is a tree of
 * Concats no wider than SPLIT_FAN_OUT that hands every part's gradient back to its place.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, IrBuilder, type Tensor } from '../../../graph-core';
import { SPLIT_FAN_OUT } from '../../../graph-core/ir/builder';
import { encodeModel } from '../../../exporters/onnx/encode';
import { irToOnnx } from '../../../exporters/onnx/from-ir';
import { expectClose, randTensor, runInOrt } from '../../helpers/op-check';

/** Part k of x along axis 1 of a [2, D, 3] tensor, cut by `sizes`, written out by index. */
function expectedPart(x: Tensor, sizes: readonly number[], k: number): number[] {
  const D = x.shape[1]!;
  const start = sizes.slice(0, k).reduce((a, b) => a + b, 0);
  const out: number[] = [];
  for (let n = 0; n < 2; n++) for (let d = start; d < start + sizes[k]!; d++) for (let c = 0; c < 3; c++) out.push(x.data[(n * D + d) * 3 + c]!);
  return out;
}

describe('IrBuilder.split into many parts', () => {
  it.each([
    ['32 equal parts (an LSTM over 32 steps)', new Array<number>(32).fill(2)],
    ['64 parts of mixed sizes', Array.from({ length: 64 }, (_, i) => 1 + (i % 3))],
    ['exactly SPLIT_FAN_OUT parts', Array.from({ length: SPLIT_FAN_OUT }, (_, i) => i + 1)],
    ['SPLIT_FAN_OUT + 1 parts', Array.from({ length: SPLIT_FAN_OUT + 1 }, () => 3)],
  ])('%s: small Split nodes, parts equal to index arithmetic, in the reference kernels and onnxruntime', async (_, sizes) => {
    const D = sizes.reduce((a, b) => a + b, 0);
    const x = randTensor([2, D, 3], 11);
    const ir = new IrBuilder();
    const parts = ir.split(ir.input('x', { shape: [2, D, 3], dtype: 'float32' }), 1, sizes);
    expect(parts).toHaveLength(sizes.length);
    parts.forEach((p, k) => ir.output(`p${k}`, p));
    const g = ir.build();
    const splits = g.nodes.filter((n) => n.op === 'Split');
    for (const n of splits) expect(n.outputs.length).toBeLessThanOrEqual(SPLIT_FAN_OUT);
    if (sizes.length <= SPLIT_FAN_OUT) expect(splits).toHaveLength(1);
    else expect(splits.length).toBeGreaterThan(1);

    const ref = evaluateIr(g, { x }, {});
    const ort = await runInOrt(encodeModel(irToOnnx(g, { name: 'split-tree', weights: new Map() })), { x });
    sizes.forEach((s, k) => {
      expect(ref[`p${k}`]!.shape).toEqual([2, s, 3]);
      expect(Array.from(ref[`p${k}`]!.data)).toEqual(expectedPart(x, sizes, k).map((v) => Math.fround(v)));
      expectClose(ort[`p${k}`]!, ref[`p${k}`]!, 0, `part ${k} in onnxruntime`);
    });
  });

  it('its gradient puts each part’s gradient back in place, through Concats of at most SPLIT_FAN_OUT inputs', () => {
    const sizes = new Array<number>(32).fill(2);
    const x = randTensor([2, 64, 3], 12);
    const ir = new IrBuilder();
    const xv = ir.input('x', { shape: [2, 64, 3], dtype: 'float32' });
    const parts = ir.split(xv, 1, sizes);
    // loss = Σ_k (k + 1) · Σ part_k, leaving part 5 out: d loss / d x is k + 1 on part k's rows, 0 on part 5's.
    const terms = parts.flatMap((p, k) => (k === 5 ? [] : [ir.mul(ir.reduceSum(p, [0, 1, 2], false), ir.scalar(k + 1))]));
    const loss = terms.reduce((a, b) => ir.add(a, b));
    const forward = ir.nodeList.length;
    const gx = autodiff(ir, loss, [xv]).get(xv.id)!;
    ir.output('g', gx);
    const backward = ir.nodeList.slice(forward);
    for (const n of backward.filter((b) => b.op === 'Concat')) expect(n.inputs.length).toBeLessThanOrEqual(SPLIT_FAN_OUT);
    const grad = evaluateIr(ir.build(), { x }, {})['g']!;
    expect(grad.shape).toEqual([2, 64, 3]);
    for (let n = 0; n < 2; n++)
      for (let d = 0; d < 64; d++)
        for (let c = 0; c < 3; c++) {
          const k = Math.floor(d / 2);
          expect(grad.data[(n * 64 + d) * 3 + c], `g[${n}, ${d}, ${c}]`).toBe(k === 5 ? 0 : k + 1);
        }
  });

  it('a builder for CPU-only graphs (splitFanOut Infinity) cuts 32 parts with one Split, the same parts, in onnxruntime too', async () => {
    const sizes = Array.from({ length: 32 }, (_, i) => 1 + (i % 3));
    const D = sizes.reduce((a, b) => a + b, 0);
    const x = randTensor([2, D, 3], 13);
    const ir = new IrBuilder({ splitFanOut: Infinity });
    const parts = ir.split(ir.input('x', { shape: [2, D, 3], dtype: 'float32' }), 1, sizes);
    parts.forEach((p, k) => ir.output(`p${k}`, p));
    const g = ir.build();
    expect(g.nodes.map((n) => [n.op, n.outputs.length])).toEqual([['Split', 32]]);
    const ort = await runInOrt(encodeModel(irToOnnx(g, { name: 'split-flat', weights: new Map() })), { x });
    sizes.forEach((_, k) => expect(Array.from(ort[`p${k}`]!.data), `part ${k}`).toEqual(expectedPart(x, sizes, k).map((v) => Math.fround(v))));
  });
});
