/**
 * Mean squared error between a prediction and a target of the same shape.
 *
 *   loss = mean_i (x_i − y_i)²   over every element
 *
 * FLOPs: 3 per element (difference, square, accumulate).
 *
 * PyTorch: torch.nn.MSELoss (reduction='mean') · ONNX: Sub, Mul, ReduceMean · Lecture: "Regression and loss functions"
 */
import { defineElementwiseLoss } from './common/elementwise-loss';

export const MSELoss = defineElementwiseLoss({
  kind: 'MSELoss',
  doc: {
    summary:
      'Averages the squared differences between prediction and target. The standard loss for regression; ' +
      'the target must have exactly the prediction\'s shape.',
    formula: 'loss = mean((x − y)²)',
    torch: 'torch.nn.MSELoss',
    onnx: 'Sub, Mul, ReduceMean',
    lecture: 'Regression and loss functions',
  },
  inputDoc: 'Predictions [N, …].',
  targetDoc: 'Targets with the same shape as input. Leave unconnected to use the dataset targets.',
  flopsPerElement: 3,
  torch: { fn: 'nn.MSELoss' },
  term: (ir, x, y) => {
    const d = ir.sub(x, y);
    return ir.mul(d, d);
  },
  metrics: (ir, x, y, { metric }) => {
    const all = x.type.shape.map((_, i) => i);
    metric('mae', ir.reduceMean(ir.abs(ir.sub(x, y)), all, false));
  },
});
