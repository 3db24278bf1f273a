/**
 * `layerloom decode <graph.json> --weights W.safetensors [--beam K] [--count N] [--text "…"]`: translates with
 * a trained teacher-forced seq2seq graph by greedy or beam decoding, on fresh sentences of its built-in
 * dataset (reporting exact match against the references) or on a sentence given with --text.
 */
import { hasErrors, inferShapes, type GraphDoc } from '../../graph-core';
import { getBuiltin } from '../../runtime/data/registry';
import { DataError } from '../../runtime/data/errors';
import { nodeBackend } from '../../runtime/train/backend-node';
import { DecodeError, findDecodeInputs, Seq2SeqDecoder, type Hypothesis } from '../../runtime/infer/decode';
import { EXIT, UserError, type CliIO } from '../io';
import { readWeightsFile } from '../weights-file';
import { openGraphOrTemplate } from '../template-source';

export const decodeHelp = `Usage: layerloom decode <graph.json> --weights W.safetensors [options]

Translates with a trained sequence-to-sequence graph (a source Input, a teacher-forced target Input starting
with <bos>, logits over the target positions), feeding back its own output token by token.

  --weights PATH          the trained weights (weights.safetensors that layerloom train --out wrote)
  --beam K                beam search with K beams (default: greedy, which is --beam 1)
  --alpha A               beam search: rank hypotheses by log p / length^A (default 0)
  --max-len L             most tokens to emit (default: the length of the target input)
  --count N               decode N fresh sentences of the graph's built-in dataset and report exact match (default 100)
  --data-seed S           the seed those sentences are drawn with (default 1; training uses the graph's seed)
  --text "SENTENCE"       decode this sentence instead (words of the dataset's vocabulary, separated by spaces)
  --json                  one JSON object per sentence and a summary`;

export interface DecodeArgs {
  readonly file?: string;
  readonly weights?: string;
  readonly beam?: string;
  readonly alpha?: string;
  readonly maxLen?: string;
  readonly count?: string;
  readonly dataSeed?: string;
  readonly text?: string;
  readonly json: boolean;
}

const numberFlag = (flag: string, v: string | undefined, o: { int?: boolean; min: number }): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (o.int && !Number.isInteger(n)) || n < o.min)
    throw new UserError(`--${flag} must be ${o.int ? 'a whole number' : 'a number'} of at least ${o.min}, not "${v}"`);
  return n;
};

