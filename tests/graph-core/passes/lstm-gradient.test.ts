/**
 * The LSTM's hand-written backward (a customGradient span in graph-core/layers/common/recurrent.ts) against the
 * backward that autodiff derives op by op from the same forward ops, evaluated with the reference kernels. The
 * derived one is built from the primitive ops' gradient rules, each checked by finite differences in
 * tests/graph-core/ops; the whole LSTM is also checked against torch in tests/train/one-step-golden.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, IrBuilder, IrError, type Tensor, type V } from '../../../graph-core';
import { lowerRecurrent, recurrentWeights } from '../../../graph-core/layers/common/recurrent';
import { customGradient } from '../../../graph-core/passes/autodiff';
import { randTensor } from '../../helpers/op-check';

type Port = 'out' | 'last' | 'h_n' | 'c_n';

interface Case {
  readonly name: string;
  readonly hidden: number;
  readonly layers: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
  readonly steps: number;
  readonly ports: readonly Port[];
}

const BATCH = 3;
const FEATURES = 4;

/** Lowers the LSTM, appends loss = Σ port ⊙ R over the chosen ports and the backward; returns the gradients and the backward's op count. */
function gradients(c: Case, customGradients: boolean): { grads: Record<string, Tensor>; ops: number } {
  const ir = new IrBuilder();
  const x = ir.input('x', { shape: [BATCH, c.steps, FEATURES], dtype: 'float32' });
  const q = { hidden_size: c.hidden, num_layers: c.layers, bias: c.bias, bidirectional: c.bidirectional, dropout: 0 };
  const specs = recurrentWeights(['N', c.steps, FEATURES], q, 4);
  const w: Record<string, V> = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, ir.input(k, { shape: s.shape, dtype: 'float32' })]));
  const states = (c.bidirectional ? 2 : 1) * c.layers;
  const outs = lowerRecurrent(
    {
      ir,
      x: { in: x },
      w,
      params: q,
      out: { h_n: [BATCH, states, c.hidden] },
      mode: 'train',
      feed: () => {
        throw new Error('no feeds without dropout');
      },
    },
    'lstm',
  );
  let loss: V | undefined;
  c.ports.forEach((p, k) => {
    const y = outs[p]!;
    const term = ir.reduceSum(ir.mul(y, ir.constant(randTensor(y.type.shape as number[], 50 + k))), y.type.shape.map((_, i) => i), false);
    loss = loss ? ir.add(loss, term) : term;
  });
  const wrt: [string, V][] = [['x', x], ...Object.entries(w)];
  const before = ir.nodeList.length;
  const g = autodiff(ir, loss!, wrt.map(([, v]) => v), { customGradients });
  for (const [name, v] of wrt) {
    const d = g.get(v.id);
    if (d) ir.output(`d:${name}`, d);
  }
  const feeds: Record<string, Tensor> = { x: randTensor([BATCH, c.steps, FEATURES], 1) };
  Object.entries(specs).forEach(([k, s], i) => (feeds[k] = randTensor(s.shape as number[], 10 + i, -0.6, 0.6)));
  return { grads: evaluateIr(ir.build(), feeds, {}), ops: ir.nodeList.length - before };
}

const cases: Case[] = [
  { name: 'one layer, last hidden state', hidden: 5, layers: 1, bidirectional: false, bias: true, steps: 6, ports: ['last'] },
  { name: 'every output at once', hidden: 4, layers: 1, bidirectional: false, bias: true, steps: 5, ports: ['out', 'last', 'h_n', 'c_n'] },
  { name: 'only the final cell state', hidden: 3, layers: 1, bidirectional: false, bias: true, steps: 4, ports: ['c_n'] },
  { name: '19 steps: the derivative factors in chunks of 16 and 3', hidden: 3, layers: 1, bidirectional: true, bias: true, steps: 19, ports: ['out', 'h_n'] },
  { name: 'one time step', hidden: 4, layers: 1, bidirectional: false, bias: true, steps: 1, ports: ['out', 'c_n'] },
  { name: 'two bidirectional layers, output sequence', hidden: 3, layers: 2, bidirectional: true, bias: true, steps: 4, ports: ['out'] },
  { name: 'two layers without bias, h_n and c_n', hidden: 4, layers: 2, bidirectional: false, bias: false, steps: 3, ports: ['h_n', 'c_n'] },
];

describe('LSTM hand-written backward', () => {
  for (const c of cases)
    it(`equals the op-by-op backward: ${c.name}`, () => {
      const custom = gradients(c, true);
      const derived = gradients(c, false);
      expect(Object.keys(custom.grads).sort()).toEqual(Object.keys(derived.grads).sort());
      expect(Object.keys(derived.grads).length).toBeGreaterThan(1);
      for (const [name, ref] of Object.entries(derived.grads)) {
        const got = custom.grads[name]!;
        expect(got.shape, name).toEqual(ref.shape);
        const scale = Math.max(1, ...Array.from(ref.data, Math.abs));
        let worst = 0;
        for (let k = 0; k < ref.data.length; k++) worst = Math.max(worst, Math.abs(got.data[k]! - ref.data[k]!));
        expect(worst / scale, `${name}: largest difference ${worst}`).toBeLessThan(1e-5);
      }
      // The point of the hand-written backward: far fewer ops per time step than the derived one.
      if (c.steps > 3) expect(custom.ops).toBeLessThan(0.6 * derived.ops);
    });

  it('refuses a span whose inner values are used after it', () => {
    const ir = new IrBuilder();
    const x = ir.input('x', { shape: [2], dtype: 'float32' });
    const start = ir.nodeList.length;
    const inner = ir.exp(x);
    const y = ir.mul(inner, inner);
    customGradient(ir, start, { inputs: [x], outputs: [y], gradient: ([g]) => [ir.mul(g!, ir.mul(ir.scalar(2), y))] });
    const loss = ir.reduceSum(ir.add(y, inner), [0], false);
    expect(() => autodiff(ir, loss, [x])).toThrow(IrError);
    expect(() => autodiff(ir, loss, [x])).toThrow(/made inside a span and used after it/);
  });
});
