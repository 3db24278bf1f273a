/** `layerloom import model.onnx --out graph.json [--weights graph.weights.safetensors] [--name NAME] [--json]` */
import { readFile } from 'node:fs/promises';
import { exportGraph } from '../../exporters/export-graph';
import { importOnnx, OnnxImportError, weightsFileFor } from '../../exporters/onnx-import/import-onnx';
import { writeFilesAtomically } from '../atomic-write';
import { describeReadError, EXIT, UserError, type CliIO } from '../io';

export const importHelp = `Usage: layerloom import <model.onnx> --out <graph.json> [--weights <file.safetensors>] [--name NAME] [--json]

Opens an ONNX model as an editable Layerloom graph. Operator patterns become catalogue layers (Gemm and
MatMul + Add → Linear, Conv → Conv2d/Conv1d, LSTM/GRU, LayerNormalization and PyTorch's decomposed layer norm,
PyTorch's Transformer encoder layers, Embedding, pools, activations, …); any other operator is kept as an
OnnxOp node that exports back unchanged. The graph is laid out top to bottom.

The weights (the model's initializers, under PyTorch state_dict names) are written next to the graph as
<graph>.weights.safetensors; use them with "layerloom export graph.json --onnx out.onnx --from-weights
graph.weights.safetensors". Both files are written atomically; a model that cannot be imported writes nothing.

  --out PATH      the graph file to write
  --weights PATH  where to write the weights (default: next to the graph, <graph>.weights.safetensors)
  --name NAME     the graph's name (default: the model's graph name)
  --json          print what each node became, as JSON`;

export interface ImportArgs {
  readonly file?: string;
  readonly out?: string;
  readonly weights?: string;
  readonly name?: string;
  readonly json?: boolean;
}

export async function importCommand(io: CliIO, a: ImportArgs): Promise<number> {
  if (!a.file) throw new UserError('import needs an ONNX file, e.g. layerloom import model.onnx --out graph.json');
  if (!a.out) throw new UserError('import needs --out <graph.json> for the graph to write');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(a.file));
  } catch (e) {
    throw new UserError(describeReadError(a.file, e));
  }
  let r;
  try {
    r = importOnnx(bytes, a.name !== undefined ? { name: a.name } : {});
  } catch (e) {
    if (e instanceof OnnxImportError) throw new UserError(`cannot import ${a.file}: ${e.message}`, EXIT.badInput);
    throw e;
  }
  const compiled = exportGraph(r.doc, { weights: r.weights });
  if (!compiled.ok) {
    const first = compiled.diagnostics.find((d) => d.severity === 'error');
    throw new UserError(`cannot import ${a.file}: the imported graph does not compile (${first?.node ?? ''}: ${first?.message ?? 'unknown problem'})`);
  }
  const weights = a.weights ?? weightsFileFor(a.out);
  try {
    await writeFilesAtomically([
      { path: a.out, data: `${JSON.stringify(r.doc, null, 2)}\n` },
      { path: weights, data: compiled.safetensors },
    ]);
  } catch (e) {
    throw new UserError(`cannot write ${a.out} and ${weights}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'the folder does not exist' : (e as Error).message}`);
  }
  const layers = r.nodes.filter((n) => n.kind !== 'OnnxOp' && n.kind !== 'Input');
  const kept = r.nodes.filter((n) => n.kind === 'OnnxOp');
  if (a.json) {
    io.out(`${JSON.stringify({ graph: a.out, weights, opset: r.opset, nodes: r.nodes }, null, 2)}\n`);
    return EXIT.ok;
  }
  io.out(
    `imported ${a.file} (opset ${r.opset}): ${r.nodes.length} nodes, ${layers.length} catalogue layer${layers.length === 1 ? '' : 's'}` +
      `${kept.length ? `, ${kept.length} kept ONNX operator${kept.length === 1 ? '' : 's'} (${[...new Set(kept.flatMap((k) => k.onnx))].join(', ')})` : ''}\n`,
  );
  io.out(`wrote ${a.out} and ${weights} (${compiled.shaped.totalParams.toLocaleString('en-US')} parameters)\n`);
  return EXIT.ok;
}
