/**
 * Greedy and beam decoding of a seq2seq model trained with teacher forcing: the Transformer translator
 * (templates/transformer-translator) trained briefly on the toy translation set. Greedy decoding matches a
 * plain PyTorch greedy loop over the generated model.py with the same weights, token for token; beam 1 is
 * greedy; a beam's score is the model's own teacher-forced log-probability of what it returned; bad
 * settings are refused with a message.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { inferShapes, parseDocument, type GraphDoc } from '../../graph-core';
import { exportGraph } from '../../exporters/export-graph';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { getBuiltin } from '../../runtime/data/registry';
import type { Dataset } from '../../runtime/data/dataset';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import { DecodeError, findDecodeInputs, Seq2SeqDecoder, type Hypothesis } from '../../runtime/infer/decode';
import { main } from '../../cli/main';
import type { CliIO } from '../../cli/io';
import { runSystemPython } from '../helpers/onnx-checker';

const root = new URL('../../', import.meta.url).pathname;
const doc: GraphDoc = parseDocument(readFileSync(join(root, 'templates/transformer-translator/graph.json'), 'utf8')).doc!;
const shaped = inferShapes(doc);
const backend = nodeBackend('native', 1);
const SRC = 11;
const TGT = 13;
const N = 100;
const spec = { source: 'src', prefix: 'tgt_in', bos: 1, eos: 2, pad: 0 };

let ds: Dataset;
let weights: Map<string, Float32Array>;
let sources: Int32Array;
let references: number[][];

beforeAll(async () => {
  ds = await getBuiltin('translation')!.load({ seed: 0, size: 3000 });
  const trainer = new Trainer(shaped, ds, backend, { batchSize: 64, optimizer: { kind: 'Adam' }, lr: 0.003, seed: 0, valSplit: 0.1, epochs: 4 });
  const r = await trainer.run();
  expect(r.status).toBe('finished');
  weights = r.weights;
  // The first N held-out sentences and their reference translations (y up to <eos>).
  const val = trainer.valIndices;
  sources = new Int32Array(N * SRC);
  references = [];
  const S = ds.arrays.src as Int32Array;
  const Y = ds.arrays.y as Int32Array;
  for (let i = 0; i < N; i++) {
    sources.set(S.subarray(val[i]! * SRC, (val[i]! + 1) * SRC), i * SRC);
    const row = Array.from(Y.subarray(val[i]! * TGT, (val[i]! + 1) * TGT));
    references.push(row.slice(0, row.indexOf(2)));
  }
}, 300_000);

const exactMatch = (hyps: readonly Hypothesis[]) => hyps.filter((h, i) => h.tokens.join(' ') === references[i]!.join(' ')).length / hyps.length;

describe('Seq2SeqDecoder', () => {
  it('greedy decoding equals a PyTorch greedy loop over the generated model.py with the same weights', { timeout: 300_000 }, async () => {
    const decoder = await Seq2SeqDecoder.create(shaped, weights, backend, spec);
    const greedy = await decoder.greedy(sources);
    await decoder.release();
    // The briefly trained translator translates most held-out sentences exactly.
    expect(exactMatch(greedy)).toBeGreaterThan(0.7);

    const dir = mkdtempSync(join(tmpdir(), 'layerloom-decode-'));
    const code = generatePytorch(doc, shaped);
    const ex = exportGraph(doc, { seed: 0, weights });
    if (!code.ok || !ex.ok) throw new Error('export failed');
    for (const [name, text] of Object.entries(code.files)) writeFileSync(join(dir, name), text);
    writeFileSync(join(dir, 'weights.safetensors'), ex.safetensors);
    writeFileSync(join(dir, 'src.json'), JSON.stringify({ src: Array.from(sources), n: N }));
    const ref = JSON.parse(
      runSystemPython(
        `
import json, os, sys, torch
d = sys.argv[1]
sys.path.insert(0, d)
import model
torch.set_num_threads(1)
net = model.Model()
net.load_state_dict(model.load_safetensors(os.path.join(d, 'weights.safetensors')), strict=True)
net.eval()
a = json.load(open(os.path.join(d, 'src.json')))
src = torch.tensor(a['src'], dtype=torch.int64).reshape(a['n'], ${SRC})
BOS, EOS, PAD, T = 1, 2, 0, ${TGT}
out = []
with torch.no_grad():
    for s in src:
        tokens = []
        for i in range(T):
            prefix = torch.full((1, T), PAD, dtype=torch.int64)
            prefix[0, 0] = BOS
            for j, t in enumerate(tokens):
                prefix[0, j + 1] = t
            args = {'src': s[None], 'tgt_in': prefix}
            logits = net(*[args[name] for name in net.INPUTS])[0, i].clone()
            logits[PAD] = logits[BOS] = -float('inf')
            nxt = int(logits.argmax())
            if nxt == EOS:
                break
            tokens.append(nxt)
        out.append(tokens)
print(json.dumps(out))
`,
        [dir],
      ),
    ) as number[][];
    expect(greedy.map((h) => h.tokens)).toEqual(ref);
  });

  it('beam 1 is greedy; a beam of 3 returns hypotheses whose scores are the model’s teacher-forced log-probabilities', { timeout: 300_000 }, async () => {
    const decoder = await Seq2SeqDecoder.create(shaped, weights, backend, spec);
    const some = sources.subarray(0, 30 * SRC);
    const greedy = await decoder.greedy(some);
    const beam1 = await decoder.beam(some, 1);
    expect(beam1).toEqual(greedy);
    const beam3 = await decoder.beam(some, 3);
    await decoder.release();
    expect(beam3.every((h) => h.finished)).toBe(true);
    // Each returned translation's score is what the model gives it with teacher forcing (Σ log p, <eos> included).
    const model = await Seq2SeqDecoder.create(shaped, weights, backend, spec);
    for (const [r, h] of beam3.entries()) expect(h.logProb).toBeCloseTo(await model.score(some.subarray(r * SRC, (r + 1) * SRC), h.tokens), 4);
    // …and so is the greedy one's.
    for (const [r, h] of greedy.entries()) if (h.finished) expect(h.logProb).toBeCloseTo(await model.score(some.subarray(r * SRC, (r + 1) * SRC), h.tokens), 4);
    await model.release();
  });

  it('refuses inputs it cannot decode with, and bad widths and lengths', async () => {
    await expect(Seq2SeqDecoder.create(shaped, weights, backend, { ...spec, prefix: 'tgt' })).rejects.toThrow(/no input tgt to decode with \(its inputs: src, tgt_in\)/);
    await expect(Seq2SeqDecoder.create(shaped, weights, backend, { ...spec, maxLen: 14 })).rejects.toThrow(/between 1 and 13/);
    await expect(Seq2SeqDecoder.create(shaped, new Map(), backend, spec)).rejects.toThrow(DecodeError);
    const decoder = await Seq2SeqDecoder.create(shaped, weights, backend, spec);
    await expect(decoder.beam(sources.subarray(0, SRC), 0)).rejects.toThrow(/beam width must be a whole number of at least 1/);
    await expect(decoder.greedy(sources.subarray(0, 5))).rejects.toThrow(/rows of 11/);
    await decoder.release();
  });
});

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const io: CliIO = {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    readText: async (p) => (await import('node:fs/promises')).readFile(p, 'utf8'),
    isTTY: false,
  };
  return { code: await main(argv, io), out, err };
}

describe('layerloom decode', () => {
  it('finds the source and the prefix inputs; decodes fresh sentences with exact match, greedy and beam, and a given sentence', { timeout: 300_000 }, async () => {
    expect(findDecodeInputs(shaped)).toEqual({ source: 'src', prefix: 'tgt_in' });
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-decode-cli-'));
    const ex = exportGraph(doc, { seed: 0, weights });
    if (!ex.ok) throw new Error('export failed');
    const w = join(dir, 'weights.safetensors');
    writeFileSync(w, ex.safetensors);
    const graph = join(root, 'templates/transformer-translator/graph.json');
    const greedy = await cli('decode', graph, '--weights', w, '--count', '40', '--json');
    expect(greedy.err).toBe('');
    expect(greedy.code).toBe(0);
    const lines = greedy.out.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(41);
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({ type: 'summary', mode: 'greedy', count: 40 });
    expect(summary.exact_match).toBe(lines.slice(0, 40).filter((l) => l.exact).length / 40);
    expect(summary.exact_match as number).toBeGreaterThan(0.7);
    // The same sentences through the decoder directly: the CLI reports what Seq2SeqDecoder decodes.
    const fresh = await getBuiltin('translation')!.load({ seed: 1, size: 40 });
    const decoder = await Seq2SeqDecoder.create(shaped, weights, backend, spec);
    const direct = await decoder.greedy(fresh.arrays.src as Int32Array);
    await decoder.release();
    const vocab = fresh.info.vocab!;
    expect(lines.slice(0, 40).map((l) => l.output)).toEqual(direct.map((h) => h.tokens.map((t) => vocab[t]).join(' ')));

    const beam = await cli('decode', graph, '--weights', w, '--count', '40', '--beam', '3');
    expect(beam.out.trim().split('\n').at(-1)).toMatch(/^exact match with beam 3 decoding: \d+\/40 \(\d+\.\d%\) on fresh 'translation' sentences \(data seed 1\)$/);
    const text = await cli('decode', graph, '--weights', w, '--text', 'the red car sees a dog', '--json');
    const one = JSON.parse(text.out) as { output: string; source: string };
    expect(one.source).toBe('the red car sees a dog');
    expect(one.output.split(' ').length).toBeGreaterThan(3);
  });

  it('refuses in one line: unknown words, a graph that is not seq2seq, a missing weights file, a bad beam width', async () => {
    const graph = join(root, 'templates/transformer-translator/graph.json');
    const dir = mkdtempSync(join(tmpdir(), 'layerloom-decode-cli-'));
    const ex = exportGraph(doc, { seed: 0, weights });
    if (!ex.ok) throw new Error('export failed');
    const w = join(dir, 'weights.safetensors');
    writeFileSync(w, ex.safetensors);
    expect((await cli('decode', graph, '--weights', w, '--text', 'the purple car')).err.trim()).toBe("layerloom: not in the vocabulary of 'translation': purple");
    expect((await cli('decode', graph, '--weights', join(dir, 'none'))).err.trim()).toBe(`layerloom: cannot read the weights file ${join(dir, 'none')}`);
    expect((await cli('decode', graph, '--weights', w, '--beam', '0')).err.trim()).toBe('layerloom: --beam must be a whole number of at least 1, not "0"');
    const spiral = await cli('decode', join(root, 'examples/spiral-mlp.json'), '--weights', w);
    expect(spiral.code).not.toBe(0);
    expect(spiral.err.trim().split('\n')).toHaveLength(1);
  });
});
