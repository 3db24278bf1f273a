/** `layerloom export graph.json --onnx model.onnx [--weights weights.safetensors] [--opset N] [--seed S]` */
import { exportGraph, MIN_OPSET } from '../../exporters/export-graph';
import { decodeSafetensors, SafetensorsError } from '../../exporters/safetensors';
import { writeFilesAtomically } from '../atomic-write';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';
import { loadGraphFile } from '../load-graph';
import { readFile } from 'node:fs/promises';

export const exportHelp = `Usage: layerloom export <graph.json> --onnx <model.onnx> [--weights <weights.safetensors>] [--opset N] [--seed S] [--from-weights <trained.safetensors>] [--onnx-functions]

Compiles the graph and writes an ONNX model (opset 17 by default, IR version 8) and, with --weights, its
parameters and buffers as safetensors under PyTorch's state_dict names. Files are written atomically: a
graph with errors writes nothing.

  --onnx PATH           the ONNX model to write
  --weights PATH        also write the weights (safetensors)
  --opset N             ONNX opset, ${MIN_OPSET} or higher (default ${MIN_OPSET})
  --seed S              seed for the initial weights (default 0); the same seed gives the same weights everywhere
  --from-weights PATH   use trained weights from a safetensors file instead of fresh ones
  --onnx-functions      write each block as an ONNX local function (one per block definition, called once per
                        copy) instead of inlining its layers; both forms compute the same`;

export interface ExportArgs {
  readonly file?: string;
  readonly onnx?: string;
  readonly weights?: string;
  readonly opset?: string;
  readonly seed?: string;
  readonly fromWeights?: string;
  readonly onnxFunctions?: boolean;
}

function intArg(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be a whole number ≥ ${min}, not "${value}"`);
  return n;
}

export async function readWeightsFile(path: string): Promise<Map<string, Float32Array>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UserError(describeReadError(path, e));
  }
  try {
    const out = new Map<string, Float32Array>();
    for (const t of decodeSafetensors(bytes)) out.set(t.name, t.data instanceof Float32Array ? t.data : Float32Array.from(t.data, (v) => Number(v)));
    return out;
  } catch (e) {
    if (e instanceof SafetensorsError) throw new UserError(`cannot read ${path}: ${e.message}`);
    throw e;
  }
}

export async function exportCommand(io: CliIO, a: ExportArgs): Promise<number> {
  if (!a.file) throw new UserError('export needs a graph file, e.g. layerloom export model.json --onnx model.onnx');
  if (!a.onnx) throw new UserError('export needs --onnx <path> for the model to write');
  const opset = intArg('opset', a.opset, MIN_OPSET, MIN_OPSET);
  const seed = intArg('seed', a.seed, 0, 0);
  const doc = await loadGraphFile(io, a.file);
  const weights = a.fromWeights ? await readWeightsFile(a.fromWeights) : undefined;
  const r = exportGraph(doc, { seed, opset, ...(weights ? { weights } : {}), ...(a.onnxFunctions ? { onnxFunctions: true } : {}) });
  if (!r.ok) {
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    io.err(`layerloom: ${a.file} has ${errors.length} error${errors.length === 1 ? '' : 's'}; nothing was written:\n`);
    for (const d of errors) io.err(`  ${d.code} ${d.node ? `${d.node}${d.port ? `.${d.port}` : ''}: ` : ''}${d.message}\n`);
    return EXIT.diagnostics;
  }
  const files: { path: string; data: Uint8Array }[] = [{ path: a.onnx, data: r.onnx }];
  if (a.weights) files.push({ path: a.weights, data: r.safetensors });
  try {
    await writeFilesAtomically(files);
  } catch (e) {
    throw new UserError(`cannot write ${files.map((f) => f.path).join(' and ')}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (e as Error).message}`);
  }
  const blocks = [...r.shaped.blockInfo.values()].filter((b) => b.depth === 0);
  const structure = blocks.length
    ? `; blocks ${blocks.map((b) => `${b.id}${b.repeat > 1 ? ` ×${b.repeat}` : ''}`).join(', ')}${a.onnxFunctions ? ' as ONNX functions' : ' inlined'}`
    : '';
  io.out(`wrote ${a.onnx} (${r.onnx.length.toLocaleString('en-US')} bytes, opset ${opset}; inputs ${r.inputs.join(', ')}; outputs ${r.outputs.join(', ')}${structure})\n`);
  if (a.weights) io.out(`wrote ${a.weights} (${r.shaped.totalParams.toLocaleString('en-US')} parameters)\n`);
  return EXIT.ok;
}
