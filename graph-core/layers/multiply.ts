/**
 * Element-wise product of two tensors, with NumPy/torch broadcasting (gates, masks, channel attention).
 *
 *   out = a ⊙ b
 *
 * PyTorch: a * b (torch.mul) · ONNX: Mul · Lecture: "Gating and attention (LSTM gates, squeeze-and-excitation)"
 */
import { defineLayer } from '../define-layer';
import { defineBroadcastBinary } from './common/broadcast';

export const Multiply = defineLayer({
  ...defineBroadcastBinary({
    kind: 'Multiply',
    doc: {
      summary:
        'Multiplies two tensors element by element. Shapes must match or broadcast (a size-1 dimension is stretched), ' +
        'e.g. scaling each channel of [N, C, H, W] by a [N, C, 1, 1] gate.',
      formula: 'out = a ⊙ b  (broadcast)',
      torch: 'torch.mul (a * b)',
      onnx: 'Mul',
      lecture: 'Gating and attention',
    },
  }),
  torch: () => ({ operator: '*' }),
  lower: ({ ir, x: { a, b } }) => ({ out: ir.mul(a!, b!) }),
});
