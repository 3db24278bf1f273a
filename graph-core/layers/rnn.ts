/**
 * Elman recurrent network (a stack of simple RNN layers), batch-first.
 *
 *   h_t = tanh(x_t·W_ihᵀ + b_ih + h_{t−1}·W_hhᵀ + b_hh)   (ReLU instead of tanh with nonlinearity = 'relu')
 *
 * Parameters per layer and direction: H·(in + H) + 2·H (two biases, as torch). FLOPs per time step, layer and
 * direction: 2·H·(in + H) + 2·H (biases) + H (the nonlinearity); see common/recurrent.ts.
 *
 * PyTorch: torch.nn.RNN(batch_first=True, input_size inferred) · ONNX: RNN · Lecture: "Recurrent networks (RNN)"
 */
import { defineLayer } from '../define-layer';
import { p } from '../params';
import { lowerRecurrent, recurrentFlops, recurrentInputs, recurrentOutputPorts, recurrentParams, recurrentShapes, recurrentTorch, recurrentWeights } from './common/recurrent';

const GATES = 1;
/** Elementwise work per hidden unit and step: the nonlinearity. */
const CELL_OPS = 1;

export const RNN = defineLayer({
  kind: 'RNN',
  category: 'sequence',
  doc: {
    summary:
      'Reads a sequence one step at a time, mixing each input with a hidden state that carries memory from the previous steps. ' +
      'Simple, but struggles to remember far back (vanishing gradients).',
    formula: 'h_t = tanh(W_ih·x_t + b_ih + W_hh·h_{t−1} + b_hh);  params per layer = H·(in + H) + 2H (×2 when bidirectional)',
    torch: 'torch.nn.RNN',
    onnx: 'RNN',
    lecture: 'Recurrent networks (RNN)',
  },
  params: {
    ...recurrentParams,
    nonlinearity: p.enum({ default: 'tanh', choices: ['tanh', 'relu'], doc: 'The activation applied to the new hidden state.' }),
  },
  inputs: recurrentInputs,
  outputs: recurrentOutputPorts(false),
  inferShape: ({ params: q, in: { in: x } }) => recurrentShapes(x!, q, false),
  weights: ({ params: q, in: { in: x } }) => recurrentWeights(x!, q, GATES),
  flops: ({ params: q, in: { in: x } }) => recurrentFlops(x!, q, GATES, CELL_OPS),
  torch: ({ params: q, in: { in: x } }) => recurrentTorch('RNN', x!, q, { nonlinearity: [q.nonlinearity, 'tanh'] }),
  lower: (ctx) => lowerRecurrent(ctx, ctx.params.nonlinearity),
});
