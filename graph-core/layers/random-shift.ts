/**
 * Random translation for data augmentation: while training, every image is moved by a random whole number
 * of pixels along height and width, with zeros shifted in; at inference (and in exported ONNX) it is the
 * identity. A CNN trained on centred digits only learns centred digits; this layer teaches it that a
 * digit is the same digit anywhere.
 *
 *   training:  y[n, c, i, j] = x[n, c, i − dy_n, j − dx_n]   (0 outside the image),
 *              dy_n, dx_n uniform in {−max_shift, …, max_shift}, drawn per sample from the seeded generator
 *   inference: y = x
 *
 * Lowered as y = R_n · x · C_n, with R_n [H, H] and C_n [W, W] 0/1 shift matrices that the runtime feeds at
 * every step (as it feeds dropout masks), so the train step holds only MatMuls, which every backend runs.
 * FLOPs: the training-time products, 2·C·H·W·(H + W) per sample; free at inference.
 *
 * PyTorch: torchvision.transforms.RandomAffine(0, translate=…) with whole-pixel shifts and zero fill ·
 * ONNX: Identity (inference) · Lecture: "CNNs are not translation invariant: data augmentation"
 */
import { defineLayer, ok } from '../define-layer';
import { p } from '../params';
import { changed } from './common/torch';

const RANDOM_SHIFT = {
  name: 'RandomShift',
  source: `class RandomShift(nn.Module):
    """While training, moves each image [N, C, H, W] by whole pixels (up to max_shift each way), zero or circular fill."""

    def __init__(self, max_shift=4, padding_mode="zeros"):
        super().__init__()
        self.max_shift = max_shift
        self.padding_mode = padding_mode

    def forward(self, x):
        if not self.training or self.max_shift == 0:
            return x
        n, _, h, w = x.shape
        s = self.max_shift
        padded = nn.functional.pad(x, (s, s, s, s), mode="circular" if self.padding_mode == "circular" else "constant")
        dy = torch.randint(-s, s + 1, (n, 1), device=x.device)
        dx = torch.randint(-s, s + 1, (n, 1), device=x.device)
        # Output row i takes input row i - dy: row i - dy + s of the padded image.
        rows = torch.arange(h, device=x.device) + s - dy
        cols = torch.arange(w, device=x.device) + s - dx
        batch = torch.arange(n, device=x.device)[:, None, None]
        return padded[batch, :, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)
`,
};

export const RandomShift = defineLayer({
  kind: 'RandomShift',
  category: 'vision',
  doc: {
    summary:
      'While training, moves each image by a random number of pixels (up to max_shift) up/down and left/right, filling with zeros. ' +
      'At inference it does nothing. Augmentation that teaches translation invariance.',
    formula: 'training: y[n,c,i,j] = x[n,c,i − dy,j − dx] (0 outside), dy, dx ∈ {−s … s};  inference: y = x',
    torch: 'torchvision.transforms.RandomAffine(0, translate=(s/W, s/H)) (whole pixels, zero fill)',
    onnx: 'Identity (inference)',
    lecture: 'Data augmentation (translation invariance)',
  },
  params: {
    max_shift: p.int({ default: 4, min: 0, doc: 'Largest shift in pixels, in each direction and along each axis.' }),
    padding_mode: p.enum({
      default: 'zeros',
      choices: ['zeros', 'circular'],
      doc: '"zeros" shifts zeros in at the edge; "circular" wraps what leaves one edge around to the other (torch.roll).',
    }),
  },
  inputs: { in: { doc: 'Images [N, C, H, W].', rank: 4, layout: '[N, C, H, W]' } },
  outputs: { out: { doc: 'The shifted images, same shape.' } },
  inferShape: ({ in: { in: x } }) => ok({ out: x! }),
  flops: ({ in: { in: x } }) => {
    const [, c, h, w] = x! as readonly number[];
    return 2 * c! * h! * w! * (h! + w!);
  },
  torch: ({ params: q }) => ({
    module: { fn: RANDOM_SHIFT.name, args: [q.max_shift], kwargs: changed({ padding_mode: [q.padding_mode, 'zeros'] }) },
    helper: RANDOM_SHIFT,
  }),
  lower: ({ ir, x: { in: x }, mode, feed, params: q, batch }) => {
    if (mode === 'eval' || q.max_shift === 0) return { out: x! };
    const [, , h, w] = x!.type.shape as readonly number[];
    const circular = q.padding_mode === 'circular';
    const rows = feed('rows', { shape: [batch, 1, h!, h!], dtype: 'float32' }, { kind: 'shift', maxShift: q.max_shift, transposed: false, circular });
    const cols = feed('cols', { shape: [batch, 1, w!, w!], dtype: 'float32' }, { kind: 'shift', maxShift: q.max_shift, transposed: true, circular });
    // [N,1,H,H]·[N,C,H,W] shifts the rows of every channel, ·[N,1,W,W] then shifts the columns.
    return { out: ir.matmul(ir.matmul(rows, x!), cols) };
  },
});
