/** Shared definition of BatchNorm1d and BatchNorm2d, which differ only in the input layout they accept. */
import { defineLayer, ok, type InputPortSpec, type LayerDoc, type WeightSpec } from '../../define-layer';
import { p } from '../../params';
import { numelPerSample } from '../../shape';

/**
 * Batch normalisation over channel dim 1 (num_features inferred from the input). Parameters `weight`/`bias` exist
 * when `affine`; the buffers `running_mean`/`running_var` exist when `track_running_stats` (num_batches_tracked,
 * an int64 counter, is left out). FLOPs: 2 per element, the normalisation folded into one scale and shift.
 */
export function defineBatchNorm<const K extends string>(o: { kind: K; doc: LayerDoc; input: InputPortSpec }) {
  return defineLayer({
    kind: o.kind,
    category: 'normalization',
    doc: o.doc,
    params: {
      eps: p.float({ default: 1e-5, min: 0, exclusiveMin: true, doc: 'Added to the variance before the square root, for numerical stability.' }),
      momentum: p.float({ default: 0.1, min: 0, max: 1, doc: 'Weight of the current batch in the running statistics: running = (1 − momentum)·running + momentum·batch.' }),
      affine: p.bool({ default: true, doc: 'Learn a scale γ (weight) and shift β (bias) per channel.' }),
      track_running_stats: p.bool({ default: true, doc: 'Keep running mean and variance for inference; if false, batch statistics are used at inference too.' }),
    },
    inputs: { in: o.input },
    outputs: { out: { doc: 'Same shape as the input.' } },
    inferShape: ({ in: { in: x } }) => ok({ out: x! }),
    weights: ({ params: q, in: { in: x } }) => {
      const c = x![1] as number;
      const w: Record<string, WeightSpec> = {};
      if (q.affine) {
        w.weight = { shape: [c], init: { constant: 1 } };
        w.bias = { shape: [c], init: { constant: 0 } };
      }
      if (q.track_running_stats) {
        w.running_mean = { shape: [c], init: { constant: 0 }, trainable: false };
        w.running_var = { shape: [c], init: { constant: 1 }, trainable: false };
        // torch counts the batches seen (for momentum=None); saved so load_state_dict(strict=True) accepts the file.
        w.num_batches_tracked = { shape: [], init: { constant: 0 }, trainable: false, dtype: 'int64', stateOnly: true };
      }
      return w;
    },
    flops: ({ out }) => 2 * numelPerSample(out.out!),
  });
}
