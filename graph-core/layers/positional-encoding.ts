/**
 * Adds position information to a sequence of feature vectors, so that attention (which ignores order) can
 * tell positions apart. Not a torch.nn class; the equivalent module is
 *
 *   sinusoidal: out = x + pe[:T]  with the constant
 *     PE(pos, 2i) = sin(pos / base^{2i/D}),  PE(pos, 2i+1) = cos(pos / base^{2i/D})
 *     (the "Attention is all you need" / PyTorch-tutorial PositionalEncoding; base 10000, the Monash lecture uses 1000)
 *   learned:    out = x + weight[:T],  weight = nn.Parameter(torch.randn(max_len, D) · 0.02)  (GPT-2 style)
 *
 * The sinusoidal table is a constant computed at compile time (no weights), and needs an even D so that the
 * sin/cos columns pair up. T > max_len is BAD_PARAM on max_len. FLOPs: one addition per element.
 *
 * PyTorch: none (tutorial PositionalEncoding module, or an nn.Parameter [max_len, D]) · ONNX: Add of a constant/initializer (Slice for T) · Lecture: "Transformers (positional encoding)"
 */
import { defineLayer, fail, ok, type WeightSpec } from '../define-layer';
import { p } from '../params';
import { numelPerSample } from '../shape';
import { changed } from './common/torch';

const POSITIONAL_ENCODING = {
  name: 'PositionalEncoding',
  source: `class PositionalEncoding(nn.Module):
    """Adds a vector per position to [N, T, D]: fixed sin/cos waves, or one learned vector per position.

    PE(pos, 2i) = sin(pos / base^(2i/D)),  PE(pos, 2i+1) = cos(pos / base^(2i/D))
    """

    def __init__(self, d_model, max_len=512, encoding="sinusoidal", base=10000.0):
        super().__init__()
        self.encoding = encoding
        if encoding == "learned":
            self.weight = nn.Parameter(torch.randn(max_len, d_model) * 0.02)
        else:
            pos = torch.arange(max_len, dtype=torch.float64).unsqueeze(1)
            freq = base ** (torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
            pe = torch.zeros(max_len, d_model, dtype=torch.float64)
            pe[:, 0::2] = torch.sin(pos / freq)
            pe[:, 1::2] = torch.cos(pos / freq)
            # A constant, not part of the state dict.
            self.register_buffer("pe", pe.float(), persistent=False)

    def forward(self, x):
        table = self.weight if self.encoding == "learned" else self.pe
        return x + table[: x.shape[1]]
`,
};

/** The sinusoidal table [T, D]: PE(pos, 2i) = sin(pos / base^{2i/D}), PE(pos, 2i+1) = cos(pos / base^{2i/D}), in float64. */
function sinusoidalTable(t: number, d: number, base: number): Float32Array {
  const table = new Float32Array(t * d);
  for (let i = 0; 2 * i < d; i++) {
    const freq = Math.pow(base, (2 * i) / d);
    for (let pos = 0; pos < t; pos++) {
      table[pos * d + 2 * i] = Math.sin(pos / freq);
      table[pos * d + 2 * i + 1] = Math.cos(pos / freq);
    }
  }
  return table;
}

export const PositionalEncoding = defineLayer({
  kind: 'PositionalEncoding',
  category: 'sequence',
  doc: {
    summary:
      'Adds a different vector to each position of a [N, T, D] sequence so that attention layers can tell positions apart. ' +
      '"sinusoidal" uses fixed sine and cosine waves of many frequencies; "learned" trains one vector per position.',
    formula: 'out = x + PE[:T];  PE(pos, 2i) = sin(pos / base^{2i/D}),  PE(pos, 2i+1) = cos(pos / base^{2i/D})  (learned: PE = W ∈ ℝ^{max_len×D})',
    torch: 'no torch.nn class: x + pe[:T] with a sinusoidal buffer, or an nn.Parameter of shape [max_len, D]',
    onnx: 'Add (with a Slice of the constant table)',
    lecture: 'Transformers (positional encoding)',
  },
  params: {
    encoding: p.enum({ default: 'sinusoidal', choices: ['sinusoidal', 'learned'], doc: '"sinusoidal": fixed sin/cos waves; "learned": one trained vector per position.' }),
    max_len: p.int({ default: 512, min: 1, doc: 'Longest sequence supported (rows of the table).' }),
    base: p.float({ default: 10000, min: 1, exclusiveMin: true, doc: 'Sinusoidal only: wavelength base (10000 in the original paper, 1000 in the lecture).' }),
  },
  inputs: { in: { doc: '[N, T, D]', rank: 3, layout: '[N, T, D]' } },
  outputs: { out: { doc: '[N, T, D], the input plus the position vectors.' } },
  inferShape: ({ params: q, in: { in: x } }) => {
    const t = x![1] as number;
    const d = x![2] as number;
    if (t > q.max_len)
      return fail('BAD_PARAM', { param: 'max_len', problem: `is ${q.max_len}, but the input sequence has T = ${t} positions; raise max_len to at least ${t}` });
    if (q.encoding === 'sinusoidal' && d % 2 !== 0)
      return fail('NOT_DIVISIBLE', { what: 'The feature size D', value: d, by: 'the sin/cos pair size (use encoding "learned" for an odd D)', divisor: 2 }, { port: 'in' });
    return ok({ out: x! });
  },
  weights: ({ params: q, in: { in: x } }): Readonly<Record<string, WeightSpec>> =>
    q.encoding === 'learned' ? { weight: { shape: [q.max_len, x![2] as number], init: { normal: 0.02 } } } : {},
  flops: ({ in: { in: x } }) => numelPerSample(x!),
  torch: ({ params: q, in: { in: x } }) => ({
    module: {
      fn: POSITIONAL_ENCODING.name,
      args: [x![2] as number],
      kwargs: changed({ max_len: [q.max_len, 512], encoding: [q.encoding, 'sinusoidal'], base: [q.base, 10000] }),
    },
    helper: POSITIONAL_ENCODING,
  }),
  lower: ({ ir, params: q, x: { in: x }, w: { weight } }) => {
    const t = x!.type.shape[1] as number;
    const d = x!.type.shape[2] as number;
    if (q.encoding === 'learned') return { out: ir.add(x!, t === q.max_len ? weight! : ir.slice(weight!, 0, 0, t)) };
    return { out: ir.add(x!, ir.tensor([t, d], sinusoidalTable(t, d, q.base))) };
  },
});
