/** summarize: the torchinfo-style model summary, as plain data (the CLI's `--json` and the editor's panel). */
import type { Diagnostic } from '../diagnostics';
import type { Shape } from '../shape';
import type { ShapedGraph } from './infer-shapes';

export interface SummaryRow {
  readonly id: string;
  readonly kind: string;
  readonly label?: string;
  readonly outputs: Readonly<Record<string, Shape>>;
  readonly params: number;
  readonly flops: number;
}

export interface Summary {
  readonly name: string;
  readonly nodes: readonly SummaryRow[];
  readonly total_params: number;
  readonly total_flops: number;
  readonly diagnostics: readonly Pick<Diagnostic, 'code' | 'severity' | 'node' | 'port' | 'message' | 'fix'>[];
}

export function summarize(g: ShapedGraph): Summary {
  const nodes: SummaryRow[] = [];
  const inferred = new Set<string>();
  for (const id of g.order) {
    const info = g.info.get(id);
    if (!info) continue;
    inferred.add(id);
    const n = g.nodes.get(id)!;
    const outputs: Record<string, Shape> = {};
    for (const [port, t] of Object.entries(info.outputs)) outputs[port] = t.shape;
    nodes.push({ id, kind: info.kind, ...(n.label ? { label: n.label } : {}), outputs, params: info.paramCount, flops: info.flops });
  }
  // Nodes that could not be inferred are still listed, in document order, with no outputs.
  for (const n of [...g.nodes.values()].sort((a, b) => a.index - b.index))
    if (!inferred.has(n.id)) nodes.push({ id: n.id, kind: n.kind, ...(n.label ? { label: n.label } : {}), outputs: {}, params: 0, flops: 0 });
  return {
    name: g.doc.name,
    nodes,
    total_params: g.totalParams,
    total_flops: g.totalFlops,
    diagnostics: g.diagnostics.map((d) => ({
      code: d.code,
      severity: d.severity,
      ...(d.node !== undefined ? { node: d.node } : {}),
      ...(d.port !== undefined ? { port: d.port } : {}),
      message: d.message,
      ...(d.fix ? { fix: d.fix } : {}),
    })),
  };
}
