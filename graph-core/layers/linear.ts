/**
 * Fully connected (dense) layer, applied to the last dimension.
 *
 *   y = x Wᵀ + b,   W : [out_features, in_features]
 *
 * Initialisation (`init`): `default` is nn.Linear's own U(±1/√in) for weight and bias; `xavier` is
 * nn.init.xavier_normal_ (std √(2/(in + out))) and `he` is nn.init.kaiming_normal_(nonlinearity='relu')
 * (std √(2/in)), both with nn.init.zeros_ on the bias; the PyTorch export then writes an nn.Linear subclass that does the same.
 *
 * PyTorch: torch.nn.Linear (in_features inferred, as nn.LazyLinear) · ONNX: Gemm / MatMul + Add · Lecture: "MLP"
 */
import { defineLayer, fail, ok, type Init } from '../define-layer';
import { p } from '../params';
import { numelPerSample } from '../shape';
import { fanInUniform } from './common/init';
import { changed } from './common/torch';

/** nn.Linear starting from Xavier or He weights, for the generated PyTorch code (same state_dict keys). */
const INIT_LINEAR = {
  name: 'InitLinear',
  source: `class InitLinear(nn.Linear):
    """nn.Linear whose weight starts from xavier_normal_ or kaiming_normal_ (for ReLU), with a zero bias."""

    def __init__(self, in_features, out_features, bias=True, init="xavier"):
        super().__init__(in_features, out_features, bias=bias)
        if init == "xavier":
            nn.init.xavier_normal_(self.weight)
        else:
            nn.init.kaiming_normal_(self.weight, nonlinearity="relu")
        if self.bias is not None:
            nn.init.zeros_(self.bias)
`,
};

export const Linear = defineLayer({
  kind: 'Linear',
  category: 'dense',
  doc: {
    summary: 'Every output is a weighted sum of all inputs plus a bias. Works on [N, F] and on sequences [N, T, F].',
    formula: 'y = x·Wᵀ + b,  W ∈ ℝ^{out×in};  params = in·out + out',
    torch: 'torch.nn.Linear',
    onnx: 'Gemm (2-D) or MatMul + Add',
    lecture: 'MLPs (dense layers)',
  },
  params: {
    out_features: p.int({ default: 64, min: 1, doc: 'Size of each output vector.' }),
    bias: p.bool({ default: true, doc: 'Learn an additive bias.' }),
    in_features: p.intOrNull({ default: null, min: 1, doc: 'Size of each input vector. Leave empty to infer it from the input, like nn.LazyLinear.' }),
    init: p.enum({
      choices: ['default', 'xavier', 'he'],
      default: 'default',
      doc: "Initial weights: PyTorch's default U(±1/√in); xavier = xavier_normal_ (std √(2/(in+out))); he = kaiming_normal_ for ReLU (std √(2/in)). xavier and he start the bias at 0.",
    }),
  },
  inputs: { in: { doc: '[N, in_features] or [N, T, in_features]', rank: [2, 3], layout: '[N, features] or [N, T, features]', flattenFix: true } },
  outputs: { out: { doc: '[N, out_features] or [N, T, out_features]' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const inF = x![x!.length - 1] as number;
    if (q.in_features !== null && q.in_features !== inF) {
      const flat = numelPerSample(x!);
      return fail(
        'SHAPE_MISMATCH',
        { port: 'in', expected: `[N, ${q.in_features}]`, got: x! },
        {
          port: 'in',
          ...(x!.length > 2 && flat === q.in_features
            ? { fix: { port: 'in', title: 'Insert Flatten', insertLayer: { kind: 'Flatten' } } }
            : {}),
        },
      );
    }
    return ok({ out: [...x!.slice(0, -1), q.out_features] });
  },
  weights: ({ params: q, in: { in: x } }) => {
    const inF = x![x!.length - 1] as number;
    const bound = fanInUniform(inF);
    const weight: Init =
      q.init === 'xavier'
        ? { normal: Math.sqrt(2 / (inF + q.out_features)) }
        : q.init === 'he'
          ? { normal: inF > 0 ? Math.sqrt(2 / inF) : 0 }
          : { uniform: bound };
    return {
      weight: { shape: [q.out_features, inF], init: weight },
      ...(q.bias ? { bias: { shape: [q.out_features], init: q.init === 'default' ? { uniform: bound } : { constant: 0 } } } : {}),
    };
  },
  flops: ({ in: { in: x }, params: q }) => 2 * numelPerSample(x!) * q.out_features,
  torch: ({ params: q, in: { in: x } }) =>
    q.init === 'default'
      ? { module: { fn: 'nn.Linear', args: [x![x!.length - 1] as number, q.out_features], kwargs: changed({ bias: [q.bias, true] }) } }
      : {
          module: { fn: INIT_LINEAR.name, args: [x![x!.length - 1] as number, q.out_features], kwargs: { ...changed({ bias: [q.bias, true] }), init: q.init } },
          helper: INIT_LINEAR,
        },
  lower: ({ ir, x: { in: x }, w: { weight, bias } }) => {
    const y = ir.matmul(x!, ir.transpose(weight!, [1, 0]));
    return { out: bias ? ir.add(y, bias) : y };
  },
});

