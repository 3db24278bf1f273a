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
 *
 * Lowering (`lowerRecurrent`): the layers are unrolled over time into primitive ops, as the fused ONNX
 * RNN/LSTM/GRU ops have no gradient on WebGPU. Per layer and direction:
 *   - the input projection of all time steps is hoisted into one MatMul, [N, T, in_l]·W_ihᵀ + b → [N, T, G·H],
 *     reshaped to [N, T·G·H] and cut into per-step pieces by one Split (for RNN and LSTM, b = b_ih + b_hh; GRU keeps
 *     b_hh with the recurrent product, because b_hn sits inside r ⊙ (…)); when the input is an embedding lookup in
 *     a table with fewer rows than the lookup has positions, the table is projected and its rows looked up instead
 *     (same values; the gradient goes back through Gather's one-hot product rule), see inputProjection;
 *   - each step adds h_{t−1}·W_hhᵀ and applies the cell, exactly as torch writes it (LSTM gates i, f, g, o;
 *     GRU r, z, n with h_t = n + z ⊙ (h_{t−1} − n)); the initial states are zero, so the first step simply
 *     leaves out every h_{−1} and c_{−1} term;
 *   - the reverse direction walks t = T−1 … 0 and its states are put back in time order.
 * The LSTM reorders its weights' gate blocks once to i, f, o, g (two products per step, each fused by onnxruntime
 * with its activation), and its cell ops carry a hand-written backward (see lstmBackward): the generic one
 * would be about 20 small ops per step, this one is 6, with the derivative factors of all steps computed at once.
 * With a fixed batch (train steps) the LSTM keeps its step inputs as time-major rows [T·N, ·] (the ids or the
 * sequence are transposed first, small next to [·, 4H]), so that each step's input and d(pre) are contiguous
 * blocks of N rows rather than [N, ·] columns cut from every row (about 3–5% less CPU per bench train step).
 * A layer's output sequence is one Concat of the per-step states (forward and backward interleaved) reshaped to
 * [N, T, D·H]. In train mode, with dropout > 0, that output (except the top layer's) is multiplied by a mask fed
 * as `<node>.mask_l<l>`, drawn like Dropout's (values 0 or 1/(1 − p)); in eval mode dropout is the identity.
 */
import {
  ok,
  type InputPortSpec,
  type LowerCtx,
  type LowerMode,
  type OutputPortSpec,
  type ShapeResult,
  type TorchArg,
  type TorchCode,
  type TorchHelper,
  type WeightSpec,
} from '../../define-layer';
import type { IrBuilder, V } from '../../ir/builder';
import { p, type ParamSpecs } from '../../params';
import type { Shape } from '../../shape';
import { IrError } from '../../ir/define-op';
import { addRowsByIndex } from '../../ir/ops/gather';
import { zerosBlock } from '../../ir/ops/slice';
import { customGradient } from '../../passes/autodiff';
import { fanInUniform } from './init';
import { changed } from './torch';

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

/** The cell a recurrent layer runs: Elman RNN with tanh or ReLU, LSTM or GRU. */
export type RecurrentCell = 'tanh' | 'relu' | 'lstm' | 'gru';

const CELL_GATES: Readonly<Record<RecurrentCell, number>> = { tanh: 1, relu: 1, lstm: 4, gru: 3 };

/** What `lowerRecurrent` needs from the layer's LowerCtx. */
export interface RecurrentLowerCtx {
  readonly ir: IrBuilder;
  readonly x: Readonly<Record<string, V>>;
  readonly w: Readonly<Record<string, V>>;
  readonly params: RecurrentConfig & { readonly dropout: number };
  readonly out: Readonly<Record<string, Shape>>;
  readonly mode: LowerMode;
  readonly feed: LowerCtx<ParamSpecs>['feed'];
}

interface DirectionWeights {
  readonly ih: V;
  readonly hh: V;
  readonly bih: V | undefined;
  readonly bhh: V | undefined;
}

interface DirectionResult {
  /** The hidden state at every time step, in time order. */
  readonly hs: readonly V[];
  /** The final hidden (and, for LSTM, cell) state: after t = T−1, or after t = 0 for the reverse direction. */
  readonly h: V;
  readonly c: V | undefined;
}

/**
 * The ids and table of `seq` when it is an embedding lookup (a Gather along axis 0 of a float [V, F] table by
 * ids [N, T]) whose table has fewer rows than the lookup has positions; undefined otherwise.
 */
function smallTableLookup(ir: IrBuilder, seq: V): { readonly table: V; readonly ids: V } | undefined {
  const nodes = ir.nodeList;
  for (let k = nodes.length - 1; k >= 0; k--) {
    const n = nodes[k]!;
    if (!n.outputs.includes(seq.id)) continue;
    if (n.op !== 'Gather' || n.attrs['axis'] !== 0) return undefined;
    const table = ir.value(n.inputs[0]!);
    const ids = ir.value(n.inputs[1]!);
    const rows = table.type.shape[0];
    const [batch, steps] = ids.type.shape;
    if (table.type.dtype !== 'float32' || table.type.shape.length !== 2 || typeof rows !== 'number' || ids.type.shape.length !== 2 || typeof steps !== 'number') return undefined;
    // With a symbolic batch, count one sequence: the rewrite then only applies where it pays for any batch.
    return rows < steps * (typeof batch === 'number' ? batch : 1) ? { table, ids } : undefined;
  }
  return undefined;
}

/**
 * The input projection of every step at once, seq·Wᵀ (+ bias) → [N, T, G·H]. When `seq` is a lookup in a
 * table with fewer rows than positions (an Embedding of a small vocabulary), the table is projected instead and
 * the projected rows are looked up: the same values, from V·in·G·H multiply-adds instead of N·T·in·G·H, and the
 * gradient flows back through the lookup to the table and W.
 */
function inputProjection(ir: IrBuilder, seq: V, w: V, bias: V | undefined): V {
  const lookup = smallTableLookup(ir, seq);
  const project = (x: V) => {
    const xw = ir.matmul(x, ir.transpose(w, [1, 0]));
    return bias ? ir.add(xw, bias) : xw;
  };
  return lookup ? ir.gather(project(lookup.table), lookup.ids, 0) : project(seq);
}

/** Runs one direction of one layer over `seq` [N, T, in]. */
function runDirection(ir: IrBuilder, seq: V, wt: DirectionWeights, cell: RecurrentCell, hidden: number, reverse: boolean): DirectionResult {
  if (cell === 'lstm') return runLstmDirection(ir, seq, wt, hidden, reverse);
  const steps = seq.type.shape[1] as number;
  const gates = CELL_GATES[cell];
  const gh = gates * hidden;
  // Input projection of every step at once: [N, T, in]·W_ihᵀ (+ biases) → [N, T, G·H].
  const bias = cell === 'gru' ? wt.bih : wt.bih && wt.bhh ? ir.add(wt.bih, wt.bhh) : undefined;
  const xw = inputProjection(ir, seq, wt.ih, bias);
  // Per-step pieces [N, G·H] (GRU: per step and gate, [N, H], in the order t0 r, t0 z, t0 n, t1 r, …).
  const pieceSize = cell === 'gru' ? hidden : gh;
  const pieceCount = (steps * gh) / pieceSize;
  const flat = ir.reshape(xw, ['N', steps * gh]);
  const pieces = pieceCount === 1 ? [flat] : ir.split(flat, 1, new Array<number>(pieceCount).fill(pieceSize));
  const whh = ir.transpose(wt.hh, [1, 0]); // [H, G·H]
  const gateSizes = new Array<number>(gates).fill(hidden);
  // GRU's first step has h_{−1} = 0, so its recurrent term is b_hh alone.
  const bhhParts = cell === 'gru' && wt.bhh ? ir.split(wt.bhh, 0, gateSizes) : undefined;

  let h: V | undefined;
  const hs = new Array<V>(steps);
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    if (cell === 'gru') {
      const [xr, xz, xn] = pieces.slice(3 * t, 3 * t + 3) as [V, V, V];
      let hw: V[] | undefined = bhhParts;
      if (h) {
        const hwAll = ir.matmul(h, whh);
        hw = ir.split(wt.bhh ? ir.add(hwAll, wt.bhh) : hwAll, 1, gateSizes);
      }
      const z = ir.sigmoid(hw ? ir.add(xz, hw[1]!) : xz);
      let n: V;
      if (hw) {
        const r = ir.sigmoid(ir.add(xr, hw[0]!));
        n = ir.tanh(ir.add(xn, ir.mul(r, hw[2]!)));
      } else n = ir.tanh(xn);
      // torch: h_t = (h_{t−1} − n) ⊙ z + n
      h = h ? ir.add(n, ir.mul(z, ir.sub(h, n))) : ir.sub(n, ir.mul(z, n));
    } else {
      const xt = pieces[t]!;
      const pre = h ? ir.add(xt, ir.matmul(h, whh)) : xt;
      h = cell === 'relu' ? ir.relu(pre) : ir.tanh(pre);
    }
    hs[t] = h;
  }
  return { hs, h: h!, c: undefined };
}

