/**
 * Softmax cross-entropy against class indices.
 *
 *   loss = −Σ_c q_c · log softmax(x)_c,  q = (1 − ε)·onehot(y) + ε/C,  averaged over non-ignored targets
 *
 * PyTorch: torch.nn.CrossEntropyLoss · ONNX: ReduceLogSumExp-based (no LogSoftmax) · Lecture: "Classification"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, numelPerSample } from '../shape';

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
});
