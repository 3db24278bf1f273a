/**
 * Binary cross-entropy on raw scores (logits): a sigmoid and the binary cross-entropy in one numerically
 * stable formula.
 *
 *   ℓ(x, y) = −[y·log σ(x) + (1 − y)·log(1 − σ(x))] = max(x, 0) − x·y + log(1 + e^{−|x|}),   loss = mean ℓ
 *
 * The right-hand form never exponentiates a large positive number, so it neither overflows nor takes log(0).
 * FLOPs: 6 per element (max, x·y, subtract, |x| and exp, log1p, accumulate).
 *
 * PyTorch: torch.nn.BCEWithLogitsLoss (reduction='mean') · ONNX: Relu, Mul, Sub, Abs, Neg, Exp, Log, ReduceMean (no single op)
 * · Lecture: "Binary classification and GANs"
 */
import { defineElementwiseLoss } from './common/elementwise-loss';

export const BCEWithLogitsLoss = defineElementwiseLoss({
  kind: 'BCEWithLogitsLoss',
  doc: {
    summary:
      'Binary cross-entropy for yes/no targets in [0, 1]. Give it raw scores (logits), not probabilities: it applies the sigmoid itself, ' +
      'in a numerically stable way. The target must have exactly the input\'s shape.',
    formula: 'loss = mean(max(x, 0) − x·y + log(1 + e^{−|x|}))  =  mean(−[y·log σ(x) + (1 − y)·log(1 − σ(x))])',
    torch: 'torch.nn.BCEWithLogitsLoss',
    onnx: 'Relu, Mul, Sub, Abs, Neg, Exp, Log, ReduceMean',
    lecture: 'Binary classification and GANs',
  },
  inputDoc: 'Logits [N, …] (raw scores, before any sigmoid).',
  targetDoc: 'Targets in [0, 1] with the same shape as input. Leave unconnected to use the dataset targets.',
  flopsPerElement: 6,
  // max(x, 0) − x·y + log(1 + e^{−|x|}): stable for large |x|.
  torch: { fn: 'nn.BCEWithLogitsLoss' },
  term: (ir, x, y) => ir.add(ir.sub(ir.relu(x), ir.mul(x, y)), ir.log(ir.add(ir.exp(ir.neg(ir.abs(x))), ir.scalar(1)))),
  metrics: (ir, x, y, { metric }) => {
    const all = x.type.shape.map((_, i) => i);
    const hit = ir.cast(ir.equal(ir.greater(x, ir.scalar(0)), ir.greater(y, ir.scalar(0.5))), 'float32');
    metric('accuracy', ir.reduceMean(hit, all, false));
  },
});
