/**
 * The fused update (graph-core/optimizers/fused-step.ts) against one update per weight: every optimizer and
 * setting that adds state or changes the arithmetic, on weights of different ranks, bit for bit with the
 * reference kernels (the per-weight updates are checked against torch.optim in optimizers.test.ts and the
 * one-step goldens).
 */
import { describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder, type Tensor, type V } from '../../../graph-core';
import { getOptimizer, resolveOptimizerParams } from '../../../graph-core/optimizers';
import { updateAll, type UpdateItem } from '../../../graph-core/optimizers/fused-step';
import { randTensor } from '../../helpers/op-check';

const shapes = [[3, 4], [5], [2, 1, 3, 2]];

function run(kind: string, raw: Record<string, number | boolean>, fused: boolean): Record<string, Tensor> {
  const def = getOptimizer(kind)!;
  const resolved = resolveOptimizerParams(def, raw);
  if (!resolved.ok) throw new Error(`bad params for ${kind}`);
  const q = resolved.params as never;
  const ir = new IrBuilder();
  const feeds: Record<string, Tensor> = { lr: { shape: [], dtype: 'float32', data: new Float32Array([0.01]) }, t: { shape: [], dtype: 'float32', data: new Float32Array([3]) } };
  const lr = ir.input('lr', { shape: [], dtype: 'float32' });
  const t = ir.input('t', { shape: [], dtype: 'float32' });
  const items: UpdateItem[] = shapes.map((shape, k) => {
    const input = (name: string, seed: number, lo = -1, hi = 1): V => {
      feeds[name] = randTensor(shape, seed, lo, hi);
      return ir.input(name, { shape, dtype: 'float32' });
    };
    // Second moments are non-negative, and RMSprop's centred variance square_avg − grad_avg² stays positive.
    const range = (s: string): [number, number] => (s.endsWith('sq') || s === 'square_avg' ? [0.5, 1] : s === 'grad_avg' ? [-0.1, 0.1] : [-1, 1]);
    const state = Object.fromEntries(def.state(q).map((s, j) => [s, input(`w${k}:${s}`, 100 * k + j + 3, ...range(s))]));
    return { name: `w${k}`, w: input(`w${k}`, 100 * k + 1), g: input(`g${k}`, 100 * k + 2), state };
  });
  const results = fused ? updateAll(ir, def, q, items, lr, t) : items.flatMap((it) => updateAll(ir, def, q, [it], lr, t));
  results.forEach((r, k) => {
    ir.output(`new:w${k}`, r.w);
    for (const [s, v] of Object.entries(r.state)) ir.output(`new:w${k}:${s}`, v);
  });
  return evaluateIr(ir.build(), feeds, {});
}

describe('fused optimizer update', () => {
  const settings: [string, Record<string, number | boolean>][] = [
    ['SGD', { lr: 0.01 }],
    ['SGD', { lr: 0.01, momentum: 0.9, nesterov: true, weight_decay: 0.01 }],
    ['Adam', { lr: 0.01 }],
    ['Adam', { lr: 0.01, amsgrad: true, weight_decay: 0.1 }],
    ['AdamW', { lr: 0.01, weight_decay: 0.05 }],
    ['RMSprop', { lr: 0.01, momentum: 0.5, centered: true }],
  ];
  for (const [kind, raw] of settings)
    it(`${kind} ${JSON.stringify(raw)}: the same values, bit for bit, as one update per weight`, () => {
      const fused = run(kind, raw, true);
      const single = run(kind, raw, false);
      expect(Object.keys(fused).sort()).toEqual(Object.keys(single).sort());
      expect(Object.keys(fused).length).toBeGreaterThanOrEqual(3);
      for (const [name, want] of Object.entries(single)) {
        expect(fused[name]!.shape, name).toEqual(want.shape);
        expect(Array.from(fused[name]!.data), name).toEqual(Array.from(want.data));
        expect(fused[name]!.data.every(Number.isFinite), name).toBe(true);
      }
      // The weights did move.
      expect(Array.from(fused['new:w0']!.data)).not.toEqual(Array.from(randTensor(shapes[0]!, 1).data));
    });
});
