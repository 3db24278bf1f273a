/**
 * canConnect: may the canvas draw an edge from an output port to an input port? The editor calls this
 * from React Flow's isValidConnection and shows `message` when the answer is no.
 */
import { diag, type Diagnostic } from '../diagnostics';
import type { GraphDoc, PortRef } from '../document/types';
import { getLayer } from '../layers';
import { blockPortDef } from '../layers/block';
import type { ShapedGraph } from './infer-shapes';
import { resolvePort } from './validate';

export type Connectability = { ok: true } | { ok: false; code: Diagnostic['code']; message: string };

function refuse(d: Diagnostic): Connectability {
  return { ok: false, code: d.code, message: d.message };
}

export function canConnect(doc: GraphDoc, from: PortRef, to: PortRef, shaped?: ShapedGraph): Connectability {
  const a = doc.nodes.find((n) => n.id === from.node);
  const b = doc.nodes.find((n) => n.id === to.node);
  if (!a) return refuse(diag('DANGLING_EDGE', { edge: '(new)', node: from.node }));
  if (!b) return refuse(diag('DANGLING_EDGE', { edge: '(new)', node: to.node }));
  const da = getLayer(a.kind) ?? blockPortDef(doc, a);
  const db = getLayer(b.kind) ?? blockPortDef(doc, b);
  if (!da) return refuse(diag('UNKNOWN_KIND', { kind: a.kind }));
  if (!db) return refuse(diag('UNKNOWN_KIND', { kind: b.kind }));
  const pa = resolvePort(da, a.id, 'output', from.port);
  if (!pa.ok) return refuse(pa.diagnostic);
  const pb = resolvePort(db, b.id, 'input', to.port);
  if (!pb.ok) return refuse(pb.diagnostic);
  if (a.id === b.id) return refuse(diag('SELF_LOOP', { node: a.id }));

  const spec = db.inputs[pb.port]!;
  if (!spec.variadic) {
    for (const e of doc.edges) {
      if (e.to.node !== b.id) continue;
      const r = resolvePort(db, b.id, 'input', e.to.port);
      if (r.ok && r.port === pb.port) return refuse(diag('MULTIPLE_EDGES_TO_INPUT', { node: b.id, port: pb.port }));
    }
  }

  // A path b → … → a would close a cycle.
  const succ = new Map<string, string[]>();
  for (const e of doc.edges) succ.set(e.from.node, [...(succ.get(e.from.node) ?? []), e.to.node]);
  const stack = [b.id];
  const seen = new Set<string>();
  while (stack.length) {
    const cur = stack.pop()!;
    if (cur === a.id) return refuse(diag('CYCLE', { nodes: [a.id, b.id, a.id] }));
    if (seen.has(cur)) continue;
    seen.add(cur);
    stack.push(...(succ.get(cur) ?? []));
  }

  const type = shaped?.info.get(a.id)?.outputs[pa.port];
  if (type) {
    const want = spec.dtype ?? 'float32';
    if (want !== 'any' && want !== type.dtype)
      return refuse(diag('DTYPE_MISMATCH', { port: pb.port, expected: want, got: type.dtype }));
    const r = spec.rank;
    const rank = type.shape.length;
    if (r !== undefined && (typeof r === 'number' ? rank !== r : rank < r[0] || rank > r[1]) && !spec.flattenFix)
      return refuse(
        diag('RANK_MISMATCH', {
          port: pb.port,
          expected: spec.layout ? `a ${spec.layout} tensor` : `rank ${typeof r === 'number' ? r : `${r[0]}–${r[1]}`}`,
          got: type.shape,
        }),
      );
  }
  return { ok: true };
}
