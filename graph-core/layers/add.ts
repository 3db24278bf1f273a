/**
 * Element-wise sum of two tensors, with NumPy/torch broadcasting. ResNet's residual connection is an Add:
 * out = F(x) + x.
 *
 *   out = a + b
 *
 * PyTorch: a + b (torch.add) · ONNX: Add · Lecture: "ResNets (residual connections)"
 */
import { defineLayer } from '../define-layer';
import { defineBroadcastBinary } from './common/broadcast';

export const Add = defineLayer({
  ...defineBroadcastBinary({
    kind: 'Add',
    doc: {
      summary:
        'Adds two tensors element by element. Shapes must match or broadcast (a size-1 dimension is stretched). ' +
        'Used for residual (skip) connections and to sum losses.',
      formula: 'out = a + b  (broadcast)',
      torch: 'torch.add (a + b)',
      onnx: 'Add',
      lecture: 'ResNets (residual connections)',
    },
  }),
  torch: () => ({ operator: '+' }),
  lower: ({ ir, x: { a, b } }) => ({ out: ir.add(a!, b!) }),
});
