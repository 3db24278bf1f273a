/** Documents with blocks, shared by the block tests. */
import type { GraphDoc, GraphEdge, GraphNode, RawParamValue } from '../../../graph-core';

const at = { x: 0, y: 0 };
export const n = (id: string, kind: string, params: Record<string, RawParamValue> = {}, extra: Partial<GraphNode> = {}): GraphNode => ({
  id,
  kind,
  params,
  position: at,
  ...extra,
});
export const e = (id: string, from: string, to: string): GraphEdge => {
  const ref = (s: string) => {
    const [node, port] = s.split(':');
    return port ? { node: node!, port } : { node: node! };
  };
  return { id, from: ref(from), to: ref(to) };
};

export interface EncoderOptions {
  readonly repeat?: number;
  readonly d?: number;
  readonly t?: number;
  readonly nhead?: number;
  readonly ff?: number;
  /** Adds an Embedding front and a per-position classifier with a loss, for training on token tasks. */
  readonly vocab?: number;
}

/** Input → Block "enc" (BlockInput → TransformerEncoderLayer "tel" → BlockOutput) × repeat [→ head → loss]. */
export function encoderDoc(o: EncoderOptions = {}): GraphDoc {
  const { repeat = 6, d = 16, t = 5, nhead = 2, ff = 32 } = o;
  const body = {
    nodes: [
      n('in', 'BlockInput'),
      n('tel', 'TransformerEncoderLayer', { nhead, dim_feedforward: ff, dropout: 0 }),
      n('out', 'BlockOutput'),
    ],
    edges: [e('a', 'in', 'tel'), e('b', 'tel', 'out')],
  };
  const enc = n('enc', 'Block', { repeat }, { label: 'Encoder', body });
  if (o.vocab === undefined)
    return { format: 'layerloom.graph', version: 2, name: 'encoder', nodes: [n('x', 'Input', { shape: [t, d] }), enc], edges: [e('e1', 'x', 'enc')] };
  return {
    format: 'layerloom.graph',
    version: 2,
    name: 'encoder',
    nodes: [
      n('x', 'Input', { shape: [t], dtype: 'int64' }),
      n('emb', 'Embedding', { num_embeddings: o.vocab, embedding_dim: d }),
      n('pos', 'PositionalEncoding'),
      enc,
      n('head', 'Linear', { out_features: o.vocab }),
      n('loss', 'CrossEntropyLoss'),
    ],
    edges: [e('e1', 'x', 'emb'), e('e2', 'emb', 'pos'), e('e3', 'pos', 'enc'), e('e4', 'enc', 'head'), e('e5', 'head', 'loss:input')],
  };
}
