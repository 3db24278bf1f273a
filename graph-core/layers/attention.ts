/**
 * General (single-head) attention: every query scores every key, the scores become weights with a softmax over
 * the keys, and the context is the weighted sum of the values.
 *
 *   dot:         e_ij = q_i · k_j
 *   scaled_dot:  e_ij = q_i · k_j / √Dk                  (Transformer)
 *   general:     e_ij = q_i · W · k_jᵀ,  W ∈ ℝ^{Dq×Dk}     (Luong "general", bilinear)
 *   additive:    e_ij = vᵀ · tanh(W · [q_i; k_j])          (Bahdanau / concat), W ∈ ℝ^{attn_dim×(Dq+Dk)}, v ∈ ℝ^{attn_dim}
 *   a_ij = softmax_j(e_ij)  (masked keys get e = −∞),   c_i = Σ_j a_ij · v_j
 *
 * Row-vector convention (as in PyTorch): queries are the rows of Q [Tq, Dq], so the scores are S = Q·Kᵀ [Tq, Tk]
 * and the context is C = softmax(S)·V. The lectures use column vectors: Q ∈ ℝ^{D×Tq}, K ∈ ℝ^{D×Tk}, A = KᵀQ ∈ ℝ^{Tk×Tq},
 * softmax down each column, C = V·A; the `weights` output here is that A transposed, [N, Tq, Tk].
 *
 * FLOPs per sample: scores 2·Tq·Tk·Dk (dot, plus Tq·Tk for the scaling); general adds q·W, 2·Tq·Dq·Dk; additive
 * projects queries and keys once (2·Tq·Dq·a + 2·Tk·Dk·a), adds and applies tanh per pair (2·Tq·Tk·a) and
 * multiplies by v (2·Tq·Tk·a); then the softmax (3·Tq·Tk) and the weighted sum (2·Tq·Tk·Dv).
 *
 * PyTorch: no single module (torch.nn.functional.scaled_dot_product_attention in 2.x for scaled_dot) · ONNX:
 * MatMul, Div, Softmax (Attention in opset 23) · Lecture: "Attention (seq2seq with attention)"
 */
import { defineLayer, fail, ok, type WeightSpec } from '../define-layer';
import type { V } from '../ir/builder';
import { p } from '../params';
import { keepMaskBias } from './common/attention-lower';
import { SOFTMAX_FLOPS_PER_ELEMENT } from './common/attention-weights';
import { fanInUniform } from './common/init';

const ATTENTION = {
  name: 'Attention',
  source: `class Attention(nn.Module):
    """Single-head attention; returns (context [N, Tq, Dv], weights [N, Tq, Tk]).

    score: "dot" q.k, "scaled_dot" q.k / sqrt(Dk), "general" q W k^T, "additive" v^T tanh(W [q; k]).
    mask: 1 where a key may be attended to, 0 where it is hidden ([N, Tk] or [N, Tq, Tk]).
    """

    def __init__(self, score, query_dim, key_dim, attn_dim=32):
        super().__init__()
        self.score = score
        self.query_dim = query_dim
        if score == "general":
            self.weight = nn.Parameter(torch.empty(query_dim, key_dim))
            nn.init.uniform_(self.weight, -key_dim**-0.5, key_dim**-0.5)
        elif score == "additive":
            self.W = nn.Linear(query_dim + key_dim, attn_dim, bias=False)
            self.v = nn.Linear(attn_dim, 1, bias=False)

    def forward(self, query, keys, values, mask=None):
        if self.score == "additive":
            # W [q; k] = W_q q + W_k k: project queries and keys once, then add every pair.
            qa = query @ self.W.weight[:, : self.query_dim].T
            ka = keys @ self.W.weight[:, self.query_dim :].T
            scores = self.v(torch.tanh(qa.unsqueeze(2) + ka.unsqueeze(1))).squeeze(-1)
        else:
            q = query @ self.weight if self.score == "general" else query
            scores = q @ keys.transpose(1, 2)
            if self.score == "scaled_dot":
                scores = scores / keys.shape[-1] ** 0.5
        if mask is not None:
            mask = mask.unsqueeze(1) if mask.dim() == 2 else mask
            scores = scores + (1 - mask.float()) * -1e9
        weights = torch.softmax(scores, dim=-1)
        return weights @ values, weights
`,
};

