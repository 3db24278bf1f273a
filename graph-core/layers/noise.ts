/**
 * A source of Gaussian noise: a fresh latent vector per sample, e.g. the input of a GAN generator.
 *
 *   z ~ N(0, 1),  z : [N, size]
 *
 * The runtime samples it at every step from its seeded PRNG, so a run is reproducible. No weights and no
 * FLOPs counted (sampling is not arithmetic on the model's data).
 *
 * PyTorch: torch.randn(N, size) · ONNX: RandomNormal / RandomNormalLike · Lecture: "Generative models (GANs)"
 */
import { defineLayer, ok } from '../define-layer';
import { p } from '../params';
import { BATCH } from '../shape';

export const Noise = defineLayer({
  kind: 'Noise',
  category: 'io',
  doc: {
    summary: 'Produces random numbers from a standard normal distribution, one vector per sample. A GAN generator starts from it.',
    formula: 'z ~ N(0, 1),  z : [N, size]  (resampled every step from the seeded random generator)',
    torch: 'torch.randn(N, size)',
    onnx: 'RandomNormal / RandomNormalLike',
    lecture: 'Generative models (GANs)',
  },
  params: {
    size: p.int({ default: 16, min: 1, doc: 'Length of each noise vector (the latent size).' }),
  },
  inputs: {},
  outputs: { out: { doc: 'Standard normal noise [N, size].' } },
  torch: () => ({ argument: 'noise' }),
  inferShape: ({ params: q }) => ok({ out: [BATCH, q.size] }),
});