/** What the LSTM's backward reads of one step (k-th in processing order, time t). */
interface LstmStep {
  readonly t: number;
  /** h and c before the step; absent at the first step (zero initial state). */
  readonly hPrev: V | undefined;
  readonly cPrev: V | undefined;
  /** σ of the gates i, f, o together [N, 3H], and i, f, o cut from it. */
  readonly ifo: V;
  readonly i: V;
  readonly f: V;
  readonly o: V;
  /** tanh of the candidate gate [N, H] */
  readonly g: V;
  /** tanh(c_t) */
  readonly tc: V;
  readonly h: V;
}

/** A [4H, …] LSTM weight or bias with its gate blocks reordered from torch's i, f, g, o to i, f, o, g. */
function sigmoidGatesFirst(ir: IrBuilder, w: V, hidden: number): V {
  const [i, f, g, o] = ir.split(w, 0, [hidden, hidden, hidden, hidden]) as [V, V, V, V];
  return ir.concat([i, f, o, g], 0);
}

/**
 * The LSTM's step inputs in time-major rows (row t·N + n is sample n at step t), with a fixed batch N: `source`
 * is what the recurrence reads, either the projected table [V, 4H] looked up by the ids in time-major order
 * (`ids` [T·N]) or the projected sequence [T·N, 4H]; `gateRows(lo, hi)` gives gate columns [lo, hi) of every
 * step's row, [T·N, hi − lo], so that each step's piece is a contiguous block of N rows.
 */
