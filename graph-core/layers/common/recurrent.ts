/**
 * Shared rules for the recurrent layers RNN, LSTM and GRU (always batch_first).
 *
 * A stack of `num_layers` layers, each run in D directions (D = 2 when bidirectional). Layer l reads
 * in_0 = F features (the input's last dimension) or in_l = D·H (the previous layer's output) and holds, per
 * direction suffix '' or '_reverse', the torch tensors
 *   weight_ih_l{l}{sfx} [G·H, in_l],  weight_hh_l{l}{sfx} [G·H, H],  bias_ih_l{l}{sfx}, bias_hh_l{l}{sfx} [G·H]
 * with G gates (RNN 1, LSTM 4, GRU 3), all initialised U(±1/√H) as torch does.
 *
 * FLOPs per sample: for every time step, layer and direction, 2·G·H·(in_l + H) for the two matrix products,
 * 2·G·H for the two bias additions (when bias), and `cellOps`·H for the cell's elementwise work
 * (nonlinearities, gating products and sums; given by each layer).
 */
import { ok, type InputPortSpec, type OutputPortSpec, type ShapeResult, type WeightSpec } from '../../define-layer';
import { p } from '../../params';
import type { Shape } from '../../shape';
import { fanInUniform } from './init';

/** The params every recurrent layer has, with torch's names and defaults (hidden_size has none in torch; 32 here). */
export const recurrentParams = {
  hidden_size: p.int({ default: 32, min: 1, doc: 'Size H of the hidden state, per direction.' }),
  num_layers: p.int({ default: 1, min: 1, doc: 'Number of stacked recurrent layers; each reads the output sequence of the one below.' }),
  bias: p.bool({ default: true, doc: 'Learn the biases b_ih and b_hh.' }),
  bidirectional: p.bool({ default: false, doc: 'Also run every layer backwards in time and concatenate both directions (output size 2·H).' }),
  dropout: p.float({ default: 0, min: 0, max: 1, doc: 'Dropout probability on the outputs of every layer except the last (only with num_layers > 1).' }),
};

export interface RecurrentConfig {
  readonly hidden_size: number;
  readonly num_layers: number;
  readonly bias: boolean;
  readonly bidirectional: boolean;
}

export const recurrentInputs: Readonly<Record<string, InputPortSpec>> = {
  in: { doc: 'A batch of sequences [N, T, F] (T time steps of F features).', rank: 3, layout: '[N, T, F]' },
};

/** The output ports; `cell` adds LSTM's final cell state c_n. */
export function recurrentOutputPorts(cell: boolean): Readonly<Record<string, OutputPortSpec>> {
  return {
    out: { doc: 'The top layer\'s hidden state at every time step [N, T, D·H] (both directions concatenated).' },
    last: { doc: 'The top layer\'s final hidden state [N, D·H]; bidirectional: forward and backward concatenated, as torch.cat([h_n[-2], h_n[-1]], 1).' },
    h_n: { doc: 'The final hidden state of every layer and direction [N, D·num_layers, H] (torch\'s h_n.transpose(0, 1)).' },
    ...(cell ? { c_n: { doc: 'The final cell state of every layer and direction [N, D·num_layers, H] (torch\'s c_n.transpose(0, 1)).' } } : {}),
  };
}

const directions = (q: RecurrentConfig): number => (q.bidirectional ? 2 : 1);

export function recurrentShapes(x: Shape, q: RecurrentConfig, cell: boolean): ShapeResult {
  const d = directions(q);
  const h = q.hidden_size;
  const state: Shape = ['N', d * q.num_layers, h];
  return ok({ out: ['N', x[1]!, d * h], last: ['N', d * h], h_n: state, ...(cell ? { c_n: state } : {}) });
}

/** Input size of layer l: the features F for the first layer, D·H above it. */
const layerInput = (features: number, q: RecurrentConfig, l: number): number => (l === 0 ? features : directions(q) * q.hidden_size);

/** Every parameter in torch's state_dict order, for `gates` gates per hidden unit. */
export function recurrentWeights(x: Shape, q: RecurrentConfig, gates: number): Record<string, WeightSpec> {
  const features = x[x.length - 1] as number;
  const h = q.hidden_size;
  const init = { uniform: fanInUniform(h) };
  const weights: Record<string, WeightSpec> = {};
  for (let l = 0; l < q.num_layers; l++) {
    for (const sfx of q.bidirectional ? ['', '_reverse'] : ['']) {
      weights[`weight_ih_l${l}${sfx}`] = { shape: [gates * h, layerInput(features, q, l)], init };
      weights[`weight_hh_l${l}${sfx}`] = { shape: [gates * h, h], init };
      if (q.bias) {
        weights[`bias_ih_l${l}${sfx}`] = { shape: [gates * h], init };
        weights[`bias_hh_l${l}${sfx}`] = { shape: [gates * h], init };
      }
    }
  }
  return weights;
}

/** FLOPs per sample, as described at the top of this file. */
export function recurrentFlops(x: Shape, q: RecurrentConfig, gates: number, cellOps: number): number {
  const steps = x[1] as number;
  const features = x[x.length - 1] as number;
  const h = q.hidden_size;
  let perStep = 0;
  for (let l = 0; l < q.num_layers; l++) {
    const cellFlops = 2 * gates * h * (layerInput(features, q, l) + h) + (q.bias ? 2 * gates * h : 0) + cellOps * h;
    perStep += directions(q) * cellFlops;
  }
  return steps * perStep;
}
