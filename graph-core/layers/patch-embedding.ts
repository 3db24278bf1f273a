/**
 * The Vision Transformer patchifier: cuts an image into non-overlapping p×p patches and projects each one
 * linearly to an embedding, giving a sequence of tokens.
 *
 *   [N, C, H, W] → Conv2d(C, D, kernel p, stride p) → [N, D, H/p, W/p] → flatten(2).transpose(1, 2) → [N, (H/p)·(W/p), D]
 *
 * Parameters: D·C·p·p + D. FLOPs per sample: 2·D·C·p·p per patch (as Conv2d counts them).
 *
 * PyTorch: nn.Conv2d(C, embed_dim, patch_size, stride=patch_size) as `proj`, then .flatten(2).transpose(1, 2)
 * · ONNX: Conv, Flatten/Reshape, Transpose · Lecture: "Vision Transformers (ViT)"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fanInUniform } from './common/init';

const PATCH_EMBEDDING = {
  name: 'PatchEmbedding',
  source: `class PatchEmbedding(nn.Module):
    """Cuts [N, C, H, W] into patch_size squares and maps each to an embed_dim token: [N, H*W/p^2, D]."""

    def __init__(self, in_channels, embed_dim, patch_size):
        super().__init__()
        self.proj = nn.Conv2d(in_channels, embed_dim, patch_size, stride=patch_size)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)
`,
};

export const PatchEmbedding = defineLayer({
  kind: 'PatchEmbedding',
  category: 'vision',
  doc: {
    summary:
      'Turns an image into a sequence for a Transformer: cuts it into patch_size × patch_size squares and maps each square ' +
      '(all channels) to an embed_dim vector. A 28×28 image with 7×7 patches becomes 16 tokens.',
    formula: 'T = (H/p)·(W/p);  token_i = W·vec(patch_i) + b;  params = D·C·p² + D',
    torch: 'nn.Conv2d(C, embed_dim, patch_size, stride=patch_size) then .flatten(2).transpose(1, 2)',
    onnx: 'Conv, Reshape, Transpose',
    lecture: 'Vision Transformers (ViT)',
  },
  params: {
    patch_size: p.int({ default: 7, min: 1, doc: 'Side p of each square patch; must divide the image height and width.' }),
    embed_dim: p.int({ default: 32, min: 1, doc: 'Size D of each patch embedding (token).' }),
  },
  inputs: { in: { doc: 'Images [N, C, H, W].', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: 'Patch tokens [N, (H/p)·(W/p), embed_dim], row by row.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const h = x![2] as number;
    const w = x![3] as number;
    const ps = q.patch_size;
    if (h % ps !== 0) return fail('NOT_DIVISIBLE', { what: 'Image height', value: h, by: 'patch_size', divisor: ps }, { port: 'in' });
    if (w % ps !== 0) return fail('NOT_DIVISIBLE', { what: 'Image width', value: w, by: 'patch_size', divisor: ps }, { port: 'in' });
    return ok({ out: ['N', (h / ps) * (w / ps), q.embed_dim] });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const c = x![1] as number;
    const ps = q.patch_size;
    const init = { uniform: fanInUniform(c * ps * ps) };
    return {
      'proj.weight': { shape: [q.embed_dim, c, ps, ps], init },
      'proj.bias': { shape: [q.embed_dim], init },
    };
  },
  flops: ({ params: q, in: { in: x }, out }) => {
    const tokens = out.out![1] as number;
    return 2 * tokens * q.embed_dim * (x![1] as number) * q.patch_size * q.patch_size;
  },
  torch: ({ params: q, in: { in: x } }) => ({
    module: { fn: PATCH_EMBEDDING.name, args: [x![1] as number, q.embed_dim, q.patch_size] },
    helper: PATCH_EMBEDDING,
  }),
  lower: ({ ir, params: q, x: { in: x }, w, out }) => {
    const ps = q.patch_size;
    const y = ir.conv(x!, w['proj.weight']!, w['proj.bias'], { strides: [ps, ps], pads: [0, 0, 0, 0], dilations: [1, 1], group: 1 });
    return { out: ir.transpose(ir.reshape(y, ['N', q.embed_dim, out.out![1]!]), [0, 2, 1]) };
  },
});