interface TimeMajorRows {
  readonly source: V;
  readonly ids: V | undefined;
  gateRows(lo: number, hi: number): V;
}

function timeMajorRows(ir: IrBuilder, seq: V, w: V, bias: V | undefined, batch: number): TimeMajorRows {
  const steps = seq.type.shape[1] as number;
  const project = (x: V) => {
    const xw = ir.matmul(x, ir.transpose(w, [1, 0]));
    return bias ? ir.add(xw, bias) : xw;
  };
  const lookup = smallTableLookup(ir, seq);
  if (lookup) {
    const source = project(lookup.table);
    const ids = ir.reshape(ir.transpose(lookup.ids, [1, 0]), [steps * batch]);
    return { source, ids, gateRows: (lo, hi) => ir.gather(ir.slice(source, 1, lo, hi), ids, 0) };
  }
  const features = seq.type.shape[2] as number;
  const source = project(ir.reshape(ir.transpose(seq, [1, 0, 2]), [steps * batch, features]));
  return { source, ids: undefined, gateRows: (lo, hi) => ir.slice(source, 1, lo, hi) };
}

/**
 * One direction of an LSTM layer. The weights' gate blocks are reordered to i, f, o, g, so that each step takes
 * two products, one for the three sigmoid gates and one for the tanh gate (onnxruntime fuses each product, the
 * addition of the step's input projection and the activation into one kernel). The cell's ops form one
 * {@link customGradient} span, whose backward ({@link lstmBackward}) is written out instead of being derived op by op.
 */
