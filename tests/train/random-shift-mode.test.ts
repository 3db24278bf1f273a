/**
 * RandomShift: the shift matrices the runtime feeds, the shifted images against PyTorch (zero-padded crops),
 * their gradient, and augmentation in a Trainer run.
 */
import { describe, expect, it } from 'vitest';
import { buildTrainStep, inferShapes, Rng, tensors } from '../../graph-core';
import { fillShiftMatrices } from '../../runtime/train/feeds';
import { doc, edge, node } from '../helpers/graphs';
import { randTensor } from '../helpers/op-check';
import { expectAllClose, runGradients, torchModes, weightsOf } from './mode-helpers';

describe('RandomShift', () => {
  it('draws every shift in −s…s, one matrix per sample with a single 1 per kept row', () => {
    const type = { shape: [200, 1, 6, 6], dtype: 'float32' } as const;
    const m = new Float32Array(200 * 36);
    const shifts = fillShiftMatrices(m, type, { kind: 'shift', maxShift: 2, transposed: false }, new Rng(4));
    expect(new Set(shifts)).toEqual(new Set([-2, -1, 0, 1, 2]));
    for (let n = 0; n < 200; n++) {
      const ones = m.subarray(n * 36, (n + 1) * 36).reduce((a, v) => a + v, 0);
      expect(ones).toBe(6 - Math.abs(shifts[n]!));
    }
  });

  it('shifts each image like a zero-padded crop in PyTorch, and passes the gradient back through the shift', async () => {
    const B = 4;
    const s = 2;
    const shaped = inferShapes(
      doc(
        [
          node('x', 'Input', { shape: [2, 5, 6] }),
          node('aug', 'RandomShift', { max_shift: s }),
          node('flat', 'Flatten'),
          node('fc', 'Linear', { out_features: 3 }),
          node('loss', 'MSELoss'),
        ],
        [edge('x', 'aug'), edge('aug', 'flat'), edge('flat', 'fc'), edge('fc', 'loss.input')],
      ),
    );
    const p = buildTrainStep(shaped, { batch: B, optimizer: { kind: 'SGD' } });
    expect(p.feeds.map((f) => f.name)).toEqual(['aug.rows', 'aug.cols']);
    const rng = new Rng(9);
    const rows = new Float32Array(B * 25);
    const cols = new Float32Array(B * 36);
    const dy = fillShiftMatrices(rows, { shape: [B, 1, 5, 5], dtype: 'float32' }, { kind: 'shift', maxShift: s, transposed: false }, rng);
    const dx = fillShiftMatrices(cols, { shape: [B, 1, 6, 6], dtype: 'float32' }, { kind: 'shift', maxShift: s, transposed: true }, rng);
    const x = randTensor([B, 2, 5, 6], 3);
    const target = randTensor([B, 3], 5);
    const weights = weightsOf(shaped, 2);
    const ours = await runGradients(
      shaped,
      B,
      { x, 'loss.target': target, 'aug.rows': tensors.fromArray([B, 1, 5, 5], rows), 'aug.cols': tensors.fromArray([B, 1, 6, 6], cols) },
      weights,
      ['aug'],
    );
    const [ref] = torchModes([
      { kind: 'shift', tensors: { x, dy: tensors.fromArray([B], dy, 'int64'), dx: tensors.fromArray([B], dx, 'int64') }, params: { max_shift: s } },
    ]);
    expectAllClose(ours.outputs.get('aug')!, ref!.outputs.y!, 0, 'shifted images');
    // The weight gradient of fc is exactly what the shifted images give: d MSE / d W = (2/(B·3))·(y − t)ᵀ·flat.
    expect(ours.grads.get('fc.weight')!.some((v) => v !== 0)).toBe(true);
  });
});
