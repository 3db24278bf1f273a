/**
 * exportGraph: a graph document → inference ONNX bytes and a safetensors state dict, or the diagnostics
 * that prevent it. Pure (no file system); the CLI and the app write the bytes atomically.
 */
import { hasErrors, inferShapes, initWeights, lowerLayers, type Diagnostic, type GraphDoc, type ShapedGraph } from '../graph-core';
import { encodeModel } from './onnx/encode';
import { DEFAULT_OPSET, irToOnnx } from './onnx/from-ir';
import { blockFunctionRegions, extractFunctions } from './onnx/functions';
import { encodeSafetensors } from './safetensors';

export interface ExportOptions {
  readonly seed?: number;
  readonly opset?: number;
  /** Trained values, by weight name; missing names are initialised from the seed. */
  readonly weights?: ReadonlyMap<string, Float32Array>;
  /** Write each top-level block as ONNX local functions (one per block definition) instead of inlining it. */
  readonly onnxFunctions?: boolean;
}

export type ExportResult =
  | {
      readonly ok: true;
      readonly onnx: Uint8Array;
      readonly safetensors: Uint8Array;
      readonly shaped: ShapedGraph;
      readonly weights: ReadonlyMap<string, Float32Array>;
      readonly inputs: readonly string[];
      readonly outputs: readonly string[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export const MIN_OPSET = 17;

export function exportGraph(doc: GraphDoc, opts: ExportOptions = {}): ExportResult {
  const shaped = inferShapes(doc);
  if (hasErrors(shaped.diagnostics)) return { ok: false, diagnostics: shaped.diagnostics };
  const seed = opts.seed ?? 0;
  const weights = new Map(initWeights(shaped, seed));
  for (const [name, value] of opts.weights ?? []) if (weights.has(name)) weights.set(name, value);
  const { ir } = lowerLayers(shaped, { mode: 'eval' });
  const inlined = irToOnnx(ir, {
    name: doc.name,
    weights,
    opset: opts.opset ?? DEFAULT_OPSET,
    docString: `${doc.name}, exported by Layerloom from a graph of ${doc.nodes.length} nodes.`,
    metadata: { 'layerloom.seed': String(seed), 'layerloom.graph_name': doc.name },
  });
  const model = opts.onnxFunctions ? extractFunctions(inlined, blockFunctionRegions(shaped)) : inlined;
  const state: { name: string; dtype: 'F32' | 'I64'; shape: readonly number[]; data: Float32Array | BigInt64Array }[] = [];
  for (const id of shaped.order) {
    const info = shaped.info.get(id);
    if (!info) continue;
    for (const [name, spec] of Object.entries(info.weights)) {
      const full = `${id}.${name}`;
      const data = weights.get(full)!;
      state.push(
        spec.dtype === 'int64'
          ? { name: full, dtype: 'I64', shape: spec.shape, data: BigInt64Array.from(data, (v) => BigInt(Math.round(v))) }
          : { name: full, dtype: 'F32', shape: spec.shape, data },
      );
    }
  }
  return {
    ok: true,
    onnx: encodeModel(model),
    safetensors: encodeSafetensors(state, { format: 'pt', producer: 'Layerloom' }),
    shaped,
    weights,
    inputs: ir.inputs.map((i) => i.name),
    outputs: ir.outputs.map((o) => o.name),
  };
}