function runLstmDirection(ir: IrBuilder, seq: V, wt: DirectionWeights, hidden: number, reverse: boolean): DirectionResult {
  const steps = seq.type.shape[1] as number;
  const batch = seq.type.shape[0];
  const gh = 4 * hidden;
  const wih = sigmoidGatesFirst(ir, wt.ih, hidden);
  const whh = sigmoidGatesFirst(ir, wt.hh, hidden); // [4H, H]
  const bias = wt.bih && wt.bhh ? sigmoidGatesFirst(ir, ir.add(wt.bih, wt.bhh), hidden) : undefined;
  // With a fixed batch (every train step) the step inputs are time-major rows; a symbolic batch keeps [N, T·4H].
  const tm = typeof batch === 'number' ? timeMajorRows(ir, seq, wih, bias, batch) : undefined;
  const flat = tm ? undefined : ir.reshape(inputProjection(ir, seq, wih, bias), ['N', steps * gh]);

  const start = ir.nodeList.length;
  // Per step, [N, 3H] for i, f, o and [N, H] for g: t0 ifo, t0 g, t1 ifo, … (time-major: all ifo rows, then all g rows).
  const stepRows = new Array<number>(steps).fill(typeof batch === 'number' ? batch : 0);
  const pieces = tm
    ? [...ir.split(tm.gateRows(0, 3 * hidden), 0, stepRows), ...ir.split(tm.gateRows(3 * hidden, gh), 0, stepRows)]
    : ir.split(flat!, 1, Array.from({ length: 2 * steps }, (_, j) => (j % 2 ? hidden : 3 * hidden)));
  const xIfoAt = (t: number) => (tm ? pieces[t]! : pieces[2 * t]!);
  const xGAt = (t: number) => (tm ? pieces[steps + t]! : pieces[2 * t + 1]!);
  const whhIfo = ir.transpose(ir.slice(whh, 0, 0, 3 * hidden), [1, 0]); // [H, 3H]
  const whhG = ir.transpose(ir.slice(whh, 0, 3 * hidden, gh), [1, 0]); // [H, H]
  const rec: LstmStep[] = [];
  const hs = new Array<V>(steps);
  let h: V | undefined;
  let c: V | undefined;
  for (let k = 0; k < steps; k++) {
    const t = reverse ? steps - 1 - k : k;
    const xIfo = xIfoAt(t);
    const xG = xGAt(t);
    const ifo = ir.sigmoid(h ? ir.add(xIfo, ir.matmul(h, whhIfo)) : xIfo);
    const g = ir.tanh(h ? ir.add(xG, ir.matmul(h, whhG)) : xG);
    const [i, f, o] = ir.split(ifo, 1, [hidden, hidden, hidden]) as [V, V, V];
    const cNew = c ? ir.add(ir.mul(f, c), ir.mul(i, g)) : ir.mul(i, g);
    const tc = ir.tanh(cNew);
    const hNew = ir.mul(o, tc);
    rec.push({ t, hPrev: h, cPrev: c, ifo, i, f, o, g, tc, h: hNew });
    h = hNew;
    c = cNew;
    hs[t] = hNew;
  }
  customGradient(ir, start, {
    inputs: [tm ? tm.source : flat!, whh],
    outputs: [...rec.map((r) => r.h), c!],
    gradient: (grads) => lstmBackward(ir, rec, whh, grads.slice(0, steps), grads[steps], hidden, tm),
  });
  return { hs, h: h!, c };
}

/**
 * The backward of {@link runLstmDirection}'s span, given d/dh for each step (processing order) and d/dc of the
 * final cell state; returns d/d(input projection) and d/d(W_hh) [4H, H], gates in the order i, f, o, g. The input
 * projection is [N, T·4H], or with `tm` the time-major source: [T·N, 4H] rows, or the projected table [V, 4H]
 * (the rows' gradients added into it by one one-hot product, as Gather's own gradient would).
 * With A = (i, f, o, g) a step's gate activations and A' their derivatives (σ' = y(1 − y), tanh' = 1 − y²),
 *
 *   dc_t = dc_{t+1} ⊙ f_{t+1} + dh_t ⊙ o_t ⊙ tanh'(c_t)
 *   d(pre_t) = (dc_t, dc_t, dh_t, dc_t) ⊙ (g_t, c_{t−1}, tanh(c_t), i_t) ⊙ A'_t,      dh_{t−1} += d(pre_t)·W_hh
 *
 * The factors after the first ⊙ depend only on the forward pass, so they are computed for all steps at once
 * (σ' of i, f, o together as y(1 − y), tanh' of g as 1 − y², then joined), which leaves six small ops per step;
 * d(W_hh) is one product over all steps, Σ_t d(pre_t)ᵀ·h_{t−1}.
 */
