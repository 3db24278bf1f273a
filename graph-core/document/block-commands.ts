/**
 * The two block edits, as ordinary commands: "Create block from selection" and "Unpack". Each returns one
 * `batch` command (one undo step) whose inverse restores the document exactly. Unpacking a block made from a
 * selection gives back the same nodes, ids, positions and connections; create ∘ unpack and apply ∘ undo are
 * property-tested in tests/graph-core/blocks/.
 */
import { getLayer } from '../layers';
import { BLOCK, BLOCK_INPUT, BLOCK_OUTPUT, blockBody, blockPorts, blockRepeat } from '../layers/block';
import { CommandError, freshId, type Command } from './commands';
import type { BlockBody, GraphDoc, GraphEdge, GraphNode, NodeId, PortRef } from './types';

const refKey = (r: PortRef) => `${r.node}\u0000${r.port ?? ''}`;

/**
 * Why the nodes cannot become one block, or null when they can. A selection that some path leaves and
 * re-enters would make the block feed itself.
 */
export function whyNotBlock(doc: GraphDoc, ids: readonly NodeId[]): string | null {
  if (ids.length === 0) return 'select the layers to group first';
  const sel = new Set(ids);
  for (const id of sel) if (!doc.nodes.some((n) => n.id === id)) return `there is no node "${id}"`;
  for (const n of doc.nodes)
    if (sel.has(n.id) && (n.kind === BLOCK_INPUT || n.kind === BLOCK_OUTPUT)) return 'block ports cannot be grouped';
  // Convexity: no path from the selection out and back in.
  const succ = new Map<NodeId, NodeId[]>();
  for (const e of doc.edges) (succ.get(e.from.node) ?? succ.set(e.from.node, []).get(e.from.node)!).push(e.to.node);
  const outside = new Set<NodeId>();
  const stack: NodeId[] = [];
  const visit = (s: NodeId) => {
    if (outside.has(s)) return;
    outside.add(s);
    stack.push(s);
  };
  for (const id of sel) for (const s of succ.get(id) ?? []) if (!sel.has(s)) visit(s);
  while (stack.length) {
    const id = stack.pop()!;
    for (const s of succ.get(id) ?? []) {
      if (sel.has(s)) return 'a connection leaves the selection and comes back into it; select the layers in between too';
      visit(s);
    }
  }
  return null;
}

export interface CreateBlockOptions {
  /** The Block node's id (default: a fresh `block`, `block2`, …). */
  readonly id?: string;
  readonly label?: string;
  readonly repeat?: number;
}

/**
 * Replaces the selected nodes by one Block node holding them. Each distinct outside source that feeds the
 * selection becomes a BlockInput, each inside output used outside a BlockOutput. Connections keep their ids
 * (inside the body, or outside from the block's port), so that `unpackBlockCommand` restores them.
 */
