/**
 * Softmax cross-entropy against class indices.
 *
 *   loss = −Σ_c q_c · log softmax(x)_c,  q = (1 − ε)·onehot(y) + ε/C,  averaged over non-ignored targets
 *
 * PyTorch: torch.nn.CrossEntropyLoss · ONNX: ReduceLogSumExp-based (no LogSoftmax) · Lecture: "Classification"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { customGradient } from '../passes/autodiff';
import { p } from '../params';
import { fmtShape, numelPerSample } from '../shape';
import { changed } from './common/torch';

/** nn.CrossEntropyLoss for per-step scores [N, T, C] against labels [N, T]. */
const SEQUENCE_CROSS_ENTROPY = {
  name: 'SequenceCrossEntropyLoss',
  source: `class SequenceCrossEntropyLoss(nn.CrossEntropyLoss):
    """nn.CrossEntropyLoss for per-step scores [N, T, C] and labels [N, T]: torch wants the classes in dim 1."""

    def forward(self, input, target):
        return super().forward(input.transpose(1, 2), target)
`,
};

export const CrossEntropyLoss = defineLayer({
  kind: 'CrossEntropyLoss',
  category: 'loss',
  doc: {
    summary:
      'Compares class scores (logits) with the true class. Give it raw scores, not probabilities: it applies softmax itself. ' +
      'Works per sample ([N, C] vs [N]) or per time step ([N, T, C] vs [N, T]).',
    formula: 'loss = −mean_i log softmax(x_i)[y_i]  (with label smoothing ε: targets (1−ε)·onehot + ε/C)',
    torch: 'torch.nn.CrossEntropyLoss',
    onnx: 'ReduceLogSumExp, Sub, GatherElements, ReduceMean',
    lecture: 'Classification and softmax',
  },
  params: {
    ignore_index: p.int({ default: -100, doc: 'Targets equal to this value are skipped (e.g. padding).' }),
    label_smoothing: p.float({ default: 0, min: 0, max: 1, doc: 'Spread this much probability mass evenly over all classes.' }),
  },
  inputs: {
    input: { doc: 'Logits [N, C] or [N, T, C].', rank: [2, 3], layout: '[N, C] or [N, T, C]' },
    target: { doc: 'Class indices [N] or [N, T] (int64). Leave unconnected to use the dataset labels.', rank: [1, 2], dtype: 'int64', optional: true },
  },
  outputs: { out: { doc: 'The mean loss, a scalar.' } },
  inferShape: ({ in: { input: x, target: t } }) => {
    const expected = x!.slice(0, -1);
    if (t && (t.length !== expected.length || t.some((d, i) => d !== expected[i])))
      return fail('SHAPE_MISMATCH', { port: 'target', expected: fmtShape(expected), got: t }, { port: 'target' });
    return ok({ out: [] });
  },
  flops: ({ in: { input: x } }) => 4 * numelPerSample(x!),
  // torch wants the classes in dimension 1, so per-step scores [N, T, C] go through a helper that moves them there.
  torch: ({ params: q, in: { input: x } }) => ({
    module: {
      fn: x!.length === 3 ? SEQUENCE_CROSS_ENTROPY.name : 'nn.CrossEntropyLoss',
      kwargs: changed({ ignore_index: [q.ignore_index, -100], label_smoothing: [q.label_smoothing, 0] }),
    },
    inputs: ['input', { port: 'target', unconnected: 'target' }],
    ...(x!.length === 3 ? { helper: SEQUENCE_CROSS_ENTROPY } : {}),
  }),
  lower: ({ ir, params: q, x: { input: x, target }, feed, metric }) => {
    const rank = x!.type.shape.length;
    const c = x!.type.shape[rank - 1] as number;
    const y = target ?? feed('target', { shape: x!.type.shape.slice(0, -1), dtype: 'int64' }, { kind: 'target' });
    const batchAxes = y.type.shape.map((_, i) => i);
    const start = ir.nodeList.length;
    // log-softmax without LogSoftmax: shift by the max for stability, then x − log Σ exp(x).
    const shifted = ir.sub(x!, ir.reduceMax(x!, [-1], true));
    const e = ir.exp(shifted);
    const sum = ir.reduceSum(e, [-1], false);
    const lse = ir.log(sum);
    // One-hot as Equal(labels, iota), as WebGPU has no OneHot.
    const iota = ir.tensor([c], Array.from({ length: c }, (_, i) => i), 'int64');
    const onehot = ir.cast(ir.equal(ir.unsqueeze(y, [-1]), iota), 'float32');
    const picked = ir.reduceSum(ir.mul(shifted, onehot), [-1], false);
    let perItem = ir.sub(lse, picked); // −log p(y)
    if (q.label_smoothing > 0) {
      const uniform = ir.sub(lse, ir.reduceMean(shifted, [-1], false)); // −mean_c log p(c)
      perItem = ir.add(ir.mul(perItem, ir.scalar(1 - q.label_smoothing)), ir.mul(uniform, ir.scalar(q.label_smoothing)));
    }
    // Targets equal to ignore_index count neither in the sum nor in the mean (torch's reduction='mean').
    const valid = ir.sub(ir.scalar(1), ir.cast(ir.equal(y, ir.scalar(q.ignore_index, 'int64')), 'float32'));
    const count = ir.max(ir.reduceSum(valid, batchAxes, false), ir.scalar(1));
    const loss = ir.div(ir.reduceSum(ir.mul(perItem, valid), batchAxes, false), count);
    // d loss / d x = w · (softmax(x) − q), w = g · valid / count per item, q the (smoothed) one-hot target: what
    // torch's log_softmax backward gives, the shift by the max being a constant there. In 7 ops (9 with label
    // smoothing) instead of the 19 that autodiff derives op by op, the max's path (zero up to rounding) included.
    customGradient(ir, start, {
      inputs: [x!],
      outputs: [loss],
      gradient: ([g]) => {
        if (!g) return [undefined];
        const w = ir.unsqueeze(ir.mul(valid, ir.div(g, count)), [-1]);
        const eps = q.label_smoothing;
        const target = eps > 0 ? ir.add(ir.mul(onehot, ir.scalar(1 - eps)), ir.scalar(eps / c)) : onehot;
        return [ir.mul(ir.sub(ir.div(e, ir.unsqueeze(sum, [-1])), target), w)];
      },
    });
    // Accuracy and top-k accuracy: the rank of the true class's logit among all classes.
    const above = ir.reduceSum(ir.cast(ir.greater(shifted, ir.unsqueeze(picked, [-1])), 'float32'), [-1], false);
    const within = (k: number) => ir.div(ir.reduceSum(ir.mul(ir.cast(ir.less(above, ir.scalar(k)), 'float32'), valid), batchAxes, false), count);
    metric('accuracy', within(1));
    if (c > 5) metric('top5', within(5));
    return { out: loss };
  },
});