function lstmBackward(
  ir: IrBuilder,
  rec: readonly LstmStep[],
  whh: V,
  dhs: readonly (V | undefined)[],
  dcLast: V | undefined,
  hidden: number,
  tm: TimeMajorRows | undefined,
): (V | undefined)[] {
  const steps = rec.length;
  const n = rec[0]!.h.type.shape[0];
  if (typeof n !== 'number') throw new IrError('LSTM gradient: the batch size must be fixed');
  const gh = 4 * hidden;
  const zerosH = zerosBlock(ir, [n, hidden], 'LSTM gradient');
  // The per-step tensors stacked along the rows, [T·N, ·] in processing order: contiguous copies, far cheaper
  // than cutting columns (measured: all steps at once and 8 or 16 at a time cost the same).
  const rows = (xs: readonly V[]) => (xs.length === 1 ? xs[0]! : ir.concat(xs, 0));
  const perStep = (x: V) => (steps === 1 ? [x] : ir.split(x, 0, new Array<number>(steps).fill(n)));
  const one = ir.scalar(1);
  const ifo = rows(rec.map((r) => r.ifo));
  const g = rows(rec.map((r) => r.g));
  const tc = rows(rec.map((r) => r.tc));
  // (g, c_{t−1}, tanh c_t, i) ⊙ (σ'(i, f, o), tanh'(g))
  const sigmoidPart = ir.mul(ir.concat([g, rows(rec.map((r) => r.cPrev ?? zerosH)), tc], 1), ir.mul(ifo, ir.sub(one, ifo)));
  const tanhPart = ir.mul(ir.slice(ifo, 1, 0, hidden), ir.sub(one, ir.mul(g, g)));
  const qs = perStep(ir.concat([sigmoidPart, tanhPart], 1));
  const rs = perStep(ir.mul(ir.slice(ifo, 1, 2 * hidden, 3 * hidden), ir.sub(one, ir.mul(tc, tc))));

  const dpre = new Array<V | undefined>(steps);
  let dhCarry: V | undefined;
  let dcCarry = dcLast;
  for (let k = steps - 1; k >= 0; k--) {
    const ext = dhs[k];
    const dh = ext && dhCarry ? ir.add(ext, dhCarry) : (ext ?? dhCarry);
    let dc = dcCarry;
    if (dh) {
      const viaH = ir.mul(dh, rs[k]!);
      dc = dc ? ir.add(dc, viaH) : viaH;
    }
    dhCarry = undefined;
    dcCarry = undefined;
    if (!dc) continue;
    const dp = ir.mul(ir.concat([dc, dc, dh ?? zerosH, dc], 1), qs[k]!);
    dpre[k] = dp;
    if (k > 0) {
      dhCarry = ir.matmul(dp, whh);
      dcCarry = ir.mul(dc, rec[k]!.f);
    }
  }
  if (dpre.every((d) => d === undefined)) return [undefined, undefined];

  const byTime = new Array<V>(steps);
  const hPrevByTime = new Array<V>(steps);
  rec.forEach((st, k) => {
    byTime[st.t] = dpre[k] ?? zerosBlock(ir, [n, gh], 'LSTM gradient');
    hPrevByTime[st.t] = st.hPrev ?? zerosH;
  });
  if (tm) {
    // Time-major rows: d(pre) and h_{t−1} stack into [T·N, ·] blocks; a looked-up table gets them added to its rows.
    const dRows = rows(byTime);
    let dsource = dRows;
    if (tm.ids) {
      const v = tm.source.type.shape[0] as number;
      const wrapped = ir.where(ir.less(tm.ids, ir.scalar(0, 'int64')), ir.add(tm.ids, ir.scalar(v, 'int64')), tm.ids);
      dsource = addRowsByIndex(ir, ir.reshape(wrapped, [steps * n]), v, dRows);
    }
    if (steps === 1) return [dsource, undefined];
    return [dsource, ir.matmul(ir.transpose(dRows, [1, 0]), rows(hPrevByTime))];
  }
  const cat = (xs: readonly V[]) => (xs.length === 1 ? xs[0]! : ir.concat(xs, 1));
  const dflat = cat(byTime);
  if (steps === 1) return [dflat, undefined];
  const dp = ir.reshape(dflat, [n * steps, gh]);
  const hp = ir.reshape(cat(hPrevByTime), [n * steps, hidden]);
  return [dflat, ir.matmul(ir.transpose(dp, [1, 0]), hp)];
}

/** Stacks per-(layer, direction) final states [N, H] into torch's batch-first h_n / c_n [N, D·L, H]. */
function stackStates(ir: IrBuilder, states: readonly V[], shape: Shape): V {
  return ir.reshape(states.length === 1 ? states[0]! : ir.concat(states, 1), shape);
}

/**
 * Lowers RNN / LSTM / GRU (batch-first, zero initial state) to primitive ops, as described at the top of this file.
 * Returns out [N, T, D·H], last [N, D·H], h_n [N, D·L, H] and, for LSTM, c_n [N, D·L, H].
 */
