/**
 * Gated recurrent unit network (a stack of GRU layers), batch-first. Gate order r, z, n, as torch.
 *
 *   r = σ(W_ir·x_t + b_ir + W_hr·h_{t−1} + b_hr)              reset gate
 *   z = σ(W_iz·x_t + b_iz + W_hz·h_{t−1} + b_hz)              update gate
 *   n = tanh(W_in·x_t + b_in + r ⊙ (W_hn·h_{t−1} + b_hn))     candidate
 *   h_t = (1 − z) ⊙ n + z ⊙ h_{t−1}
 *
 * Parameters per layer and direction: 3H·(in + H) + 6H (two biases, as torch). FLOPs per time step, layer and
 * direction: 2·3H·(in + H) + 2·3H (biases) + 9H (3 gate activations, 2 for r ⊙ (…) and its sum, 4 for h_t);
 * see common/recurrent.ts.
 *
 * PyTorch: torch.nn.GRU(batch_first=True, input_size inferred) · ONNX: GRU (linear_before_reset = 1) · Lecture: "Recurrent networks (GRU)"
 */
import { defineLayer } from '../define-layer';
import { lowerRecurrent, recurrentFlops, recurrentInputs, recurrentOutputPorts, recurrentParams, recurrentShapes, recurrentTorch, recurrentWeights } from './common/recurrent';

const GATES = 3;
/** Elementwise work per hidden unit and step: σ, σ, tanh; r⊙(…) and the sum; (1 − z)⊙n + z⊙h. */
const CELL_OPS = 9;

export const GRU = defineLayer({
  kind: 'GRU',
  category: 'sequence',
  doc: {
    summary:
      'A gated recurrent layer: a reset gate decides how much of the past feeds the candidate state, and an update gate blends ' +
      'the candidate with the previous state. Lighter than an LSTM (no separate cell) and often as good.',
    formula:
      'r, z = σ(W·x_t + U·h_{t−1} + b);  n = tanh(W_n·x_t + b_in + r⊙(U_n·h_{t−1} + b_hn));  h_t = (1 − z)⊙n + z⊙h_{t−1};  ' +
      'params per layer = 3H·(in + H) + 6H (×2 when bidirectional)',
    torch: 'torch.nn.GRU',
    onnx: 'GRU (linear_before_reset = 1)',
    lecture: 'Recurrent networks (GRU)',
  },
  params: { ...recurrentParams },
  inputs: recurrentInputs,
  outputs: recurrentOutputPorts(false),
  inferShape: ({ params: q, in: { in: x } }) => recurrentShapes(x!, q, false),
  weights: ({ params: q, in: { in: x } }) => recurrentWeights(x!, q, GATES),
  flops: ({ params: q, in: { in: x } }) => recurrentFlops(x!, q, GATES, CELL_OPS),
  torch: ({ params: q, in: { in: x } }) => recurrentTorch('GRU', x!, q),
  lower: (ctx) => lowerRecurrent(ctx, 'gru'),
});
