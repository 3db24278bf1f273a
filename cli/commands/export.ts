/**
 * `layerloom export graph.json --onnx model.onnx [--weights weights.safetensors] [--opset N] [--seed S]`
 * `layerloom export graph.json --pytorch DIR`: model.py, layers.py, train.py, README.md, weights.safetensors
 * (and data.npz when the document trains on a built-in dataset).
 */
import { exportGraph, MIN_OPSET } from '../../exporters/export-graph';
import { decodeSafetensors, SafetensorsError } from '../../exporters/safetensors';
import { writeFilesAtomically } from '../atomic-write';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';
import { loadGraphFile } from '../load-graph';
import { mkdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { GraphDoc, ShapedGraph } from '../../graph-core';
import { generatePytorch } from '../../exporters/pytorch/generate';
import { encodeNpz } from '../../exporters/pytorch/npz';
import { specOf } from '../../runtime/data/dataset';
import { DataError } from '../../runtime/data/errors';
import { getBuiltin } from '../../runtime/data/registry';

export const exportHelp = `Usage: layerloom export <graph.json> --onnx <model.onnx> [--weights <weights.safetensors>] [--opset N] [--seed S] [--from-weights <trained.safetensors>] [--onnx-functions]
       layerloom export <graph.json> --pytorch <DIR> [--seed S] [--from-weights <trained.safetensors>]

Compiles the graph and writes an ONNX model (opset 17 by default, IR version 8) and, with --weights, its
parameters and buffers as safetensors under PyTorch's state_dict names. Files are written atomically: a
graph with errors writes nothing.

  --onnx PATH           the ONNX model to write
  --pytorch DIR         write PyTorch code to DIR (created if missing): model.py, layers.py, train.py (runs
                        alone or under torchrun), README.md, weights.safetensors, and data.npz when the
                        document's dataset is built in
  --weights PATH        also write the weights (safetensors)
  --opset N             ONNX opset, ${MIN_OPSET} or higher (default ${MIN_OPSET})
  --seed S              seed for the initial weights (default 0); the same seed gives the same weights everywhere
  --from-weights PATH   use trained weights from a safetensors file instead of fresh ones
  --onnx-functions      write each block as an ONNX local function (one per block definition, called once per
                        copy) instead of inlining its layers; both forms compute the same`;

export interface ExportArgs {
  readonly file?: string;
  readonly onnx?: string;
  readonly pytorch?: string;
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
  if (!a.onnx && !a.pytorch) throw new UserError('export needs --onnx <path> for the model to write, or --pytorch <folder> for PyTorch code');
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
  const files: { path: string; data: Uint8Array | string }[] = [];
  if (a.onnx) files.push({ path: a.onnx, data: r.onnx });
  if (a.weights) files.push({ path: a.weights, data: r.safetensors });
  if (a.pytorch) files.push(...(await pytorchFiles(doc, r.shaped, r.safetensors, a.pytorch, seed)));
  try {
    await writeFilesAtomically(files);
  } catch (e) {
    throw new UserError(`cannot write ${files.map((f) => f.path).join(' and ')}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (e as Error).message}`);
  }
  const blocks = [...r.shaped.blockInfo.values()].filter((b) => b.depth === 0);
  const structure = blocks.length
    ? `; blocks ${blocks.map((b) => `${b.id}${b.repeat > 1 ? ` ×${b.repeat}` : ''}`).join(', ')}${a.onnxFunctions ? ' as ONNX functions' : ' inlined'}`
    : '';
  if (a.pytorch) io.out(`wrote ${files.filter((f) => f.path.startsWith(a.pytorch!)).map((f) => basename(f.path)).join(', ')} to ${a.pytorch}\n`);
  if (!a.onnx) return EXIT.ok;
  io.out(`wrote ${a.onnx} (${r.onnx.length.toLocaleString('en-US')} bytes, opset ${opset}; inputs ${r.inputs.join(', ')}; outputs ${r.outputs.join(', ')}${structure})\n`);
  if (a.weights) io.out(`wrote ${a.weights} (${r.shaped.totalParams.toLocaleString('en-US')} parameters)\n`);
  return EXIT.ok;
}

/** The files of `--pytorch DIR`; creates DIR. A graph the PyTorch exporter cannot write is a UserError. */
async function pytorchFiles(doc: GraphDoc, shaped: ShapedGraph, weights: Uint8Array, dir: string, seed: number): Promise<{ path: string; data: Uint8Array | string }[]> {
  const code = generatePytorch(doc, shaped);
  if (!code.ok) throw new UserError(`cannot write PyTorch code, nothing was written: ${code.problems.join('; ')}`, EXIT.diagnostics);
  const files: { path: string; data: Uint8Array | string }[] = Object.entries(code.files).map(([name, text]) => ({ path: join(dir, name), data: text }));
  files.push({ path: join(dir, 'weights.safetensors'), data: weights });
  // A built-in dataset is generated here, so train.py trains on the samples `layerloom train` would use.
  const dataset = doc.training?.dataset;
  const builtin = typeof dataset === 'string' ? getBuiltin(dataset) : undefined;
  if (builtin) {
    // The training section's dataset_options: `size` is the sample count, the rest the generator's options.
    const raw = doc.training?.dataset_options;
    const { size, ...options } = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    let ds;
    try {
      ds = await builtin.load({
        seed: typeof doc.training?.seed === 'number' ? doc.training.seed : seed,
        ...(typeof size === 'number' ? { size } : {}),
        ...(Object.keys(options).length ? { options } : {}),
      });
    } catch (e) {
      if (e instanceof DataError) throw new UserError(`cannot generate the dataset for train.py, nothing was written: ${e.message}`);
      throw e;
    }
    const names = [...Object.keys(ds.inputs), ...Object.keys(ds.targets)];
    files.push({ path: join(dir, 'data.npz'), data: encodeNpz(names.map((name) => ({ name, shape: [ds.size, ...specOf(ds, name)!.shape], data: ds.arrays[name]! }))) });
  }
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UserError(`cannot create ${dir}: ${(e as Error).message}`);
  }
  return files;
}