export function lowerRecurrent(ctx: RecurrentLowerCtx, cell: RecurrentCell): Record<string, V> {
  const { ir, params: q } = ctx;
  const d = directions(q);
  const h = q.hidden_size;
  let seq = ctx.x['in']!;
  const steps = seq.type.shape[1] as number;
  const finalH: V[] = [];
  const finalC: V[] = [];
  let top: DirectionResult[] = [];
  for (let l = 0; l < q.num_layers; l++) {
    if (l > 0 && ctx.mode === 'train' && q.dropout > 0) seq = ir.mul(seq, ctx.feed(`mask_l${l - 1}`, seq.type, { kind: 'dropout', p: q.dropout }));
    const layer: DirectionResult[] = [];
    for (const sfx of q.bidirectional ? ['', '_reverse'] : ['']) {
      const weight = (name: string): V | undefined => ctx.w[`${name}_l${l}${sfx}`];
      const wt: DirectionWeights = { ih: weight('weight_ih')!, hh: weight('weight_hh')!, bih: weight('bias_ih'), bhh: weight('bias_hh') };
      const res = runDirection(ir, seq, wt, cell, h, sfx !== '');
      layer.push(res);
      finalH.push(res.h);
      if (res.c) finalC.push(res.c);
    }
    // [N, T·D·H] with time outermost, then direction: reshapes to [N, T, D·H].
    const perStep: V[] = [];
    for (let t = 0; t < steps; t++) for (const res of layer) perStep.push(res.hs[t]!);
    seq = ir.reshape(perStep.length === 1 ? perStep[0]! : ir.concat(perStep, 1), ['N', steps, d * h]);
    top = layer;
  }
  const last = top.length === 1 ? top[0]!.h : ir.concat(top.map((res) => res.h), 1);
  const stateShape = ctx.out['h_n']!;
  return {
    out: seq,
    last,
    h_n: stackStates(ir, finalH, stateShape),
    ...(cell === 'lstm' ? { c_n: stackStates(ir, finalC, stateShape) } : {}),
  };
}

/** The batch-first wrappers of nn.RNN, nn.LSTM and nn.GRU that return every output port, in port order. */
const recurrentHelper = (kind: 'RNN' | 'LSTM' | 'GRU'): TorchHelper => {
  const lstm = kind === 'LSTM';
  return {
    name: `BatchFirst${kind}`,
    source: `class BatchFirst${kind}(nn.${kind}):
    """nn.${kind}(batch_first=True) returning (out, last, h_n${lstm ? ', c_n' : ''}), all batch-first.

    last is the top layer's final hidden state (forward and backward concatenated when bidirectional);
    h_n${lstm ? ' and c_n are' : ' is'} [N, D * num_layers, H] (torch's h_n.transpose(0, 1)).
    """

${
      lstm
        ? `    def __init__(self, *args, forget_bias=0.0, **kwargs):
        super().__init__(*args, batch_first=True, **kwargs)
        if forget_bias and self.bias:  # start the forget gate open: add forget_bias to rows [H, 2H) of b_ih
            with torch.no_grad():
                for name, b in self.named_parameters():
                    if name.startswith("bias_ih_"):
                        b[self.hidden_size:2 * self.hidden_size] += forget_bias
`
        : `    def __init__(self, *args, **kwargs):
        super().__init__(*args, batch_first=True, **kwargs)
`
    }
    def forward(self, x):
        out, ${lstm ? '(h_n, c_n)' : 'h_n'} = super().forward(x)
        last = torch.cat([h_n[-2], h_n[-1]], 1) if self.bidirectional else h_n[-1]
        return out, last, h_n.transpose(0, 1)${lstm ? ', c_n.transpose(0, 1)' : ''}
`,
  };
};

/** The PyTorch mapping of a recurrent layer: `BatchFirstLSTM(F, H, num_layers=…)`; `extra` adds RNN's nonlinearity. */
export function recurrentTorch(
  kind: 'RNN' | 'LSTM' | 'GRU',
  x: Shape,
  q: RecurrentConfig & { readonly dropout: number },
  extra: Readonly<Record<string, readonly [TorchArg, TorchArg]>> = {},
): TorchCode {
  const helper = recurrentHelper(kind);
  return {
    module: {
      fn: helper.name,
      args: [x[x.length - 1] as number, q.hidden_size],
      kwargs: changed({
        num_layers: [q.num_layers, 1],
        bias: [q.bias, true],
        dropout: [q.dropout, 0],
        bidirectional: [q.bidirectional, false],
        ...extra,
      }),
    },
    returns: ['out', 'last', 'h_n', ...(kind === 'LSTM' ? ['c_n'] : [])],
    helper,
  };
}
