/**
 * Prepends a learned [CLS] token to a sequence, as in BERT and the Vision Transformer. After the encoder,
 * the token's output (position 0) summarises the whole sequence and feeds the classifier.
 *
 *   [N, T, D] → cat([cls_token.expand(N, 1, D), x], dim=1) → [N, T + 1, D]
 *
 * Parameters: D (cls_token [1, 1, D], initialised N(0, 0.02²) as in ViT). FLOPs: none (a copy).
 *
 * PyTorch: nn.Parameter(torch.zeros(1, 1, D)) + torch.cat([cls_token.expand(N, -1, -1), x], dim=1)
 * · ONNX: Expand, Concat · Lecture: "Vision Transformers (ViT)"
 */
import { defineLayer, ok } from '../define-layer';

const CLASS_TOKEN = {
  name: 'ClassToken',
  source: `class ClassToken(nn.Module):
    """Puts one learned token in front of every sequence: [N, T, D] -> [N, T + 1, D]."""

    def __init__(self, dim):
        super().__init__()
        self.cls_token = nn.Parameter(torch.randn(1, 1, dim) * 0.02)

    def forward(self, x):
        return torch.cat([self.cls_token.expand(x.shape[0], -1, -1), x], dim=1)
`,
};

export const ClassToken = defineLayer({
  kind: 'ClassToken',
  category: 'vision',
  doc: {
    summary:
      'Adds one learned token at the front of every sequence. The Transformer lets it gather information from all tokens; ' +
      'take position 0 of the output to classify the whole input.',
    formula: '[N, T, D] → [N, T + 1, D],  out[:, 0] = cls,  out[:, 1:] = x;  params = D',
    torch: 'nn.Parameter(torch.zeros(1, 1, D)); torch.cat([cls.expand(N, -1, -1), x], 1)',
    onnx: 'Expand, Concat',
    lecture: 'Vision Transformers (ViT)',
  },
  params: {},
  inputs: { in: { doc: 'Token sequence [N, T, D].', rank: 3, layout: '[N, T, D]' } },
  outputs: { out: { doc: 'The sequence with the class token first [N, T + 1, D].' } },
  inferShape: ({ in: { in: x } }) => ok({ out: ['N', (x![1] as number) + 1, x![2]!] }),
  weights: ({ in: { in: x } }) => ({ cls_token: { shape: [1, 1, x![2] as number], init: { normal: 0.02 } } }),
  flops: () => 0,
  torch: ({ in: { in: x } }) => ({ module: { fn: CLASS_TOKEN.name, args: [x![2] as number] }, helper: CLASS_TOKEN }),
  lower: ({ ir, x: { in: x }, w: { cls_token } }) => {
    // Expand cannot stretch the batch-less [1, 1, D] to N (ONNX Expand writes N as 1), so the batch comes from x:
    // Where(c, cls, cls) with any c : [N, 1, 1] is the token repeated per sample, exactly, whatever x holds.
    const corner = ir.slice(ir.slice(x!, 1, 0, 1), 2, 0, 1);
    const tokens = ir.where(ir.equal(corner, corner), cls_token!, cls_token!);
    return { out: ir.concat([tokens, x!], 1) };
  },
});