export function createBlockCommand(doc: GraphDoc, ids: readonly NodeId[], opts: CreateBlockOptions = {}): Command {
  const why = whyNotBlock(doc, ids);
  if (why) throw new CommandError(why);
  const sel = new Set(ids);
  const blockId = opts.id ?? freshId(doc, 'block');
  if (doc.nodes.some((n) => n.id === blockId && !sel.has(n.id))) throw new CommandError(`node id "${blockId}" is taken`);
  const chosen = doc.nodes.filter((n) => sel.has(n.id));
  const innerIds = new Set<string>([...chosen.map((n) => n.id), ...doc.edges.filter((e) => sel.has(e.to.node)).map((e) => e.id)]);
  const freshInner = (base: string) => {
    const clean = base.replace(/[^A-Za-z0-9_]/g, '') || 'port';
    let id = clean;
    for (let i = 2; innerIds.has(id); i++) id = `${clean}${i}`;
    innerIds.add(id);
    return id;
  };
  const used = new Set<string>([...doc.nodes.map((n) => n.id), ...doc.edges.map((e) => e.id), blockId]);
  const freshOuter = (base: string) => {
    let id = base;
    for (let i = 2; used.has(id); i++) id = `${base}${i}`;
    used.add(id);
    return id;
  };

  const incoming = doc.edges.filter((e) => sel.has(e.to.node) && !sel.has(e.from.node));
  const outgoing = doc.edges.filter((e) => sel.has(e.from.node) && !sel.has(e.to.node));
  const inPort = new Map<string, string>();
  for (const e of incoming) if (!inPort.has(refKey(e.from))) inPort.set(refKey(e.from), freshInner(inPortName(incoming, e)));
  const outPort = new Map<string, string>();
  for (const e of outgoing) if (!outPort.has(refKey(e.from))) outPort.set(refKey(e.from), freshInner(outPortName(outgoing, e)));
  // A selected layer whose output nothing uses is an output of the model; it stays one, as a block output.
  const sinks = chosen.filter((n) => {
    const def = getLayer(n.kind);
    return def !== undefined && def.category !== 'loss' && Object.keys(def.outputs).length === 1 && !doc.edges.some((e) => e.from.node === n.id);
  });
  for (const n of sinks) outPort.set(refKey({ node: n.id }), freshInner('out'));

  const xs = chosen.map((n) => n.position.x);
  const ys = chosen.map((n) => n.position.y);
  const [minX, maxX] = [Math.min(...xs), Math.max(...xs)];
  const at = (r: PortRef) => doc.nodes.find((n) => n.id === r.node)?.position.y ?? 0;
  const bodyNodes: GraphNode[] = [];
  for (const e of incoming)
    if (!bodyNodes.some((n) => n.id === inPort.get(refKey(e.from))))
      bodyNodes.push({ id: inPort.get(refKey(e.from))!, kind: BLOCK_INPUT, params: {}, position: { x: minX - 240, y: at(e.to) } });
  bodyNodes.push(...chosen);
  for (const e of outgoing)
    if (!bodyNodes.some((n) => n.id === outPort.get(refKey(e.from))))
      bodyNodes.push({ id: outPort.get(refKey(e.from))!, kind: BLOCK_OUTPUT, params: {}, position: { x: maxX + 240, y: at(e.from) } });
  for (const n of sinks) bodyNodes.push({ id: outPort.get(refKey({ node: n.id }))!, kind: BLOCK_OUTPUT, params: {}, position: { x: n.position.x, y: n.position.y + 160 } });

  const bodyEdges: GraphEdge[] = [];
  const outerNew: { edge: GraphEdge; first: number }[] = [];
  const seenOut = new Set<string>();
  const seenIn = new Set<string>();
  doc.edges.forEach((e, i) => {
    const inFrom = sel.has(e.from.node);
    const inTo = sel.has(e.to.node);
    if (inFrom && inTo) bodyEdges.push(e);
    else if (inTo) {
      const port = inPort.get(refKey(e.from))!;
      bodyEdges.push({ id: e.id, from: { node: port }, to: e.to });
      if (!seenIn.has(port)) {
        seenIn.add(port);
        outerNew.push({ edge: { id: freshOuter(`${e.id}_in`), from: e.from, to: { node: blockId, port } }, first: i });
      }
    } else if (inFrom) {
      const port = outPort.get(refKey(e.from))!;
      if (!seenOut.has(port)) {
        seenOut.add(port);
        bodyEdges.push({ id: freshInner(`${e.id}_out`), from: e.from, to: { node: port } });
      }
      outerNew.push({ edge: { id: e.id, from: { node: blockId, port }, to: e.to }, first: i });
    }
  });

  for (const n of sinks) bodyEdges.push({ id: freshInner(`${n.id}_out`), from: { node: n.id }, to: { node: outPort.get(refKey({ node: n.id }))! } });
  const body: BlockBody = { nodes: bodyNodes, edges: bodyEdges };
  const block: GraphNode = {
    id: blockId,
    kind: BLOCK,
    params: opts.repeat && opts.repeat > 1 ? { repeat: opts.repeat } : {},
    position: { x: Math.round((minX + maxX) / 2), y: Math.round(ys.reduce((a, b) => a + b, 0) / ys.length) },
    ...(opts.label ? { label: opts.label } : {}),
    body,
  };
  // Positions after the removal: the block takes the first selected node's place, and each new outer
  // connection the place of the connection it replaces, so that Concat input order is kept.
  const keptNodesBefore = (i: number) => doc.nodes.slice(0, i).filter((n) => !sel.has(n.id)).length;
  const firstSelected = doc.nodes.findIndex((n) => sel.has(n.id));
  const touches = (e: GraphEdge) => sel.has(e.from.node) || sel.has(e.to.node);
  const edgeAt = outerNew.map(({ first }, k) => doc.edges.slice(0, first).filter((e) => !touches(e)).length + k);
  return {
    type: 'batch',
    commands: [
      { type: 'removeNodes', ids: chosen.map((n) => n.id) },
      { type: 'addNodes', nodes: [block], edges: outerNew.map((x) => x.edge), at: { nodes: [keptNodesBefore(firstSelected)], edges: edgeAt } },
    ],
  };
}

/** A readable port name: the inner input it feeds when there is one such edge, else `in`. */
function inPortName(incoming: readonly GraphEdge[], e: GraphEdge): string {
  const same = incoming.filter((x) => refKey(x.from) === refKey(e.from));
  return same.length === 1 && e.to.port && e.to.port !== 'in' ? e.to.port : 'in';
}

function outPortName(outgoing: readonly GraphEdge[], e: GraphEdge): string {
  return e.from.port && e.from.port !== 'out' ? e.from.port : 'out';
}

/**
 * Replaces a Block node by its contents: copy 0 keeps the inner ids (a taken id gets a fresh one), copies
 * k ≥ 1 of a repeated block get fresh ids and sit to the right, chained as the block chained them. Nested
 * blocks stay blocks. The connections into the block's inputs disappear with it; those from its outputs keep
 * their ids.
 */
