/**
 * Step-wise decoding of sequence-to-sequence graphs trained with teacher forcing (a GRU/LSTM seq2seq, the
 * Transformer translator): at inference the target-side input is not known, so it is replaced by the prefix
 * decoded so far. The model is the graph's eval program (losses left out), run on [<bos>, y₁ … y_i, <pad> …]:
 * position i of its logits [N, T, V] gives the distribution of y_{i+1}. This needs a decoder whose position i
 * sees only positions ≤ i (a recurrent decoder, or a causally masked Transformer decoder), as teacher forcing
 * trained it to.
 *
 *   greedy   y_{i+1} = argmax p(· | src, y_≤i), until <eos> or the maximum length
 *   beam k   keeps the k prefixes of highest Σ log p; a prefix that emits <eos> is finished; the search ends
 *            when the best finished score beats every live prefix (or at the maximum length); hypotheses are
 *            ranked by Σ log p / length^α (α = 0: no length normalisation). Beam 1 is greedy.
 *
 * Both run batched: greedy decodes the whole batch at once; beam search runs the k prefixes of a sample as one
 * batch per step.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';
import type { ShapedGraph } from '../../graph-core';
import { lowerLayers } from '../../graph-core/passes/lower';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import type { Backend } from '../train/backend';
import { sessionOptionsFor } from '../train/tensors';

export class DecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DecodeError';
  }
}

export interface DecodeSpec {
  /** The Input that takes the source sequence [N, Ts]. */
  readonly source: string;
  /** The Input that takes the teacher-forced target prefix [N, Tt] (<bos> + target, padded). */
  readonly prefix: string;
  readonly bos: number;
  readonly eos: number;
  readonly pad: number;
  /** Most tokens to emit (without <bos>); at most Tt. Default Tt. */
  readonly maxLen?: number;
}

export interface Hypothesis {
  /** The decoded tokens, without <bos> and without <eos>. */
  readonly tokens: number[];
  /** Σ log p of the emitted tokens (including <eos> when it ended with one). */
  readonly logProb: number;
  /** Whether it ended with <eos> (false: cut at the maximum length). */
  readonly finished: boolean;
}

/**
 * The source and the teacher-forced prefix Inputs of a seq2seq graph: its two token Inputs, the prefix being
 * the one named tgt_in (or whose name starts with tgt or dec), else the one whose length matches the logits'
 * positions.
 */
export function findDecodeInputs(shaped: ShapedGraph): { source: string; prefix: string } {
  const inputs = shaped.order.filter((id) => shaped.nodes.get(id)?.kind === 'Input');
  const tokens = inputs.filter((id) => shaped.info.get(id)?.outputs.out?.dtype === 'int64');
  if (inputs.length !== 2 || tokens.length !== 2)
    throw new DecodeError(`decoding needs a graph with two token Inputs, the source and the teacher-forced target; this one has ${inputs.length ? inputs.join(', ') : 'none'}`);
  const named = tokens.find((id) => id === 'tgt_in') ?? tokens.find((id) => /^(tgt|dec)/i.test(id));
  let prefix = named;
  if (!prefix) {
    const ends = shaped.order.filter((id) => !shaped.edges.some((e) => e.from.node === id && !shaped.nodes.get(e.to.node)?.kind.endsWith('Loss')));
    const positions = ends.map((id) => Object.values(shaped.info.get(id)?.outputs ?? {})[0]?.shape[1]).find((d) => typeof d === 'number');
    const len = (id: string) => shaped.info.get(id)?.outputs.out?.shape[1];
    const matching = tokens.filter((id) => len(id) === positions);
    if (matching.length === 1) prefix = matching[0];
  }
  if (!prefix) throw new DecodeError(`cannot tell which of ${tokens.join(' and ')} takes the target prefix: name it tgt_in`);
  return { source: tokens.find((id) => id !== prefix)!, prefix };
}

/** A compiled seq2seq model ready for decoding: one onnxruntime session of the eval program. */
export class Seq2SeqDecoder {
  private constructor(
    private readonly backend: Backend,
    private readonly session: InferenceSession,
    private readonly output: string,
    readonly spec: DecodeSpec,
    /** Ts, Tt and the vocabulary size V. */
    readonly srcLen: number,
    readonly tgtLen: number,
    readonly vocab: number,
  ) {}

