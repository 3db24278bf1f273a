/**
 * The GAN discriminator (critic): flattens each sample and scores it with an MLP,
 *
 *   x ↦ Linear → LeakyReLU → … → Linear → LeakyReLU → Linear(·, 1)
 *
 * one hidden Linear + LeakyReLU per entry of hidden_sizes, and a final Linear to a single logit (no sigmoid:
 * pair it with BCEWithLogitsLoss). Parameters: Σ (in_k·out_k + out_k) over the Linears, starting at in = C·H·W….
 * FLOPs per sample: 2·in·out per Linear (as Linear counts them) + 1 per LeakyReLU output.
 *
 * PyTorch: a module with layers = nn.Sequential(nn.Linear, nn.LeakyReLU, …, nn.Linear(·, 1)) applied to
 * x.flatten(1) (so the Linears are layers.0, layers.2, …) · ONNX: Flatten, Gemm, LeakyRelu · Lecture: "GANs"
 */
import { defineLayer, ok, type WeightSpec } from '../define-layer';
import { p } from '../params';
import { numelPerSample, type Shape } from '../shape';
import { fanInUniform } from './common/init';
import { changed } from './common/torch';

const DISCRIMINATOR = {
  name: 'Discriminator',
  source: `class Discriminator(nn.Module):
    """A GAN critic: flattens each sample, then Linear/LeakyReLU pairs and a Linear to one logit [N, 1]."""

    def __init__(self, in_features, hidden_sizes, negative_slope=0.2):
        super().__init__()
        layers, d = [], in_features
        for h in hidden_sizes:
            layers += [nn.Linear(d, h), nn.LeakyReLU(negative_slope)]
            d = h
        layers.append(nn.Linear(d, 1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.flatten(1))
`,
};

/** The sizes the Linears map between: the flattened input, every hidden size, and the final logit. */
const sizes = (x: Shape, hidden: readonly number[]): number[] => [numelPerSample(x), ...hidden, 1];

export const Discriminator = defineLayer({
  kind: 'Discriminator',
  category: 'generative',
  doc: {
    summary:
      'The critic of a GAN: flattens each sample and scores it with a small MLP (LeakyReLU between layers), ' +
      'giving one real-vs-fake logit per sample.',
    formula: 'D(x) = W_k·LeakyReLU(… LeakyReLU(W_1·flatten(x) + b_1) …) + b_k ∈ ℝ;  params = Σ (in·out + out)',
    torch: 'nn.Sequential(nn.Linear, nn.LeakyReLU, …, nn.Linear(·, 1)) on x.flatten(1)',
    onnx: 'Flatten, Gemm, LeakyRelu',
    lecture: 'GANs (generator and discriminator)',
  },
  params: {
    hidden_sizes: p.ints({ default: [64, 64], min: 1, minLength: 0, doc: 'Width of each hidden layer; empty gives a single Linear to the logit.' }),
    negative_slope: p.float({ default: 0.2, doc: 'LeakyReLU slope for negative inputs (0.2 is the usual GAN choice).' }),
  },
  inputs: { in: { doc: 'A batch of samples [N, …] (flattened per sample), e.g. images [N, 1, 28, 28].', rank: [2, 8], layout: '[N, …] (at least one feature dimension)' } },
  outputs: { out: { doc: 'One real/fake logit per sample [N, 1].' } },
  inferShape: () => ok({ out: ['N', 1] }),
  weights: ({ params: q, in: { in: x } }) => {
    const s = sizes(x!, q.hidden_sizes);
    const weights: Record<string, WeightSpec> = {};
    for (let k = 0; k + 1 < s.length; k++) {
      const init = { uniform: fanInUniform(s[k]!) };
      weights[`layers.${2 * k}.weight`] = { shape: [s[k + 1]!, s[k]!], init };
      weights[`layers.${2 * k}.bias`] = { shape: [s[k + 1]!], init };
    }
    return weights;
  },
  flops: ({ params: q, in: { in: x } }) => {
    const s = sizes(x!, q.hidden_sizes);
    let flops = 0;
    for (let k = 0; k + 1 < s.length; k++) flops += 2 * s[k]! * s[k + 1]!;
    for (const h of q.hidden_sizes) flops += h;
    return flops;
  },
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: DISCRIMINATOR.name,
      args: [sizes(x!, [])[0]!, [...q.hidden_sizes]],
      kwargs: changed({ negative_slope: [q.negative_slope, 0.2] }),
    },
    helper: DISCRIMINATOR,
  }),
  lower: ({ ir, params: q, x: { in: x }, w }) => {
    // The batch dim is the symbol N in exported models but a number in train steps: leave it out either way.
    const s = sizes(x!.type.shape.slice(1), q.hidden_sizes);
    let h = x!.type.shape.length === 2 ? x! : ir.reshape(x!, ['N', s[0]!]);
    for (let k = 0; k + 1 < s.length; k++) {
      h = ir.add(ir.matmul(h, ir.transpose(w[`layers.${2 * k}.weight`]!, [1, 0])), w[`layers.${2 * k}.bias`]!);
      if (k + 2 < s.length) h = ir.leakyRelu(h, q.negative_slope);
    }
    return { out: h };
  },
});
