import { expect, it } from 'vitest';
import { autodiff, evaluateIr, inferShapes, lowerLayers, tensors } from '../../../graph-core';
import { layerCases, graphAround } from '../../helpers/layer-cases';

// No torch module (a torch.autograd.Function in DANN code); no parameters, identity forward.
layerCases('GradientReversal', [
  { name: 'default λ = 1 on features [N, 32]', inputs: { in: ['N', 32] }, outputs: { out: ['N', 32] }, paramCount: 0, weights: {}, flops: 0 },
  { name: 'dann schedule on a sequence', params: { lambda: 0.5, schedule: 'dann' }, inputs: { in: ['N', 5, 8] }, outputs: { out: ['N', 5, 8] }, paramCount: 0 },
  { name: 'λ = 0 is allowed (no reversal signal)', params: { lambda: 0 }, inputs: { in: ['N', 4] }, outputs: { out: ['N', 4] } },
  { name: 'a negative λ is a bad param', params: { lambda: -1 }, inputs: { in: ['N', 4] }, errors: ['BAD_PARAM'] },
  { name: 'an unknown schedule is a bad param', params: { schedule: 'linear' }, inputs: { in: ['N', 4] }, errors: ['BAD_PARAM'] },
  { name: 'γ = 0 is a bad param', params: { gamma: 0 }, inputs: { in: ['N', 4] }, errors: ['BAD_PARAM'] },
]);

it('in train mode the value passes unchanged and the gradient arrives as −λ times the upstream gradient', () => {
  const lowered = lowerLayers(inferShapes(graphAround('GradientReversal', { lambda: 0.7 }, { in: ['N', 3] })), { mode: 'train', batch: 2 });
  expect([...lowered.feeds]).toEqual([['L.lambda', { kind: 'schedule', value: 0.7, schedule: 'constant', gamma: 10 }]]);
  const ir = lowered.builder;
  const x = ir.value(lowered.ir.inputs.find((i) => i.name === 'in_in_0')!.value);
  const y = ir.value(lowered.ir.outputs[0]!.value);
  const r = ir.tensor([2, 3], [1, -2, 3, 0.5, 4, -1]);
  const loss = ir.reduceSum(ir.mul(y, r), [0, 1], false);
  const g = autodiff(ir, loss, [x]).get(x.id)!;
  ir.clearOutputs();
  ir.output('y', y);
  ir.output('g', g);
  const xs = tensors.fromArray([2, 3], [0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  // The runtime feeds the current λ; here 0.25, as a schedule would part-way through a run.
  const out = evaluateIr(ir.build(), { in_in_0: xs, 'L.lambda': tensors.fromArray([], [0.25]) }, {});
  expect(Array.from(out.y!.data)).toEqual(Array.from(xs.data));
  expect(Array.from(out.g!.data)).toEqual([1, -2, 3, 0.5, 4, -1].map((v) => Math.fround(-0.25 * v)));
});

it('in eval mode (export) the layer is absent: no λ input, no op', () => {
  const lowered = lowerLayers(inferShapes(graphAround('GradientReversal', { schedule: 'dann' }, { in: ['N', 3] })), { mode: 'eval' });
  expect(lowered.feeds.size).toBe(0);
  expect(lowered.ir.nodes).toEqual([]);
});
