/** Large synthetic graphs for benchmarks. */
import type { GraphDoc, GraphEdge, GraphNode } from '../graph-core';

/**
 * A residual MLP of about `size` nodes: Input → [Linear → GELU → Dropout → Linear → Add(skip) → LayerNorm] × k,
 * plus a small conv stem feeding a Concat, so most kinds of shape rule are exercised.
 */
export function residualGraph(size: number): GraphDoc {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const add = (id: string, kind: string, params: GraphNode['params'] = {}) => {
    nodes.push({ id, kind, params, position: { x: (nodes.length % 20) * 200, y: Math.floor(nodes.length / 20) * 120 } });
    return id;
  };
  const wire = (from: string, to: string, toPort?: string) =>
    edges.push({ id: `e${edges.length}`, from: { node: from }, to: toPort ? { node: to, port: toPort } : { node: to } });

  let prev = add('img', 'Input', { shape: [3, 32, 32] });
  for (const [i, kind, params] of [
    [0, 'Conv2d', { out_channels: 16, kernel_size: 3, padding: 1 }],
    [1, 'BatchNorm2d', {}],
    [2, 'ReLU', {}],
    [3, 'MaxPool2d', { kernel_size: 2 }],
    [4, 'Flatten', {}],
    [5, 'Linear', { out_features: 64 }],
  ] as const) {
    const id = add(`stem${i}`, kind, params);
    wire(prev, id);
    prev = id;
  }
  const x = add('x', 'Input', { shape: [64] });
  const cat = add('cat', 'Concat', { dim: 1 });
  wire(x, cat);
  wire(prev, cat);
  prev = add('proj', 'Linear', { out_features: 64 });
  wire(cat, prev);

  for (let b = 0; nodes.length + 6 <= size - 2; b++) {
    const l1 = add(`b${b}_fc1`, 'Linear', { out_features: 128 });
    const act = add(`b${b}_act`, 'GELU');
    const drop = add(`b${b}_drop`, 'Dropout', { p: 0.1 });
    const l2 = add(`b${b}_fc2`, 'Linear', { out_features: 64 });
    const sum = add(`b${b}_add`, 'Add');
    const norm = add(`b${b}_norm`, 'LayerNorm');
    wire(prev, l1);
    wire(l1, act);
    wire(act, drop);
    wire(drop, l2);
    wire(l2, sum, 'a');
    wire(prev, sum, 'b');
    wire(sum, norm);
    prev = norm;
  }
  const head = add('head', 'Linear', { out_features: 10 });
  wire(prev, head);
  const loss = add('loss', 'CrossEntropyLoss');
  wire(head, loss, 'input');
  while (nodes.length < size) add(`free${nodes.length}`, 'Input', { shape: [8] });
  return { format: 'layerloom.graph', version: 1, name: `residual-${size}`, nodes, edges };
}