export async function decodeCommand(io: CliIO, a: DecodeArgs): Promise<number> {
  if (!a.file) throw new UserError('decode needs a graph file, e.g. layerloom decode translator.json --weights out/weights.safetensors');
  if (!a.weights) throw new UserError('decode needs the trained weights: --weights out/weights.safetensors');
  const beam = numberFlag('beam', a.beam, { int: true, min: 1 }) ?? 1;
  const alpha = numberFlag('alpha', a.alpha, { min: 0 }) ?? 0;
  const maxLen = numberFlag('max-len', a.maxLen, { int: true, min: 1 });
  const count = numberFlag('count', a.count, { int: true, min: 1 }) ?? 100;
  const dataSeed = numberFlag('data-seed', a.dataSeed, { int: true, min: 0 }) ?? 1;
  const { doc } = await openGraphOrTemplate(io, a.file);
  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics)) throw new UserError(`${a.file} has errors; run layerloom summary ${a.file} to see them`, EXIT.diagnostics);
  const training = ((doc as GraphDoc).training ?? {}) as Record<string, unknown>;
  const name = training.dataset;
  const builtin = typeof name === 'string' ? getBuiltin(name) : undefined;
  if (!builtin) throw new UserError(`decode reads the vocabulary from the graph's built-in dataset; ${a.file} names ${typeof name === 'string' ? `"${name}", which is not built in` : 'none'}`);
  const vocab = builtin.info.vocab;
  if (!vocab) throw new UserError(`dataset '${builtin.info.name}' has no vocabulary of tokens to decode into`);
  const id = (t: string) => vocab.indexOf(t);
  const [bos, eos, pad] = [id('<bos>'), id('<eos>'), id('<pad>')];
  if (bos < 0 || eos < 0 || pad < 0) throw new UserError(`dataset '${builtin.info.name}' has no <bos>, <eos> and <pad> tokens: it is not a sequence-to-sequence set`);

  const weights = await readWeightsFile(a.weights);

  let decoder: Seq2SeqDecoder;
  try {
    const inputs = findDecodeInputs(shaped);
    decoder = await Seq2SeqDecoder.create(shaped, weights, nodeBackend('native'), { ...inputs, bos, eos, pad, ...(maxLen !== undefined ? { maxLen } : {}) });
  } catch (e) {
    if (e instanceof DecodeError) throw new UserError(e.message);
    throw e;
  }
  const words = (ids: readonly number[]) => ids.filter((t) => t !== pad && t !== bos && t !== eos).map((t) => vocab[t] ?? `#${t}`).join(' ');
  const run = (src: Int32Array): Promise<Hypothesis[]> => (beam === 1 ? decoder.greedy(src) : decoder.beam(src, beam, { alpha }));
  const how = beam === 1 ? 'greedy' : `beam ${beam}${alpha ? `, alpha ${alpha}` : ''}`;
  try {
    if (a.text !== undefined) {
      const toks = a.text.trim().split(/\s+/).filter(Boolean);
      const unknown = toks.filter((t) => id(t) < 0);
      if (unknown.length) throw new UserError(`not in the vocabulary of '${builtin.info.name}': ${unknown.join(', ')}`);
      if (toks.length > decoder.srcLen) throw new UserError(`the model reads at most ${decoder.srcLen} source tokens; the text has ${toks.length}`);
      const src = new Int32Array(decoder.srcLen).fill(pad);
      toks.forEach((t, i) => (src[i] = id(t)));
      const [h] = await run(src);
      if (a.json) io.out(`${JSON.stringify({ type: 'decode', mode: how, source: a.text.trim(), output: words(h!.tokens), log_prob: h!.logProb, finished: h!.finished })}\n`);
      else io.out(`${words(h!.tokens)}${h!.finished ? '' : '  (cut at the maximum length)'}\n`);
      return EXIT.ok;
    }
    let ds;
    try {
      ds = await builtin.load({ seed: dataSeed, size: count });
    } catch (e) {
      if (e instanceof DataError) throw new UserError(e.message);
      throw e;
    }
    const srcName = Object.keys(ds.inputs).find((k) => k === decoder.spec.source) ?? Object.keys(ds.inputs)[0]!;
    const srcLen = ds.inputs[srcName]!.shape[0]!;
    const yName = Object.keys(ds.targets)[0]!;
    const yLen = ds.targets[yName]!.shape[0]!;
    if (srcLen !== decoder.srcLen) throw new UserError(`the model reads ${decoder.srcLen} source tokens; '${builtin.info.name}' gives ${srcLen}`);
    const hyps = await run(ds.arrays[srcName] as Int32Array);
    let exact = 0;
    hyps.forEach((h, i) => {
      const refRow = Array.from((ds.arrays[yName] as Int32Array).subarray(i * yLen, (i + 1) * yLen));
      const ref = refRow.slice(0, refRow.includes(eos) ? refRow.indexOf(eos) : refRow.length).filter((t) => t !== pad);
      const ok = h.finished && h.tokens.join(' ') === ref.join(' ');
      if (ok) exact++;
      const source = words(Array.from((ds.arrays[srcName] as Int32Array).subarray(i * srcLen, (i + 1) * srcLen)));
      if (a.json) io.out(`${JSON.stringify({ type: 'decode', mode: how, source, output: words(h.tokens), reference: words(ref), exact: ok, log_prob: h.logProb })}\n`);
      else if (i < 10) io.out(`${source}\n  → ${words(h.tokens)}${ok ? '  ✓' : `  ✗ (reference: ${words(ref)})`}\n`);
    });
    if (a.json) io.out(`${JSON.stringify({ type: 'summary', mode: how, count, exact_match: exact / count })}\n`);
    else io.out(`exact match with ${how} decoding: ${exact}/${count} (${((100 * exact) / count).toFixed(1)}%) on fresh '${builtin.info.name}' sentences (data seed ${dataSeed})\n`);
    return EXIT.ok;
  } finally {
    await decoder.release();
  }
}