export const Attention = defineLayer({
  kind: 'Attention',
  category: 'attention',
  doc: {
    summary:
      'Each query compares itself with every key, turns the scores into weights with a softmax over the keys, ' +
      'and returns the weighted average of the values. Choose how scores are computed with `score`.',
    formula:
      'dot: q·k;  scaled_dot: q·k/√Dk;  general: q W kᵀ;  additive: vᵀ tanh(W[q; k]);  ' +
      'a = softmax over keys;  c = Σ_j a_j v_j  (rows: C = softmax(QKᵀ)V; lecture columns: A = KᵀQ, C = VA)',
    torch: 'no single module; torch.nn.functional.scaled_dot_product_attention (scaled_dot, torch ≥ 2.0)',
    onnx: 'MatMul, Div, Softmax (Attention in opset 23)',
    lecture: 'Attention (seq2seq with attention, Bahdanau and Luong scores)',
  },
  params: {
    score: p.enum({
      default: 'scaled_dot',
      choices: ['dot', 'scaled_dot', 'general', 'additive'],
      doc: 'How a query and a key are compared: dot product, dot product / √Dk, bilinear q·W·kᵀ, or additive vᵀ·tanh(W·[q; k]).',
    }),
    attn_dim: p.int({ default: 32, min: 1, doc: 'Hidden size of the additive score (ignored by the other scores).' }),
  },
  inputs: {
    query: { doc: 'Queries [N, Tq, Dq].', rank: 3, layout: '[N, Tq, Dq]' },
    keys: { doc: 'Keys [N, Tk, Dk].', rank: 3, layout: '[N, Tk, Dk]' },
    values: { doc: 'Values [N, Tk, Dv], one per key.', rank: 3, layout: '[N, Tk, Dv]' },
    mask: {
      doc: 'Optional [N, Tk] or [N, Tq, Tk]; 1/true = may attend, 0/false = masked out.',
      rank: [2, 3],
      layout: '[N, Tk] or [N, Tq, Tk]',
      dtype: 'any',
      optional: true,
    },
  },
  outputs: {
    context: { doc: 'Weighted sums of the values [N, Tq, Dv].' },
    weights: { doc: 'Attention weights [N, Tq, Tk]; each row sums to 1.' },
  },
  inferShape: ({ params: q, in: { query, keys, values, mask } }) => {
    const tq = query![1] as number;
    const dq = query![2] as number;
    const tk = keys![1] as number;
    const dk = keys![2] as number;
    if ((q.score === 'dot' || q.score === 'scaled_dot') && dq !== dk)
      return fail('SHAPE_MISMATCH', { port: 'keys', expected: `[N, Tk, ${dq}] (dot-product scores need Dk = Dq)`, got: keys! }, { port: 'keys' });
    if (values![0] !== keys![0] || values![1] !== tk)
      return fail('SHAPE_MISMATCH', { port: 'values', expected: `[N, ${tk}, Dv] (one value per key)`, got: values! }, { port: 'values' });
    if (mask) {
      const fits = mask.length === 2 ? mask[1] === tk : mask[1] === tq && mask[2] === tk;
      if (!fits) return fail('SHAPE_MISMATCH', { port: 'mask', expected: `[N, ${tk}] or [N, ${tq}, ${tk}]`, got: mask }, { port: 'mask' });
    }
    return ok({ context: ['N', tq, values![2]!], weights: ['N', tq, tk] });
  },
  weights: ({ params: q, in: { query, keys } }): Record<string, WeightSpec> => {
    const dq = query![2] as number;
    const dk = keys![2] as number;
    if (q.score === 'general') return { weight: { shape: [dq, dk], init: { uniform: fanInUniform(dk) } } };
    if (q.score === 'additive')
      return {
        'W.weight': { shape: [q.attn_dim, dq + dk], init: { uniform: fanInUniform(dq + dk) } },
        'v.weight': { shape: [1, q.attn_dim], init: { uniform: fanInUniform(q.attn_dim) } },
      };
    return {};
  },
  flops: ({ params: q, in: { query, keys, values } }) => {
    const tq = query![1] as number;
    const dq = query![2] as number;
    const tk = keys![1] as number;
    const dk = keys![2] as number;
    const dv = values![2] as number;
    const pairs = tq * tk;
    let scores: number;
    switch (q.score) {
      case 'dot':
        scores = 2 * pairs * dk;
        break;
      case 'scaled_dot':
        scores = 2 * pairs * dk + pairs;
        break;
      case 'general':
        scores = 2 * tq * dq * dk + 2 * pairs * dk;
        break;
      case 'additive':
        scores = 2 * tq * dq * q.attn_dim + 2 * tk * dk * q.attn_dim + 4 * pairs * q.attn_dim;
        break;
    }
    return scores + SOFTMAX_FLOPS_PER_ELEMENT * pairs + 2 * pairs * dv;
  },
  torch: ({ params: q, in: { query, keys } }) => ({
    module: {
      fn: ATTENTION.name,
      args: [q.score, query![2] as number, keys![2] as number],
      ...(q.score === 'additive' ? { kwargs: { attn_dim: q.attn_dim } } : {}),
    },
    returns: ['context', 'weights'],
    helper: ATTENTION,
  }),
  lower: ({ ir, params: q, x: { query, keys, values, mask }, in: shapes, w }) => {
    const tq = shapes.query![1] as number;
    const dq = shapes.query![2] as number;
    const tk = shapes.keys![1] as number;
    const dk = shapes.keys![2] as number;
    const keysT = () => ir.transpose(keys!, [0, 2, 1]); // [N, Dk, Tk]
    let scores: V; // [N, Tq, Tk]
    switch (q.score) {
      case 'dot':
        scores = ir.matmul(query!, keysT());
        break;
      case 'scaled_dot':
        scores = ir.div(ir.matmul(query!, keysT()), ir.scalar(Math.sqrt(dk)));
        break;
      case 'general':
        scores = ir.matmul(ir.matmul(query!, w['weight']!), keysT());
        break;
      case 'additive': {
        // W·[q; k] = W_q·q + W_k·k with W = [W_q | W_k]: project queries and keys once, then add every pair.
        const W = w['W.weight']!;
        const a = q.attn_dim;
        const qa = ir.matmul(query!, ir.transpose(ir.slice(W, 1, 0, dq), [1, 0])); // [N, Tq, a]
        const ka = ir.matmul(keys!, ir.transpose(ir.slice(W, 1, dq, dq + dk), [1, 0])); // [N, Tk, a]
        const hidden = ir.tanh(ir.add(ir.reshape(qa, ['N', tq, 1, a]), ir.reshape(ka, ['N', 1, tk, a]))); // [N, Tq, Tk, a]
        scores = ir.reshape(ir.matmul(hidden, ir.transpose(w['v.weight']!, [1, 0])), ['N', tq, tk]);
        break;
      }
    }
    if (mask) {
      const bias = keepMaskBias(ir, mask);
      scores = ir.add(scores, mask.type.shape.length === 2 ? ir.reshape(bias, ['N', 1, tk]) : bias);
    }
    const weights = ir.softmax(scores, 2);
    return { context: ir.matmul(weights, values!), weights };
  },
});
