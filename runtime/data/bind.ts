/**
 * Binding a dataset to a graph: checks, before any training, that every Input node receives samples of
 * the shape and dtype it declares, and that each loss whose target is left unconnected can take the
 * dataset's target. Problems are graph-core diagnostics (DATASET_MISMATCH), written for students.
 */
import { BATCH, diag, fmtShape, type Diagnostic, type Dim, type ShapedGraph } from '../../graph-core';
import type { ArraySpec, Dataset } from './dataset';

const LOSSES = new Set(['CrossEntropyLoss', 'MSELoss', 'BCEWithLogitsLoss']);

/** A per-sample shape and dtype: what a node wants (any graph dtype) or what the dataset gives. */
type Want = { readonly shape: readonly number[]; readonly dtype: string };

const describe = (spec: Want) => `${fmtShape(spec.shape)} ${spec.dtype}`;
const perSample = (shape: readonly Dim[]) => shape.filter((d) => d !== BATCH) as number[];
const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
const names = (r: Readonly<Record<string, unknown>>) => Object.keys(r).join(', ') || 'none';

/** The dataset array an Input node reads: the input of the same name, or `x` when the graph has one Input. */
function inputFor(ds: Dataset, id: string, single: boolean): { name: string; spec?: ArraySpec } {
  if (ds.inputs[id]) return { name: id, spec: ds.inputs[id] };
  if (single) return { name: 'x', ...(ds.inputs.x ? { spec: ds.inputs.x } : {}) };
  return { name: id };
}

/** The dataset target an unconnected loss uses: the target of the loss's id, else the only target (or `y`). */
function targetFor(ds: Dataset, id: string): ArraySpec | undefined {
  if (ds.targets[id]) return ds.targets[id];
  const all = Object.values(ds.targets);
  if (all.length === 1) return all[0];
  return ds.targets.y;
}

/**
 * Diagnostics for every place where `ds` does not fit the graph; an empty list means the dataset can be
 * fed as is. Nodes whose shapes could not be inferred are skipped (the graph's own diagnostics cover them).
 */
export function bindDataset(shaped: ShapedGraph, ds: Dataset): Diagnostic[] {
  const out: Diagnostic[] = [];
  const dataset = ds.info.name;
  const inputs = shaped.order.filter((id) => shaped.nodes.get(id)?.kind === 'Input');

  for (const id of inputs) {
    const type = shaped.info.get(id)?.outputs.out;
    if (!type) continue;
    const want: Want = { shape: perSample(type.shape), dtype: type.dtype };
    const got = inputFor(ds, id, inputs.length === 1);
    if (!got.spec) {
      out.push(diag('DATASET_MISMATCH', { input: id, expected: describe(want), dataset, gives: `no input named '${got.name}' (its inputs: ${names(ds.inputs)})` }, { node: id }));
    } else if (got.spec.dtype !== want.dtype || !same(got.spec.shape, want.shape)) {
      out.push(diag('DATASET_MISMATCH', { input: id, expected: describe(want), dataset, gives: describe(got.spec) }, { node: id }));
    }
  }

  for (const id of shaped.order) {
    const node = shaped.nodes.get(id);
    if (!node || !LOSSES.has(node.kind)) continue;
    if (shaped.edges.some((e) => e.to.node === id && e.to.port === 'target')) continue;
    const input = shaped.info.get(id)?.inputs.input;
    if (!input) continue;
    const where = { node: id, port: 'target' };
    const port = `${id}.target`;
    const logits = perSample(input.shape);
    const want: Want =
      node.kind === 'CrossEntropyLoss' ? { shape: logits.slice(0, -1), dtype: 'int64' } : { shape: logits, dtype: 'float32' };
    const expected = node.kind === 'CrossEntropyLoss' ? `${describe(want)} class indices` : describe(want);
    const target = targetFor(ds, id);
    if (!target) {
      out.push(diag('DATASET_MISMATCH', { input: port, expected, dataset, gives: `no target for ${id} (its targets: ${names(ds.targets)})` }, where));
      continue;
    }
    if (target.dtype !== want.dtype || !same(target.shape, want.shape)) {
      out.push(diag('DATASET_MISMATCH', { input: port, expected, dataset, gives: describe(target) }, where));
      continue;
    }
    if (node.kind === 'CrossEntropyLoss') {
      const scores = logits[logits.length - 1]!;
      const classes = ds.info.classNames?.length ?? ds.info.vocab?.length;
      if (classes !== undefined && classes > scores)
        out.push(
          diag(
            'DATASET_MISMATCH',
            { input: `${id}.input`, expected: `at most ${scores} classes (it gets ${scores} scores per sample)`, dataset, gives: `${classes} classes` },
            { node: id, port: 'input' },
          ),
        );
    }
  }
  return out;
}