  static async create(shaped: ShapedGraph, weights: ReadonlyMap<string, Float32Array>, backend: Backend, spec: DecodeSpec): Promise<Seq2SeqDecoder> {
    const lowered = lowerLayers(shaped, { mode: 'eval' });
    const ir = lowered.builder.build();
    const inputs = ir.inputs.map((i) => i.name);
    for (const name of [spec.source, spec.prefix])
      if (!inputs.includes(name)) throw new DecodeError(`the model has no input ${name} to decode with (its inputs: ${inputs.join(', ')})`);
    if (inputs.length !== 2) throw new DecodeError(`decoding feeds a source and a target prefix; the model has ${inputs.length} inputs (${inputs.join(', ')})`);
    if (ir.outputs.length !== 1) throw new DecodeError(`decoding reads one output of logits [N, T, V]; the model has ${ir.outputs.length}`);
    const type = (name: string) => ir.values[ir.inputs.find((i) => i.name === name)!.value]!.type;
    const src = type(spec.source);
    const pre = type(spec.prefix);
    const out = ir.values[ir.outputs[0]!.value]!.type;
    if (src.dtype !== 'int64' || pre.dtype !== 'int64' || src.shape.length !== 2 || pre.shape.length !== 2)
      throw new DecodeError(`decoding takes token ids [N, T] at ${spec.source} and ${spec.prefix}`);
    const tgtLen = pre.shape[1] as number;
    if (out.shape.length !== 3 || out.shape[1] !== tgtLen)
      throw new DecodeError(`the model's output [${out.shape.join(', ')}] is not logits [N, ${tgtLen}, V] over the positions of ${spec.prefix}`);
    const maxLen = spec.maxLen ?? tgtLen;
    if (!Number.isInteger(maxLen) || maxLen < 1 || maxLen > tgtLen) throw new DecodeError(`the maximum length must be between 1 and ${tgtLen} (the length of ${spec.prefix}), not ${spec.maxLen}`);
    for (const w of ir.params) if (!weights.has(w.name)) throw new DecodeError(`no trained value for weight ${w.name}`);
    const output = ir.outputs[0]!.name;
    const session = await backend.ort.InferenceSession.create(encodeModel(irToOnnx(ir, { name: 'seq2seq_decode', weights })), sessionOptionsFor(backend, [output], new Map()));
    return new Seq2SeqDecoder(backend, session, output, { ...spec, maxLen }, src.shape[1] as number, tgtLen, out.shape[2] as number);
  }

  async release(): Promise<void> {
    await this.session.release();
  }

  /** Log-softmax of the logits at `position` for each row: rows × V. */
  private async stepLogProbs(src: Int32Array, prefixes: Int32Array, rows: number, position: number): Promise<Float64Array> {
    const { ort } = this.backend;
    const feeds: Record<string, Tensor> = {
      [this.spec.source]: new ort.Tensor('int64', BigInt64Array.from(src, (v) => BigInt(v)), [rows, this.srcLen]),
      [this.spec.prefix]: new ort.Tensor('int64', BigInt64Array.from(prefixes, (v) => BigInt(v)), [rows, this.tgtLen]),
    };
    const logits = (await this.session.run(feeds))[this.output]!.data as Float32Array;
    const V = this.vocab;
    const out = new Float64Array(rows * V);
    for (let r = 0; r < rows; r++) {
      const off = (r * this.tgtLen + position) * V;
      let max = -Infinity;
      for (let v = 0; v < V; v++) max = Math.max(max, logits[off + v]!);
      let sum = 0;
      for (let v = 0; v < V; v++) sum += Math.exp(logits[off + v]! - max);
      const lse = max + Math.log(sum);
      for (let v = 0; v < V; v++) out[r * V + v] = logits[off + v]! - lse;
    }
    return out;
  }

  /**
   * Σ log p(y_i | src, y_<i) of a given output sequence followed by <eos>, with the whole sequence as the
   * teacher-forced input (decoding pads what follows the prefix; a causal decoder gives the same values): how
   * likely the model finds a translation (e.g. to compare greedy and beam results, or a reference).
   */
  async score(source: Int32Array, tokens: readonly number[]): Promise<number> {
    if (source.length !== this.srcLen) throw new DecodeError(`a source is ${this.srcLen} ids; got ${source.length}`);
    if (tokens.length + 1 > this.tgtLen) throw new DecodeError(`at most ${this.tgtLen - 1} tokens fit before <eos>; got ${tokens.length}`);
    const { bos, eos, pad } = this.spec;
    const prefix = new Int32Array(this.tgtLen).fill(pad);
    prefix[0] = bos;
    tokens.forEach((t, j) => (prefix[j + 1] = t));
    let total = 0;
    const seq = [...tokens, eos];
    for (let i = 0; i < seq.length; i++) total += (await this.stepLogProbs(source, prefix, 1, i))[seq[i]!]!;
    return total;
  }

