/**
 * clipByGlobalNorm against torch.nn.utils.clip_grad_norm_ (torch 1.13), in one Python call: gradients of
 * several shapes (a scalar among them), clipped and not clipped.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateIr, IrBuilder, type Tensor } from '../../../graph-core';
import { clipByGlobalNorm, globalNorm } from '../../../graph-core/optimizers';
import { expectRelClose, randomValues, torchReference, type ClipCase, type FlatTensor, type TorchResults } from './torch-optim';

const grads = (shapes: readonly (readonly number[])[], seed: number, scale: number): FlatTensor[] =>
  shapes.map((shape, k) => ({ shape, data: randomValues(shape.reduce((a, b) => a * b, 1), seed + k, scale) }));

const SHAPES = [[4, 3], [4], [], [2, 3, 2]];

const cases: readonly (ClipCase & { name: string })[] = [
  { name: 'a large norm is scaled down to max_norm', grads: grads(SHAPES, 1, 2), max_norm: 1 },
  { name: 'a norm below max_norm is left alone (coefficient clamped to 1)', grads: grads(SHAPES, 2, 0.1), max_norm: 5 },
  { name: 'a single gradient tensor', grads: grads([[10]], 3, 1), max_norm: 0.5 },
];

/** Our clipped gradients and global norm, from the reference evaluator. */
function ours(c: ClipCase): { grads: Tensor[]; total: number } {
  const ir = new IrBuilder();
  const gs = c.grads.map((g, k) => ir.input(`g${k}`, { shape: [...g.shape], dtype: 'float32' }));
  clipByGlobalNorm(ir, gs, c.max_norm).forEach((v, k) => ir.output(`clipped${k}`, v));
  ir.output('norm', globalNorm(ir, gs));
  const feeds = Object.fromEntries(c.grads.map((g, k) => [`g${k}`, { shape: [...g.shape], dtype: 'float32', data: Float32Array.from(g.data) } satisfies Tensor]));
  const out = evaluateIr(ir.build(), feeds, {});
  return { grads: c.grads.map((_, k) => out[`clipped${k}`]!), total: out.norm!.data[0]! };
}

let torch: TorchResults;
beforeAll(() => {
  torch = torchReference({ clips: cases });
});

describe('clipByGlobalNorm matches torch.nn.utils.clip_grad_norm_', () => {
  cases.forEach((c, k) => {
    it(c.name, () => {
      const got = ours(c);
      const ref = torch.clips[k]!;
      expectRelClose([got.total], [ref.total_norm], `${c.name}: total norm`);
      got.grads.forEach((g, i) => {
        expect(g.shape).toEqual(c.grads[i]!.shape);
        expectRelClose(g.data, ref.grads[i]!, `${c.name}: gradient ${i}`);
      });
      const norm = Math.hypot(...got.grads.flatMap((g) => Array.from(g.data)));
      if (ref.total_norm > c.max_norm) expect(norm).toBeCloseTo(c.max_norm, 5);
      else expect(got.grads.map((g) => Array.from(g.data))).toEqual(c.grads.map((g) => g.data));
    });
  });

  it('returns nothing for no gradients', () => {
    expect(clipByGlobalNorm(new IrBuilder(), [], 1)).toEqual([]);
  });
});
