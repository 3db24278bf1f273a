/** `layerloom run model.onnx|graph.json --input x.npy|x.json [--weights w.safetensors] [--json]` */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { decodeModel, OnnxFormatError } from '../../exporters/onnx/decode';
import { exportGraph } from '../../exporters/export-graph';
import { parseNpy } from '../../runtime/data/import/npz';
import { DataError } from '../../runtime/data/errors';
import { createNodeRunner } from '../../runtime/onnx/node-session';
import { fmtShape, type DType, type Tensor } from '../../graph-core';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';
import { loadGraphFile } from '../load-graph';
import { readWeightsFile } from './export';

export const runHelp = `Usage: layerloom run <model.onnx | graph.json> --input <x.npy | x.json> [--weights <weights.safetensors>] [--seed S] [--json]

Runs a model on onnxruntime (native CPU) and prints its outputs. A graph is compiled first, with weights
from --weights or fresh ones from --seed. The input is a .npy array or JSON: a nested array (for a model
with one input; the batch dimension may be left out for a single sample) or an object {"<input name>": array}.`;

interface ModelInput {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly (number | string)[];
}

function nestedShape(v: unknown): number[] {
  const shape: number[] = [];
  let cur = v;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

function toTensor(where: string, value: unknown, input: ModelInput): Tensor {
  let shape = nestedShape(value);
  const flat = (Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value]) as unknown[];
  if (flat.some((x) => typeof x !== 'number' || !Number.isFinite(x))) throw new UserError(`${where}: every value of "${input.name}" must be a finite number`);
  if (shape.reduce((a, b) => a * b, 1) !== flat.length) throw new UserError(`${where}: "${input.name}" is a ragged array; every row must have the same length`);
  if (shape.length === input.shape.length - 1) shape = [1, ...shape];
  checkShape(where, shape, input);
  const nums = flat as number[];
  return { shape, dtype: input.dtype, data: input.dtype === 'float32' ? Float32Array.from(nums) : Int32Array.from(nums) };
}

function checkShape(where: string, shape: readonly number[], input: ModelInput): void {
  const ok = shape.length === input.shape.length && input.shape.every((d, i) => typeof d === 'string' || d === shape[i]);
  if (!ok) throw new UserError(`${where}: input "${input.name}" must have shape [${input.shape.join(', ')}], got ${fmtShape(shape)}`);
}

async function readInputs(path: string, inputs: readonly ModelInput[]): Promise<Record<string, Tensor>> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new UserError(describeReadError(path, e));
  }
  if (extname(path).toLowerCase() === '.npy') {
    if (inputs.length !== 1) throw new UserError(`${path}: a .npy file holds one array, but the model has ${inputs.length} inputs; use JSON`);
    const input = inputs[0]!;
    try {
      const a = parseNpy(path, bytes);
      let shape = [...a.shape];
      if (shape.length === input.shape.length - 1) shape = [1, ...shape];
      checkShape(path, shape, input);
      const data = input.dtype === 'float32' ? Float32Array.from(a.data) : Int32Array.from(a.data);
      return { [input.name]: { shape, dtype: input.dtype, data } };
    } catch (e) {
      if (e instanceof DataError) throw new UserError(e.message);
      throw e;
    }
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new UserError(`${path}: not valid JSON`);
  }
  if (Array.isArray(json) || typeof json === 'number') {
    if (inputs.length !== 1) throw new UserError(`${path}: the model has inputs ${inputs.map((i) => i.name).join(', ')}; give an object {"name": array}`);
    return { [inputs[0]!.name]: toTensor(path, json, inputs[0]!) };
  }
  if (typeof json !== 'object' || json === null) throw new UserError(`${path}: expected an array or an object of arrays`);
  const feeds: Record<string, Tensor> = {};
  for (const input of inputs) {
    const v = (json as Record<string, unknown>)[input.name];
    if (v === undefined) throw new UserError(`${path}: missing input "${input.name}" (the model's inputs are ${inputs.map((i) => i.name).join(', ')})`);
    feeds[input.name] = toTensor(path, v, input);
  }
  return feeds;
}

function formatValues(t: Tensor, limit = 60): string {
  const vals = Array.from(t.data.slice(0, limit), (v) => (t.dtype === 'float32' ? Number(v.toPrecision(6)).toString() : String(v)));
  return `[${vals.join(', ')}${t.data.length > limit ? `, … (${t.data.length} values)` : ''}]`;
}

export async function runCommand(io: CliIO, a: { file?: string; input?: string; weights?: string; seed?: string; json: boolean }): Promise<number> {
  if (!a.file) throw new UserError('run needs a model, e.g. layerloom run model.onnx --input x.json');
  if (!a.input) throw new UserError('run needs --input <x.npy | x.json>');
  let bytes: Uint8Array;
  if (extname(a.file).toLowerCase() === '.onnx') {
    try {
      bytes = await readFile(a.file);
    } catch (e) {
      throw new UserError(describeReadError(a.file, e));
    }
  } else {
    const doc = await loadGraphFile(io, a.file);
    const weights = a.weights ? await readWeightsFile(a.weights) : undefined;
    const seed = a.seed === undefined ? 0 : Number(a.seed);
    if (!Number.isInteger(seed) || seed < 0) throw new UserError(`--seed must be a whole number ≥ 0, not "${a.seed}"`);
    const r = exportGraph(doc, { seed, ...(weights ? { weights } : {}) });
    if (!r.ok) {
      const errors = r.diagnostics.filter((d) => d.severity === 'error');
      throw new UserError(`${a.file} has ${errors.length} error${errors.length === 1 ? '' : 's'}: ${errors[0]!.message} (run layerloom summary for all)`, EXIT.diagnostics);
    }
    bytes = r.onnx;
  }
  let inputs: ModelInput[];
  try {
    const model = decodeModel(bytes);
    const initializers = new Set(model.graph.initializers.map((t) => t.name));
    inputs = model.graph.inputs
      .filter((i) => !initializers.has(i.name))
      .map((i) => ({ name: i.name, dtype: i.elemType === 'int64' ? 'int64' : 'float32', shape: i.shape }));
  } catch (e) {
    if (e instanceof OnnxFormatError) throw new UserError(`cannot read ${a.file}: ${e.message}`);
    throw e;
  }
  const feeds = await readInputs(a.input, inputs);
  let runner;
  try {
    runner = await createNodeRunner(bytes);
  } catch (e) {
    throw new UserError(`onnxruntime cannot load ${a.file}: ${(e as Error).message.split('\n')[0]}`);
  }
  let outputs: Record<string, Tensor>;
  try {
    outputs = await runner.run(feeds);
  } catch (e) {
    throw new UserError(`running ${a.file} failed: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    await runner.release();
  }
  if (a.json) {
    const o: Record<string, { shape: number[]; dtype: string; data: number[] }> = {};
    for (const [k, t] of Object.entries(outputs)) o[k] = { shape: [...t.shape], dtype: t.dtype, data: Array.from(t.data) };
    io.out(`${JSON.stringify({ outputs: o })}\n`);
  } else for (const [k, t] of Object.entries(outputs)) io.out(`${k} ${fmtShape(t.shape)} ${t.dtype}\n  ${formatValues(t)}\n`);
  return EXIT.ok;
}