  private checkSources(sources: Int32Array): number {
    if (sources.length % this.srcLen !== 0) throw new DecodeError(`source ids come in rows of ${this.srcLen}; got ${sources.length} values`);
    return sources.length / this.srcLen;
  }

  /** Greedy decoding of every source row at once. */
  async greedy(sources: Int32Array): Promise<Hypothesis[]> {
    const n = this.checkSources(sources);
    const { bos, eos, pad, maxLen } = this.spec;
    const prefixes = new Int32Array(n * this.tgtLen).fill(pad);
    for (let r = 0; r < n; r++) prefixes[r * this.tgtLen] = bos;
    const hyps = Array.from({ length: n }, () => ({ tokens: [] as number[], logProb: 0, finished: false }));
    for (let i = 0; i < maxLen!; i++) {
      if (hyps.every((h) => h.finished)) break;
      const lp = await this.stepLogProbs(sources, prefixes, n, i);
      for (let r = 0; r < n; r++) {
        const h = hyps[r]!;
        if (h.finished) continue;
        // Never <pad> or <bos>: neither is an output token.
        let best = -1;
        for (let v = 0; v < this.vocab; v++) if (v !== pad && v !== bos && (best < 0 || lp[r * this.vocab + v]! > lp[r * this.vocab + best]!)) best = v;
        h.logProb += lp[r * this.vocab + best]!;
        if (best === eos) h.finished = true;
        else {
          h.tokens.push(best);
          if (i + 1 < this.tgtLen) prefixes[r * this.tgtLen + i + 1] = best;
        }
      }
    }
    return hyps;
  }

  /**
   * Beam search with k beams for each source row; returns the best hypothesis of each, ranked by
   * Σ log p / length^alpha (length counts <eos>).
   */
  async beam(sources: Int32Array, k: number, o: { readonly alpha?: number } = {}): Promise<Hypothesis[]> {
    if (!Number.isInteger(k) || k < 1) throw new DecodeError(`the beam width must be a whole number of at least 1, not ${k}`);
    const n = this.checkSources(sources);
    const out: Hypothesis[] = [];
    for (let r = 0; r < n; r++) out.push(await this.beamOne(sources.subarray(r * this.srcLen, (r + 1) * this.srcLen), k, o.alpha ?? 0));
    return out;
  }

  private async beamOne(source: Int32Array, k: number, alpha: number): Promise<Hypothesis> {
    const { bos, eos, pad, maxLen } = this.spec;
    const V = this.vocab;
    const score = (h: Hypothesis) => h.logProb / Math.pow(Math.max(1, h.tokens.length + (h.finished ? 1 : 0)), alpha);
    let live: Hypothesis[] = [{ tokens: [], logProb: 0, finished: false }];
    const done: Hypothesis[] = [];
    for (let i = 0; i < maxLen! && live.length > 0; i++) {
      const rows = live.length;
      const src = new Int32Array(rows * this.srcLen);
      const prefixes = new Int32Array(rows * this.tgtLen).fill(pad);
      live.forEach((h, b) => {
        src.set(source, b * this.srcLen);
        prefixes[b * this.tgtLen] = bos;
        h.tokens.forEach((t, j) => (prefixes[b * this.tgtLen + j + 1] = t));
      });
      const lp = await this.stepLogProbs(src, prefixes, rows, i);
      // Every extension of every live prefix, best first (ties: lower beam, then lower token id, as a stable sort gives).
      const cands: { b: number; v: number; logProb: number }[] = [];
      for (let b = 0; b < rows; b++) for (let v = 0; v < V; v++) if (v !== pad && v !== bos) cands.push({ b, v, logProb: live[b]!.logProb + lp[b * V + v]! });
      cands.sort((x, y) => y.logProb - x.logProb);
      const next: Hypothesis[] = [];
      for (const c of cands.slice(0, k)) {
        const tokens = live[c.b]!.tokens;
        if (c.v === eos) done.push({ tokens: [...tokens], logProb: c.logProb, finished: true });
        else next.push({ tokens: [...tokens, c.v], logProb: c.logProb, finished: false });
      }
      live = next;
      // Scores only fall as prefixes grow (without length normalisation): stop once no live prefix can win.
      if (alpha === 0 && done.length >= k && live.every((h) => h.logProb <= Math.max(...done.map(score)))) break;
    }
    const all = [...done, ...live];
    let best = all[0]!;
    for (const h of all) if (score(h) > score(best) || (h.finished && !best.finished && score(h) === score(best))) best = h;
    return best;
  }
}
