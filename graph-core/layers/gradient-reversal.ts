/**
 * Gradient reversal layer (GRL): the identity going forward; going backward it multiplies the gradient by
 * −λ. Placed between a feature extractor and a domain classifier, it makes the features *worse* for telling
 * the domains apart while the classifier gets better at it: domain-adversarial training (DANN).
 *
 *   forward:  y = x
 *   backward: dL/dx = −λ_p · dL/dy
 *   schedule 'dann': λ_p = λ · (2 / (1 + exp(−γ·p)) − 1),  p = training progress from 0 to 1
 *
 * λ_p is fed to the train step by the runtime at every step (like the learning rate), so it can follow the
 * schedule without rebuilding the graph. FLOPs: none at inference; exported ONNX holds a plain Identity.
 *
 * PyTorch: a torch.autograd.Function returning x.view_as(x) and −λ·grad · ONNX: Identity ·
 * Lecture: "Domain-adversarial training" (Ganin & Lempitsky 2015)
 */
import { defineLayer, ok } from '../define-layer';
import { p } from '../params';
import { changed } from './common/torch';

const GRADIENT_REVERSAL = {
  name: 'GradientReversal',
  source: `class _ReverseGradient(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, scale):
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad):
        return -ctx.scale * grad, None


class GradientReversal(nn.Module):
    """The identity going forward; going backward the gradient is multiplied by -lambda.

    schedule "dann": lambda_p = lambda * (2 / (1 + exp(-gamma * p)) - 1), where the training loop sets the
    progress p from 0 to 1 (train.py does).
    """

    def __init__(self, lambd=1.0, schedule="constant", gamma=10.0):
        super().__init__()
        self.lambd, self.schedule, self.gamma = lambd, schedule, gamma
        self.progress = 0.0

    def forward(self, x):
        if not self.training:
            return x
        scale = self.lambd
        if self.schedule == "dann":
            scale *= 2 / (1 + math.exp(-self.gamma * self.progress)) - 1
        return _ReverseGradient.apply(x, scale)
`,
};

export const GradientReversal = defineLayer({
  kind: 'GradientReversal',
  category: 'generative',
  doc: {
    summary:
      'Passes values through unchanged but reverses (and scales by λ) the gradient flowing back through it, so the layers ' +
      'before it learn features that fool the classifier after it. The heart of domain-adversarial training.',
    formula: 'y = x;  dL/dx = −λ·dL/dy;  schedule dann: λ_p = λ·(2/(1 + e^(−γp)) − 1), p = progress 0 → 1',
    torch: 'a torch.autograd.Function: forward x.view_as(x), backward −λ·grad',
    onnx: 'Identity',
    lecture: 'Domain-adversarial training',
  },
  params: {
    lambda: p.float({ default: 1, min: 0, doc: 'Scale of the reversed gradient (the final λ with the dann schedule).' }),
    schedule: p.enum({
      default: 'constant',
      choices: ['constant', 'dann'],
      doc: 'constant: λ throughout; dann: λ_p rises from 0 to λ over the run, as 2/(1 + exp(−γp)) − 1.',
    }),
    gamma: p.float({ default: 10, min: 0, exclusiveMin: true, doc: 'Steepness γ of the dann schedule.' }),
  },
  inputs: { in: { doc: 'Any tensor [N, …] (the shared features).', rank: [1, 8] } },
  outputs: { out: { doc: 'The same values; their gradient comes back reversed.' } },
  inferShape: ({ in: { in: x } }) => ok({ out: x! }),
  flops: () => 0,
  torch: ({ params: q }) => ({
    module: { fn: GRADIENT_REVERSAL.name, kwargs: changed({ lambd: [q.lambda, 1], schedule: [q.schedule, 'constant'], gamma: [q.gamma, 10] }) },
    helper: GRADIENT_REVERSAL,
  }),
  lower: ({ ir, x: { in: x }, mode, feed, params: q }) => {
    // NOTE: evaluation and export have no backward pass, so the layer vanishes there.
    if (mode === 'eval') return { out: x! };
    const lambda = feed('lambda', { shape: [], dtype: 'float32' }, { kind: 'schedule', value: q.lambda, schedule: q.schedule, gamma: q.gamma });
    return { out: ir.op('GradientReversal', [x!, lambda]) };
  },
});
