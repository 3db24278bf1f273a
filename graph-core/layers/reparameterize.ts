/**
 * The reparameterisation trick of a variational auto-encoder (Kingma & Welling 2014): a sample of
 * N(μ, σ²) written as a differentiable function of μ and log σ², with the randomness in a separate input.
 *
 *   training:  z = μ + exp(½·logvar) ⊙ ε,   ε ~ N(0, 1) drawn per element from the seeded generator
 *   inference: z = μ   (the mean of the code: deterministic, so exported models give repeatable outputs)
 *   parameterization 'log_std' takes δ = log σ instead: z = μ + exp(δ) ⊙ ε (the lecture's c = exp(δ)·e + m)
 *
 * Gradients flow to μ and logvar; ε is fed by the runtime, as Dropout's masks are. FLOPs: 3 per element
 * (the scale, the exponential, the multiply-add) while training.
 *
 * PyTorch: mu + torch.exp(0.5 * logvar) * torch.randn_like(mu) (pytorch/examples vae) · ONNX: Identity of μ
 * (inference) · Lecture: "Auto-encoders and VAEs"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, numelPerSample, sameShape } from '../shape';
import { changed } from './common/torch';

const REPARAMETERIZE = {
  name: 'Reparameterize',
  source: `class Reparameterize(nn.Module):
    """A VAE sample z = mu + sigma * eps, eps ~ N(0, 1), while training; mu at inference."""

    def __init__(self, parameterization="logvar"):
        super().__init__()
        self.parameterization = parameterization

    def forward(self, mu, logvar):
        if not self.training:
            return mu
        log_std = 0.5 * logvar if self.parameterization == "logvar" else logvar
        return mu + torch.exp(log_std) * torch.randn_like(mu)
`,
};

export const Reparameterize = defineLayer({
  kind: 'Reparameterize',
  category: 'generative',
  doc: {
    summary:
      'Samples a VAE code z = μ + σ·ε from the encoder\'s mean and log-variance, with ε standard normal noise, so the sample ' +
      'stays differentiable in μ and σ. At inference it returns μ.',
    formula: 'training: z = μ + exp(½·logvar)·ε, ε ~ N(0, 1);  inference: z = μ',
    torch: 'mu + torch.exp(0.5 * logvar) * torch.randn_like(mu)',
    onnx: 'Identity (inference)',
    lecture: 'Auto-encoders and VAEs',
  },
  params: {
    parameterization: p.enum({
      default: 'logvar',
      choices: ['logvar', 'log_std'],
      doc: 'What the second input holds: logvar = log σ² (σ = exp(½·logvar)), or log_std = log σ (σ = exp(log_std)).',
    }),
  },
  inputs: {
    mu: { doc: 'Means μ [N, …].', rank: [2, 8], layout: '[N, …]' },
    logvar: { doc: 'Log-variances log σ² (or log σ), same shape as mu.', rank: [2, 8], layout: '[N, …]' },
  },
  outputs: { z: { doc: 'The sampled code, same shape as mu.' } },
  inferShape: ({ in: { mu, logvar } }) => {
    if (!sameShape(mu!, logvar!)) return fail('SHAPE_MISMATCH', { port: 'logvar', expected: fmtShape(mu!), got: logvar! }, { port: 'logvar' });
    return ok({ z: mu! });
  },
  flops: ({ in: { mu } }) => 3 * numelPerSample(mu!),
  torch: ({ params: q }) => ({
    module: { fn: REPARAMETERIZE.name, kwargs: changed({ parameterization: [q.parameterization, 'logvar'] }) },
    inputs: ['mu', 'logvar'],
    helper: REPARAMETERIZE,
  }),
  lower: ({ ir, x: { mu, logvar }, mode, feed, params: q }) => {
    if (mode === 'eval') return { z: mu! };
    const eps = feed('eps', mu!.type, { kind: 'normal' });
    const logStd = q.parameterization === 'logvar' ? ir.mul(logvar!, ir.scalar(0.5)) : logvar!;
    return { z: ir.add(mu!, ir.mul(ir.exp(logStd), eps)) };
  },
});
