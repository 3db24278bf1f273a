/**
 * A recurrent layer fed by an embedding lookup projects the (smaller) table instead of every looked-up row
 * (graph-core/layers/common/recurrent.ts, inputProjection). The outputs and the gradients of the table and of
 * every weight must be those of the plain lowering (the same lookup behind a Reshape, which the rewrite does
 * not see through), evaluated with the reference kernels; torch checks the plain lowering
 * (tests/train/one-step-golden.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { autodiff, evaluateIr, IrBuilder, type Tensor, type V } from '../../../graph-core';
import { lowerRecurrent, recurrentWeights, type RecurrentCell } from '../../../graph-core/layers/common/recurrent';
import { expectClose, intTensor, randTensor } from '../../helpers/op-check';

const GATES: Readonly<Record<RecurrentCell, number>> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

interface Case {
  readonly cell: RecurrentCell;
  readonly batch: number;
  readonly steps: number;
  readonly vocab: number;
  readonly bidirectional: boolean;
  readonly bias: boolean;
}

const FEATURES = 3;
const HIDDEN = 4;

/** Embedding lookup → recurrent layer → loss = Σ out ⊙ R + Σ last ⊙ R'; returns every output and gradient, and how the input was projected. */
function run(c: Case, plain: boolean): { values: Record<string, Tensor>; projectsTable: boolean } {
  const ir = new IrBuilder();
  const ids = ir.input('ids', { shape: [c.batch, c.steps], dtype: 'int64' });
  const table = ir.input('table', { shape: [c.vocab, FEATURES], dtype: 'float32' });
  const looked = ir.gather(table, ids, 0);
  const seq = plain ? ir.reshape(looked, [c.batch, c.steps, FEATURES]) : looked;
  const q = { hidden_size: HIDDEN, num_layers: 1, bias: c.bias, bidirectional: c.bidirectional, dropout: 0 };
  const specs = recurrentWeights([c.batch, c.steps, FEATURES], q, GATES[c.cell]);
  const w: Record<string, V> = Object.fromEntries(Object.entries(specs).map(([k, s]) => [k, ir.input(k, { shape: s.shape, dtype: 'float32' })]));
  const d = c.bidirectional ? 2 : 1;
  const before = ir.nodeList.length;
  const outs = lowerRecurrent(
    {
      ir,
      x: { in: seq },
      w,
      params: q,
      out: { h_n: [c.batch, d, HIDDEN] },
      mode: 'train',
      feed: () => {
        throw new Error('no feeds without dropout');
      },
    },
    c.cell,
  );
  const producers = new Map(ir.nodeList.flatMap((n) => n.outputs.map((o) => [o, n.op] as const)));
  // The ids themselves, or the ids rearranged (the LSTM looks them up in time-major order).
  const fromIds = new Set([ids.id]);
  for (const n of ir.nodeList) if ((n.op === 'Transpose' || n.op === 'Reshape') && fromIds.has(n.inputs[0]!)) fromIds.add(n.outputs[0]!);
  const projectsTable = ir.nodeList.slice(before).some((n) => n.op === 'Gather' && producers.get(n.inputs[0]!) !== undefined && fromIds.has(n.inputs[1]!));
  const sum = (y: V, seed: number) => ir.reduceSum(ir.mul(y, ir.constant(randTensor(y.type.shape as number[], seed))), y.type.shape.map((_, i) => i), false);
  const loss = ir.add(sum(outs['out']!, 50), sum(outs['last']!, 51));
  ir.output('out', outs['out']!);
  ir.output('loss', loss);
  const wrt: [string, V][] = [['table', table], ...Object.entries(w)];
  const g = autodiff(ir, loss, wrt.map(([, v]) => v));
  for (const [name, v] of wrt) ir.output(`d:${name}`, g.get(v.id)!);
  const feeds: Record<string, Tensor> = {
    ids: intTensor([c.batch, c.steps], Array.from({ length: c.batch * c.steps }, (_, i) => ((i * 5 + 1) % c.vocab) - (i % 3 === 0 ? c.vocab : 0))),
    table: randTensor([c.vocab, FEATURES], 2),
  };
  Object.entries(specs).forEach(([k, s], i) => (feeds[k] = randTensor(s.shape as number[], 10 + i, -0.6, 0.6)));
  return { values: evaluateIr(ir.build(), feeds, {}), projectsTable };
}

const cases: Case[] = [
  { cell: 'lstm', batch: 3, steps: 5, vocab: 4, bidirectional: false, bias: true },
  { cell: 'lstm', batch: 2, steps: 4, vocab: 3, bidirectional: true, bias: false },
  { cell: 'gru', batch: 3, steps: 4, vocab: 5, bidirectional: true, bias: true },
  { cell: 'tanh', batch: 2, steps: 6, vocab: 7, bidirectional: false, bias: true },
  { cell: 'relu', batch: 2, steps: 3, vocab: 2, bidirectional: false, bias: false },
];

describe('recurrent layer after an embedding lookup', () => {
  for (const c of cases)
    it(`projects the table and gives the plain lowering's values and gradients: ${c.cell}${c.bidirectional ? ', bidirectional' : ''}${c.bias ? '' : ', no bias'}`, () => {
      const fast = run(c, false);
      const plain = run(c, true);
      expect(fast.projectsTable).toBe(true);
      expect(plain.projectsTable).toBe(false);
      for (const [name, t] of Object.entries(plain.values)) expectClose(fast.values[name]!, t, 1e-5, name);
    });

  it('keeps projecting every looked-up row when the table has at least as many rows as the lookup has positions', () => {
    expect(run({ cell: 'lstm', batch: 2, steps: 3, vocab: 6, bidirectional: false, bias: true }, false).projectsTable).toBe(false);
    expect(run({ cell: 'gru', batch: 2, steps: 3, vocab: 5, bidirectional: false, bias: true }, false).projectsTable).toBe(true);
  });
});
