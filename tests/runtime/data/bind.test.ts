import { describe, expect, it } from 'vitest';
import { inferShapes } from '../../../graph-core';
import { bindDataset } from '../../../runtime/data/bind';
import { addition, brackets } from '../../../runtime/data/builtin/sequence-tasks';
import { sine } from '../../../runtime/data/builtin/regression';
import { spirals } from '../../../runtime/data/builtin/toy2d';
import type { Dataset } from '../../../runtime/data/dataset';
import { chain, doc, edge, node, readExample } from '../../helpers/graphs';

const load = (b: { load: (o: { seed: number; size: number }) => Promise<Dataset> }) => b.load({ seed: 0, size: 30 });

/** Input [shape] → Linear(out) → loss. */
const mlp = (shape: number[], out: number, loss: string) =>
  chain(node('x', 'Input', { shape }), node('fc', 'Linear', { out_features: out }), node('loss', loss));

describe('bindDataset', () => {
  it('accepts spirals on a [2] → 3-class MLP with CrossEntropyLoss', async () => {
    expect(bindDataset(inferShapes(mlp([2], 3, 'CrossEntropyLoss')), await load(spirals))).toEqual([]);
  });

  it('says in words when the Input shape differs, as the issue asks', async () => {
    const ds = bindDataset(inferShapes(readExample('lenet5.json')), await load(spirals));
    expect(ds).toHaveLength(1);
    expect(ds[0]).toEqual({
      code: 'DATASET_MISMATCH',
      severity: 'error',
      node: 'x',
      message: "Input x expects [1, 28, 28] float32; dataset 'spirals' gives [2] float32.",
    });
  });

  it('reports a dtype mismatch: token ids into a float Input', async () => {
    const g = chain(node('x', 'Input', { shape: [12] }), node('fc', 'Linear', { out_features: 2 }), node('loss', 'CrossEntropyLoss'));
    const ds = bindDataset(inferShapes(g), await load(brackets));
    expect(ds.map((d) => d.message)).toEqual(["Input x expects [12] float32; dataset 'brackets' gives [12] int64."]);
  });

  it('accepts token ids through an Embedding with a per-position CrossEntropyLoss', async () => {
    const g = chain(
      node('x', 'Input', { shape: [8], dtype: 'int64' }),
      node('emb', 'Embedding', { num_embeddings: 13, embedding_dim: 8 }),
      node('fc', 'Linear', { out_features: 13 }),
      node('loss', 'CrossEntropyLoss'),
    );
    expect(bindDataset(inferShapes(g), await load(addition))).toEqual([]);
  });

  it('checks that an unconnected loss target fits: class indices for CrossEntropyLoss, floats for MSELoss', async () => {
    const ce = bindDataset(inferShapes(mlp([1], 1, 'CrossEntropyLoss')), await load(sine));
    expect(ce).toEqual([
      {
        code: 'DATASET_MISMATCH',
        severity: 'error',
        node: 'loss',
        port: 'target',
        message: "Input loss.target expects [] int64 class indices; dataset 'sine' gives [1] float32.",
      },
    ]);
    expect(bindDataset(inferShapes(mlp([1], 1, 'MSELoss')), await load(sine))).toEqual([]);
    const mse = bindDataset(inferShapes(mlp([2], 3, 'MSELoss')), await load(spirals));
    expect(mse.map((d) => d.message)).toEqual(["Input loss.target expects [3] float32; dataset 'spirals' gives [] int64."]);
    const bce = bindDataset(inferShapes(mlp([2], 1, 'BCEWithLogitsLoss')), await load(spirals));
    expect(bce.map((d) => d.message)).toEqual(["Input loss.target expects [1] float32; dataset 'spirals' gives [] int64."]);
  });

  it('reports a classifier with fewer scores than the dataset has classes', async () => {
    const ds = bindDataset(inferShapes(mlp([2], 2, 'CrossEntropyLoss')), await load(spirals));
    expect(ds).toEqual([
      expect.objectContaining({
        node: 'loss',
        port: 'input',
        message: "Input loss.input expects at most 2 classes (it gets 2 scores per sample); dataset 'spirals' gives 3 classes.",
      }),
    ]);
  });

  it('leaves a connected loss target alone', async () => {
    const g = doc(
      [node('x', 'Input', { shape: [2] }), node('t', 'Input', { shape: [2] }), node('fc', 'Linear', { out_features: 2 }), node('loss', 'MSELoss')],
      [edge('x', 'fc'), edge('fc', 'loss.input'), edge('t', 'loss.target')],
    );
    const spiralsDs = await load(spirals);
    // two Inputs: each must be named in the dataset; spirals has only x
    const ds = bindDataset(inferShapes(g), spiralsDs);
    expect(ds.map((d) => d.message)).toEqual(["Input t expects [2] float32; dataset 'spirals' gives no input named 't' (its inputs: x)."]);
    const twoInputs: Dataset = { ...spiralsDs, inputs: { ...spiralsDs.inputs, t: { shape: [2], dtype: 'float32' } }, arrays: { ...spiralsDs.arrays, t: spiralsDs.arrays.x! } };
    expect(bindDataset(inferShapes(g), twoInputs)).toEqual([]);
  });

  it('matches a single Input by its own name before falling back to x', async () => {
    const s = await load(sine);
    const renamed: Dataset = { ...s, inputs: { t: s.inputs.x! }, arrays: { t: s.arrays.x!, y: s.arrays.y! } };
    const g = chain(node('t', 'Input', { shape: [1] }), node('fc', 'Linear', { out_features: 1 }), node('loss', 'MSELoss'));
    expect(bindDataset(inferShapes(g), renamed)).toEqual([]);
    const g2 = chain(node('inp', 'Input', { shape: [1] }), node('fc', 'Linear', { out_features: 1 }), node('loss', 'MSELoss'));
    expect(bindDataset(inferShapes(g2), renamed).map((d) => d.message)).toEqual([
      "Input inp expects [1] float32; dataset 'sine' gives no input named 'x' (its inputs: t).",
    ]);
  });
});
