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
  /** Nesting depth: 0 at the top level, 1 inside a block, … */
  readonly depth?: number;
  /** A Block row: how many copies run in sequence (its params and FLOPs are the totals over them). */
  readonly repeat?: number;
}

export interface Summary {
  readonly name: string;
  readonly nodes: readonly SummaryRow[];
  readonly total_params: number;
  readonly total_flops: number;
  readonly diagnostics: readonly Pick<Diagnostic, 'code' | 'severity' | 'node' | 'port' | 'message' | 'fix'>[];
}

/**
 * One row per layer, in topological order. A block gives one row (`Block ×N`, its totals over the copies)
 * followed by the rows of its first copy's layers, named by path (`enc/ff1`), with `depth` one deeper.
 */
export function summarize(g: ShapedGraph): Summary {
  const nodes: SummaryRow[] = [];
  const inferred = new Set<string>();
  const shownBlocks = new Set<string>();
  for (const id of g.order) {
    const info = g.info.get(id);
    if (!info) continue;
    inferred.add(id);
    const n = g.nodes.get(id)!;
    const origin = g.blocks?.origins.get(id);
    if (origin?.top !== undefined) {
      if (origin.path.includes('[')) continue; // a later copy: the block row counts it
      const parts = origin.path.split('/');
      for (let d = 1; d < parts.length; d++) {
        const path = parts.slice(0, d).join('/');
        const b = g.blockInfo.get(path);
        if (!b || shownBlocks.has(path)) continue;
        shownBlocks.add(path);
        const outs: Record<string, Shape> = {};
        for (const [port, t] of Object.entries(b.outputs)) outs[port] = t.shape;
        nodes.push({ id: path, kind: 'Block', ...(b.name !== b.id ? { label: b.name } : {}), outputs: outs, params: b.paramCount, flops: b.flops, depth: d - 1, repeat: b.repeat });
      }
      const outputs: Record<string, Shape> = {};
      for (const [port, t] of Object.entries(info.outputs)) outputs[port] = t.shape;
      nodes.push({ id: origin.path, kind: info.kind, ...(n.label ? { label: n.label } : {}), outputs, params: info.paramCount, flops: info.flops, depth: parts.length - 1 });
      continue;
    }
    const outputs: Record<string, Shape> = {};
    for (const [port, t] of Object.entries(info.outputs)) outputs[port] = t.shape;
    nodes.push({ id, kind: info.kind, ...(n.label ? { label: n.label } : {}), outputs, params: info.paramCount, flops: info.flops });
  }
  // Nodes that could not be inferred are still listed, in document order, with no outputs.
  for (const n of [...g.nodes.values()].sort((a, b) => a.index - b.index)) {
    if (inferred.has(n.id)) continue;
    const origin = g.blocks?.origins.get(n.id);
    if (origin?.path.includes('[')) continue;
    nodes.push({ id: origin?.path ?? n.id, kind: n.kind, ...(n.label ? { label: n.label } : {}), outputs: {}, params: 0, flops: 0 });
  }
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
