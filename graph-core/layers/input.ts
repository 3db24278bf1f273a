/**
 * A model input. Its shape is given without the batch dimension; the batch is the symbol N.
 *
 * PyTorch: the argument of forward() · ONNX: a graph input
 */
import { defineLayer, ok } from '../define-layer';
import { p } from '../params';
import { BATCH } from '../shape';

export const Input = defineLayer({
  kind: 'Input',
  category: 'io',
  doc: {
    summary: 'Where data enters the model. Give the shape of one sample, without the batch dimension.',
    formula: 'out : [N, …shape]',
    onnx: 'graph input',
    lecture: 'Tensors and shapes',
  },
  params: {
    shape: p.ints({ default: [2], min: 1, minLength: 0, maxLength: 6, doc: 'Shape of one sample, without the batch, e.g. [1, 28, 28].' }),
    dtype: p.enum({ default: 'float32', choices: ['float32', 'int64'], doc: 'float32 for features and images; int64 for token ids.' }),
  },
  inputs: {},
  outputs: { out: { doc: 'The batch of samples [N, …shape].' } },
  torch: () => ({ argument: 'data' }),
  inferShape: ({ params: q }) => ok({ out: { shape: [BATCH, ...q.shape], dtype: q.dtype } }),
});
