/**
 * The KL term of a variational auto-encoder: how far the encoder's Gaussian N(μ, σ²) is from the prior
 * N(0, 1), in closed form, summed over the code and averaged over the batch, times a weight β.
 *
 *   loss = β · mean_n [ −½ · Σ_j (1 + logvar_nj − μ_nj² − exp(logvar_nj)) ]
 *
 * A VAE's objective is a reconstruction loss (BCEWithLogitsLoss or MSELoss) plus this term; the trainer sums
 * every loss layer. NOTE: those losses average over every pixel, where pytorch/examples' VAE sums them, so
 * β = 1/(pixels per sample) reproduces that example's balance between the two terms.
 * With parameterization 'log_std' the second input is log σ and logvar = 2·log σ.
 *
 * FLOPs: 6 per code element. Reports the unweighted KL as the metric `kl`.
 *
 * PyTorch: -0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1).mean() · ONNX: Exp, Mul, Sub,
 * ReduceSum, ReduceMean · Lecture: "Auto-encoders and VAEs"
 */
import { defineLayer, fail, ok } from '../define-layer';
import { p } from '../params';
import { fmtShape, numelPerSample, sameShape } from '../shape';
import { changed } from './common/torch';

const KL_DIVERGENCE = {
  name: 'KLDivergenceLoss',
  source: `class KLDivergenceLoss(nn.Module):
    """beta * the batch mean of KL(N(mu, sigma^2) || N(0, 1)), summed over the code (a VAE's KL term)."""

    def __init__(self, beta=1.0, parameterization="logvar"):
        super().__init__()
        self.beta, self.parameterization = beta, parameterization

    def forward(self, mu, logvar):
        if self.parameterization == "log_std":
            logvar = 2 * logvar
        code = tuple(range(1, mu.dim()))
        return self.beta * (-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=code)).mean()
`,
};

export const KLDivergenceLoss = defineLayer({
  kind: 'KLDivergenceLoss',
  category: 'loss',
  doc: {
    summary:
      'The VAE\'s KL term: the divergence of N(μ, σ²) from N(0, 1), summed over the code and averaged over the batch, ' +
      'weighted by β. Add a reconstruction loss beside it. (Not torch.nn.KLDivLoss, which compares two distributions given as tensors.)',
    formula: 'loss = β · mean_n(−½ · Σ_j (1 + logvar − μ² − exp(logvar)))',
    torch: '-0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp(), dim=1).mean()',
    onnx: 'Exp, Mul, Sub, ReduceSum, ReduceMean',
    lecture: 'Auto-encoders and VAEs',
  },
  params: {
    beta: p.float({ default: 1, min: 0, doc: 'Weight β of the term (β-VAE; 1 is the plain VAE).' }),
    parameterization: p.enum({
      default: 'logvar',
      choices: ['logvar', 'log_std'],
      doc: 'What the second input holds: logvar = log σ², or log_std = log σ (as in Reparameterize).',
    }),
  },
  inputs: {
    mu: { doc: 'Means μ [N, …].', rank: [2, 8], layout: '[N, …]' },
    logvar: { doc: 'Log-variances log σ² (or log σ), same shape as mu.', rank: [2, 8], layout: '[N, …]' },
  },
  outputs: { out: { doc: 'β times the batch-mean KL divergence, a scalar.' } },
  inferShape: ({ in: { mu, logvar } }) => {
    if (!sameShape(mu!, logvar!)) return fail('SHAPE_MISMATCH', { port: 'logvar', expected: fmtShape(mu!), got: logvar! }, { port: 'logvar' });
    return ok({ out: [] });
  },
  flops: ({ in: { mu } }) => 6 * numelPerSample(mu!),
  torch: ({ params: q }) => ({
    module: { fn: KL_DIVERGENCE.name, kwargs: changed({ beta: [q.beta, 1], parameterization: [q.parameterization, 'logvar'] }) },
    inputs: ['mu', 'logvar'],
    helper: KL_DIVERGENCE,
  }),
  lower: ({ ir, x: { mu, logvar }, params: q, metric }) => {
    const lv = q.parameterization === 'logvar' ? logvar! : ir.mul(logvar!, ir.scalar(2));
    // 1 + logvar − μ² − exp(logvar), per element
    const term = ir.sub(ir.sub(ir.add(ir.scalar(1), lv), ir.mul(mu!, mu!)), ir.exp(lv));
    const code = mu!.type.shape.map((_, i) => i).slice(1);
    const perSample = ir.mul(ir.reduceSum(term, code, false), ir.scalar(-0.5));
    const kl = ir.reduceMean(perSample, [0], false);
    metric('kl', kl);
    return { out: q.beta === 1 ? kl : ir.mul(kl, ir.scalar(q.beta)) };
  },
});
