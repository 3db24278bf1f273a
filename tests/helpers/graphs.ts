/** Small builders for test documents. */
import { readFileSync } from 'node:fs';
import type { GraphDoc, GraphEdge, GraphNode, RawParamValue } from '../../graph-core';

export function node(id: string, kind: string, params: Record<string, RawParamValue> = {}, extra: Partial<GraphNode> = {}): GraphNode {
  return { id, kind, params, position: { x: 0, y: 0 }, ...extra };
}

/** `edge('a', 'b')`, `edge('a.out', 'b.query')` */
export function edge(from: string, to: string, id = `${from}->${to}`): GraphEdge {
  const ref = (s: string) => {
    const [n, port] = s.split('.');
    return port ? { node: n!, port } : { node: n! };
  };
  return { id, from: ref(from), to: ref(to) };
}

export function doc(nodes: readonly GraphNode[], edges: readonly GraphEdge[] = [], name = 'test'): GraphDoc {
  return { format: 'layerloom.graph', version: 1, name, nodes, edges };
}

/** A linear chain: chain(node(...), node(...), …) wires each node's default output to the next one's default input. */
export function chain(...nodes: GraphNode[]): GraphDoc {
  const edges = nodes.slice(1).map((n, i) => edge(nodes[i]!.id, n.id, `e${i + 1}`));
  return doc(nodes, edges);
}

export function readExample(name: string): GraphDoc {
  return JSON.parse(readFileSync(new URL(`../../examples/${name}`, import.meta.url), 'utf8')) as GraphDoc;
}
