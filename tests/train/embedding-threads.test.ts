/**
 * Embedding gradients do not depend on onnxruntime's thread count. Many looked-up positions share a few table
 * rows, so the gradient adds many rows into the same table row; onnxruntime-node's ScatterND with reduction
 * add does that from several threads without synchronisation and lost rows on 2 and 3 threads (wrong by up to
 * 1 on this model). The Embedding + LSTM classifier of bench:train (its table projected through W_ih) and a
 * plain Embedding → mean → Linear model train a few Adam steps on 1, 2 and 3 threads: the weights must agree.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { inferShapes, parseDocument, Rng, type GraphDoc } from '../../graph-core';
import type { Dataset } from '../../runtime/data/dataset';
import { nodeBackend } from '../../runtime/train/backend-node';
import { Trainer } from '../../runtime/train/trainer';
import { chain, node } from '../helpers/graphs';

function sequences(size: number, length: number, vocab: number, classes: number): Dataset {
  const rng = new Rng(11);
  const x = new Int32Array(size * length).map(() => rng.int(vocab));
  const y = new Int32Array(size).map(() => rng.int(classes));
  return {
    info: { name: 'ids', title: 'ids', description: 'random token ids', origin: 'generated', task: 'classification', defaultSplit: { val: 0, test: 0 } },
    size,
    inputs: { x: { shape: [length], dtype: 'int64' } },
    targets: { y: { shape: [], dtype: 'int64' } },
    arrays: { x, y },
  };
}

async function train(doc: GraphDoc, threads: number): Promise<Map<string, Float32Array>> {
  const trainer = new Trainer(inferShapes(doc), sequences(128, 32, 64, 4), nodeBackend('native', threads), {
    steps: 4,
    batchSize: 32,
    optimizer: { kind: 'Adam', params: { lr: 0.01 } },
    lr: 0.01,
    seed: 3,
    valSplit: 0,
  });
  const r = await trainer.run();
  expect(r.status).toBe('finished');
  return r.weights;
}

const lstm = parseDocument(readFileSync(new URL('../../bench/models/lstm-classifier.json', import.meta.url), 'utf8')).doc!;
const bag = chain(
  node('x', 'Input', { shape: [32], dtype: 'int64' }),
  node('emb', 'Embedding', { num_embeddings: 64, embedding_dim: 16 }),
  node('mean', 'Mean', { dim: 1 }),
  node('out', 'Linear', { out_features: 4 }),
  node('loss', 'CrossEntropyLoss'),
);

describe('Embedding gradients on several onnxruntime threads', () => {
  it.each([
    ['Embedding + LSTM (projected table)', lstm],
    ['Embedding → mean → Linear', bag],
  ] as const)('%s: the same weights after 4 Adam steps on 1, 2 and 3 threads', { timeout: 120_000 }, async (_, doc) => {
    const one = await train(doc, 1);
    for (const threads of [2, 3]) {
      for (let run = 0; run < 2; run++) {
        const many = await train(doc, threads);
        for (const [name, w] of one) {
          const got = many.get(name)!;
          let worst = 0;
          for (let i = 0; i < w.length; i++) worst = Math.max(worst, Math.abs(got[i]! - w[i]!));
          expect(worst, `${name} on ${threads} threads`).toBeLessThan(1e-5);
        }
      }
    }
  });
});
