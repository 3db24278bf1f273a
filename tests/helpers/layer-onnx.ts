/**
 * Exports one layer (built into a small graph with Input nodes, as the layer case files do) to ONNX,
 * then runs it with the reference kernels and in onnxruntime-node, and checks they agree.
 */
import { expect } from 'vitest';
import { evaluateIr, inferShapes, initWeights, lowerLayers, type GraphDoc, type RawParamValue, type Tensor } from '../../graph-core';
import { encodeModel } from '../../exporters/onnx/encode';
import { irToOnnx } from '../../exporters/onnx/from-ir';
import { graphAround, type LayerCase } from './layer-cases';
import { expectClose, intTensor, randTensor, runInOrt } from './op-check';

export interface ExportedLayer {
  readonly doc: GraphDoc;
  readonly bytes: Uint8Array;
  readonly feeds: Record<string, Tensor>;
  readonly weights: Map<string, Float32Array>;
  /** Reference outputs by ONNX output name. */
  readonly reference: Record<string, Tensor>;
}

/** Concrete batch size used for the random inputs. */
export const BATCH = 2;

/**
 * Random feeds for every graph input: floats in [-1, 1), int64 ids in [0, intHigh) (e.g. the Embedding's
 * vocabulary size), masks of 0/1 for ports named *mask*.
 */
export function randomFeeds(doc: GraphDoc, seed: number, intHigh = 5): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  doc.nodes
    .filter((n) => n.kind === 'Input')
    .forEach((n, k) => {
      const shape = [BATCH, ...((n.params.shape as number[]) ?? [])];
      if (n.params.dtype === 'int64') {
        const size = shape.reduce((a, b) => a * b, 1);
        const r = randTensor([size], seed + k, 0, intHigh);
        feeds[n.id] = intTensor(shape, Array.from(r.data, (v) => Math.floor(v)));
      } else feeds[n.id] = randTensor(shape, seed + k);
    });
  return feeds;
}

export function exportLayer(kind: string, params: Readonly<Record<string, RawParamValue>>, inputs: LayerCase['inputs'], seed = 1, intHigh = 5): ExportedLayer {
  const doc = graphAround(kind, params, inputs);
  const shaped = inferShapes(doc);
  expect(shaped.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const { ir } = lowerLayers(shaped, { mode: 'eval' });
  const weights = initWeights(shaped, seed);
  const feeds = randomFeeds(doc, seed * 7, intHigh);
  const paramTensors: Record<string, Tensor> = {};
  for (const p of ir.params) paramTensors[p.name] = { shape: [...p.spec.shape], dtype: 'float32', data: weights.get(p.name)! };
  const reference = evaluateIr(ir, feeds, paramTensors);
  const bytes = encodeModel(irToOnnx(ir, { name: kind, weights }));
  return { doc, bytes, feeds, weights, reference };
}

/** Exports the layer and asserts onnxruntime-node matches the reference kernels. Returns the export. */
export async function checkLayerOnnx(
  kind: string,
  params: Readonly<Record<string, RawParamValue>>,
  inputs: LayerCase['inputs'],
  { seed = 1, tol = 1e-5, intHigh = 5 } = {},
): Promise<ExportedLayer> {
  const ex = exportLayer(kind, params, inputs, seed, intHigh);
  const got = await runInOrt(ex.bytes, ex.feeds);
  expect(Object.keys(got).sort()).toEqual(Object.keys(ex.reference).sort());
  for (const [name, t] of Object.entries(ex.reference)) expectClose(got[name]!, t, tol, `${kind} ${name}`);
  return ex;
}
