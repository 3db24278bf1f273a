/**
 * Flattens a range of dimensions into one.
 *
 * PyTorch: torch.nn.Flatten (start_dim=1, end_dim=-1) · ONNX: Flatten / Reshape · Lecture: "CNNs" (conv → dense)
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { normDim, type Dim } from '../shape';

export const Flatten = defineLayer({
  kind: 'Flatten',
  category: 'shaping',
  doc: {
    summary: 'Merges dimensions start_dim…end_dim into one, e.g. [N, 16, 5, 5] → [N, 400] before a dense layer.',
    formula: '[N, C, H, W] → [N, C·H·W]',
    torch: 'torch.nn.Flatten',
    onnx: 'Flatten / Reshape',
    lecture: 'CNNs (flatten before the classifier)',
  },
  params: {
    start_dim: p.int({ default: 1, doc: 'First dimension to flatten (0 is the batch and cannot be flattened).' }),
    end_dim: p.int({ default: -1, doc: 'Last dimension to flatten (negative counts from the end).' }),
  },
  inputs: { in: { doc: '[N, …]', rank: [1, 8] } },
  outputs: { out: { doc: 'The input with dims start_dim…end_dim merged.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const s = normDim(q.start_dim, x!.length);
    const e = normDim(q.end_dim, x!.length);
    if (s < 0) return fail('BAD_DIM', { param: 'start_dim', dim: q.start_dim, shape: x!, why: `it has only ${x!.length} dimensions` });
    if (s === 0) return fail('BAD_DIM', { param: 'start_dim', dim: q.start_dim, shape: x!, why: 'the batch dimension cannot be flattened' });
    if (e < 0) return fail('BAD_DIM', { param: 'end_dim', dim: q.end_dim, shape: x!, why: `it has only ${x!.length} dimensions` });
    if (e < s) return fail('BAD_DIM', { param: 'end_dim', dim: q.end_dim, shape: x!, why: 'end_dim must not come before start_dim' });
    const merged = (x!.slice(s, e + 1) as number[]).reduce((a, b) => a * b, 1);
    const out: Dim[] = [...x!.slice(0, s), merged, ...x!.slice(e + 1)];
    return ok({ out });
  },
  torch: ({ params: q }) => ({ module: { fn: 'nn.Flatten', args: q.start_dim === 1 && q.end_dim === -1 ? [] : [q.start_dim, q.end_dim] } }),
  lower: ({ ir, x: { in: x }, out }) => ({ out: ir.reshape(x!, out.out!) }),
});
