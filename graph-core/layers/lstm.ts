/**
 * Long short-term memory network (a stack of LSTM layers), batch-first. Gate order i, f, g, o, as torch.
 *
 *   i = σ(W_ii·x_t + b_ii + W_hi·h_{t−1} + b_hi)      input gate
 *   f = σ(W_if·x_t + b_if + W_hf·h_{t−1} + b_hf)      forget gate
 *   g = tanh(W_ig·x_t + b_ig + W_hg·h_{t−1} + b_hg)   candidate
 *   o = σ(W_io·x_t + b_io + W_ho·h_{t−1} + b_ho)      output gate
 *   c_t = f ⊙ c_{t−1} + i ⊙ g,   h_t = o ⊙ tanh(c_t)
 *
 * Parameters per layer and direction: 4H·(in + H) + 8H, because torch keeps two bias vectors (b_ih and b_hh).
 * LSTM(128 → 128) therefore has 132 096 parameters; the lecture's single-bias LSTM would have 131 584.
 * FLOPs per time step, layer and direction: 2·4H·(in + H) + 2·4H (biases) + 9H (4 gate activations,
 * 3 for c_t, 2 for h_t); see common/recurrent.ts.
 *
 * forget_bias b_f adds b_f to the forget-gate rows [H, 2H) of every bias_ih at initialisation (after torch's
 * U(±1/√H)), the usual trick for long sequences: σ(b_f) ≈ 0.73 for b_f = 1, so the cell starts by keeping c.
 *
 * PyTorch: torch.nn.LSTM(batch_first=True, input_size inferred) · ONNX: LSTM · Lecture: "Recurrent networks (LSTM)"
 */
import { defineLayer } from '../define-layer';
import { p } from '../params';
import { lowerRecurrent, recurrentFlops, recurrentInputs, recurrentOutputPorts, recurrentParams, recurrentShapes, recurrentTorch, recurrentWeights } from './common/recurrent';

const GATES = 4;
/** Elementwise work per hidden unit and step: σ, σ, tanh, σ; f⊙c + i⊙g; o⊙tanh(c). */
const CELL_OPS = 9;

export const LSTM = defineLayer({
  kind: 'LSTM',
  category: 'sequence',
  doc: {
    summary:
      'A recurrent layer with a separate memory cell and gates that decide what to forget, what to write and what to output, ' +
      'so it can remember over long sequences. Outputs every step, the final hidden state, and the final h and c of every layer.',
    formula:
      'i, f, o = σ(W·x_t + U·h_{t−1} + b),  g = tanh(W_g·x_t + U_g·h_{t−1} + b_g);  c_t = f⊙c_{t−1} + i⊙g;  h_t = o⊙tanh(c_t);  ' +
      'params per layer = 4H·(in + H) + 8H (two biases, as torch; ×2 when bidirectional)',
    torch: 'torch.nn.LSTM',
    onnx: 'LSTM',
    lecture: 'Recurrent networks (LSTM)',
  },
  params: {
    ...recurrentParams,
    forget_bias: p.float({
      default: 0,
      doc: "Added to the forget-gate slice of every bias_ih at initialisation, so the cell starts by keeping its memory (1 is the usual choice for long sequences; 0 keeps PyTorch's default init).",
    }),
  },
  inputs: recurrentInputs,
  outputs: recurrentOutputPorts(true),
  inferShape: ({ params: q, in: { in: x } }) => recurrentShapes(x!, q, true),
  weights: ({ params: q, in: { in: x } }) => {
    const weights = recurrentWeights(x!, q, GATES);
    if (q.forget_bias === 0) return weights;
    // Gate order i, f, g, o: the forget gate is rows [H, 2H) of bias_ih (b_hh keeps torch's plain init).
    const h = q.hidden_size;
    return Object.fromEntries(
      Object.entries(weights).map(([name, w]) =>
        name.startsWith('bias_ih_') && 'uniform' in w.init ? [name, { ...w, init: { uniform: w.init.uniform, add: { from: h, to: 2 * h, value: q.forget_bias } } }] : [name, w],
      ),
    );
  },
  flops: ({ params: q, in: { in: x } }) => recurrentFlops(x!, q, GATES, CELL_OPS),
  torch: ({ params: q, in: { in: x } }) => recurrentTorch('LSTM', x!, q, { forget_bias: [q.forget_bias, 0] }),
  lower: (ctx) => lowerRecurrent(ctx, 'lstm'),
});
