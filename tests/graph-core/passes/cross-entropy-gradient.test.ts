/**
 * CrossEntropyLoss's hand-written backward (a customGradient span in graph-core/layers/cross-entropy-loss.ts)
 * against the backward autodiff derives op by op from the same forward ops, both evaluated with the reference
 * kernels: d loss / d logits for plain, label-smoothed and per-step losses, with ignored targets. The loss
 * against torch is checked in tests/train/losses-torch.test.ts and the one-step goldens.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, inferShapes, lowerLayers, Rng, type RawParamValue, type Tensor } from '../../../graph-core';
import { doc, edge, node } from '../../helpers/graphs';
import { intTensor, randTensor } from '../../helpers/op-check';

interface Case {
  readonly name: string;
  readonly shape: readonly number[]; // per sample: [C] or [T, C]
  readonly params: Readonly<Record<string, RawParamValue>>;
  /** Every k-th label is the ignore_index (none when absent). */
  readonly ignoreEvery?: number;
}

const BATCH = 5;
const CASES: readonly Case[] = [
  { name: '[N, C]', shape: [7], params: {} },
  { name: '[N, C] with label smoothing 0.2', shape: [7], params: { label_smoothing: 0.2 } },
  { name: '[N, C] with ignored targets', shape: [4], params: { ignore_index: 3 }, ignoreEvery: 2 },
  { name: '[N, T, C] with label smoothing and ignored targets', shape: [3, 6], params: { label_smoothing: 0.1, ignore_index: -100 }, ignoreEvery: 3 },
];

function gradient(c: Case, customGradients: boolean, x: Tensor, y: Tensor): { loss: Tensor; dx: Tensor; ops: number } {
  const shaped = inferShapes(
    doc(
      [node('x', 'Input', { shape: [...c.shape] }), node('y', 'Input', { shape: c.shape.slice(0, -1), dtype: 'int64' }), node('ce', 'CrossEntropyLoss', { ...c.params })],
      [edge('x', 'ce.input'), edge('y', 'ce.target')],
    ),
  );
  const lowered = lowerLayers(shaped, { mode: 'train', includeLosses: true, batch: BATCH });
  const ir = lowered.builder;
  const xv = lowered.valueOf('x', 'out')!;
  const loss = lowered.losses.get('ce')!;
  const before = ir.nodeList.length;
  const dx = autodiff(ir, loss, [xv], { customGradients }).get(xv.id)!;
  const ops = ir.nodeList.length - before;
  ir.clearOutputs();
  ir.output('loss', loss);
  ir.output('dx', dx);
  const out = evaluateIr(ir.build(), { x, y }, {});
  return { loss: out.loss!, dx: out.dx!, ops };
}

describe('CrossEntropyLoss backward: hand-written = op by op', () => {
  for (const c of CASES) {
    it(c.name, () => {
      const classes = c.shape[c.shape.length - 1]!;
      const x = randTensor([BATCH, ...c.shape], 11, -4, 4);
      const rng = new Rng(5);
      const n = BATCH * c.shape.slice(0, -1).reduce((a, d) => a * d, 1);
      const ignore = (c.params.ignore_index as number | undefined) ?? -100;
      const y = intTensor([BATCH, ...c.shape.slice(0, -1)], Array.from({ length: n }, (_, i) => (c.ignoreEvery && i % c.ignoreEvery === 1 ? ignore : rng.int(classes))));
      const fast = gradient(c, true, x, y);
      const slow = gradient(c, false, x, y);
      expect(fast.ops).toBeLessThan(slow.ops);
      expect(fast.loss.data[0]).toBe(slow.loss.data[0]);
      let worst = 0;
      slow.dx.data.forEach((e, i) => (worst = Math.max(worst, Math.abs(fast.dx.data[i]! - e))));
      expect(worst).toBeLessThan(1e-7); // entries are below 1/count, so 1e-7 is a few float32 roundings
      expect(Array.from(slow.dx.data).some((v) => Math.abs(v) > 1e-3)).toBe(true);
      if (c.ignoreEvery) {
        // the ignored items get no gradient at all
        const per = classes;
        for (let i = 0; i < n; i++) if (y.data[i] === ignore) expect(Array.from(fast.dx.data.slice(i * per, (i + 1) * per)).every((v) => v === 0)).toBe(true);
      }
    });
  }
});