export function unpackBlockCommand(doc: GraphDoc, blockId: NodeId): Command {
  const index = doc.nodes.findIndex((n) => n.id === blockId);
  if (index < 0) throw new CommandError(`no node "${blockId}"`);
  const block = doc.nodes[index]!;
  if (block.kind !== BLOCK) throw new CommandError(`node "${blockId}" is not a block`);
  const body = blockBody(doc, block);
  if (!body) throw new CommandError(`block "${blockId}" has no body`);
  const repeat = blockRepeat(block);
  const ports = blockPorts(body);
  if (repeat > 1 && ports.outputs.length > ports.inputs.length) throw new CommandError(`block "${blockId}" has more outputs than inputs`);

  const used = new Set<string>([...doc.nodes.filter((n) => n.id !== blockId).map((n) => n.id), ...doc.edges.map((e) => e.id)]);
  for (const e of doc.edges) if (e.to.node === blockId) used.delete(e.id);
  const claim = (id: string, k: number) => {
    let out = k === 0 && !used.has(id) ? id : `${id}_${k + 1}`;
    for (let i = 2; used.has(out); i++) out = `${id}_${k + 1}_${i}`;
    used.add(out);
    return out;
  };
  const outerIn = new Map<string, PortRef>();
  for (const e of doc.edges)
    if (e.to.node === blockId) {
      const port = e.to.port ?? (ports.inputs.length === 1 ? ports.inputs[0]! : 'in');
      outerIn.set(port, e.from);
    }

  const xs = body.nodes.filter((n) => n.kind !== BLOCK_INPUT && n.kind !== BLOCK_OUTPUT).map((n) => n.position.x);
  const width = xs.length ? Math.max(...xs) - Math.min(...xs) + 240 : 240;
  const nodes: GraphNode[] = [];
  const innerEdges: GraphEdge[] = [];
  let previous: Map<string, PortRef | undefined> | undefined;
  for (let k = 0; k < repeat; k++) {
    const ids = new Map<string, string>();
    for (const n of body.nodes) if (n.kind !== BLOCK_INPUT && n.kind !== BLOCK_OUTPUT) ids.set(n.id, claim(n.id, k));
    const inputs = new Map<string, PortRef | undefined>();
    ports.inputs.forEach((p, i) => inputs.set(p, k > 0 && i < ports.outputs.length ? previous!.get(ports.outputs[i]!) : outerIn.get(p)));
    const source = (r: PortRef): PortRef | undefined => {
      const n = body.nodes.find((x) => x.id === r.node);
      if (n?.kind === BLOCK_INPUT) return inputs.get(n.id);
      return { node: ids.get(r.node) ?? r.node, ...(r.port ? { port: r.port } : {}) };
    };
    for (const n of body.nodes)
      if (ids.has(n.id)) nodes.push({ ...n, id: ids.get(n.id)!, position: { x: n.position.x + k * width, y: n.position.y } });
    for (const e of body.edges) {
      const target = body.nodes.find((x) => x.id === e.to.node);
      if (!target || target.kind === BLOCK_OUTPUT) continue;
      const from = source(e.from);
      if (!from) continue;
      innerEdges.push({ id: claim(e.id, k), from, to: { node: ids.get(e.to.node) ?? e.to.node, ...(e.to.port ? { port: e.to.port } : {}) } });
    }
    const outs = new Map<string, PortRef | undefined>();
    for (const p of ports.outputs) {
      const e = body.edges.find((x) => x.to.node === p);
      outs.set(p, e ? source(e.from) : undefined);
    }
    previous = outs;
  }

  // The final edge list: the body's connections where the first connection into the block was (or at the
  // end), connections from the block's outputs rewired in place.
  const finalEdges: { edge: GraphEdge; fresh: boolean }[] = [];
  let placed = false;
  for (const e of doc.edges) {
    if (e.to.node === blockId) {
      if (!placed) finalEdges.push(...innerEdges.map((edge) => ({ edge, fresh: true })));
      placed = true;
    } else if (e.from.node === blockId) {
      const port = e.from.port ?? (ports.outputs.length === 1 ? ports.outputs[0]! : 'out');
      const from = previous?.get(port);
      if (from) finalEdges.push({ edge: { id: e.id, from, to: e.to }, fresh: true });
    } else finalEdges.push({ edge: e, fresh: false });
  }
  if (!placed) finalEdges.push(...innerEdges.map((edge) => ({ edge, fresh: true })));
  const added = finalEdges.map((x, i) => ({ ...x, i })).filter((x) => x.fresh);
  return {
    type: 'batch',
    commands: [
      { type: 'removeNodes', ids: [blockId] },
      {
        type: 'addNodes',
        nodes,
        edges: added.map((x) => x.edge),
        at: { nodes: nodes.map((_, k) => index + k), edges: added.map((x) => x.i) },
      },
    ],
  };
}
