/**
 * Index of the maximum along one axis → int64 (held as Int32Array); on ties the FIRST maximum wins, as in
 * ONNX (select_last_index = 0) and PyTorch. ONNX: ArgMax with explicit `axis` (made non-negative),
 * `keepdims` as an int and select_last_index = 0. No gradient: the output is an int64 index.
 */
import type { Dim } from '../../shape';
import { attr, defineOp, noGradient } from '../define-op';
import { size, zeros } from '../tensor';
import { expectArity, expectBool, expectFloat, normAxis } from './common/1-checks';

export const ArgMax = noGradient(
  defineOp<{ axis: number; keepdims: boolean }>({
    name: 'ArgMax',
    inferShape: (inputs, { axis, keepdims }) => {
      expectArity('ArgMax', inputs, 1);
      expectFloat('ArgMax', inputs);
      const x = inputs[0]!;
      const a = normAxis('ArgMax', axis, x.shape.length);
      const keep = expectBool('ArgMax', 'keepdims', keepdims);
      const shape: Dim[] = [];
      x.shape.forEach((d, i) => {
        if (i !== a) shape.push(d);
        else if (keep) shape.push(1);
      });
      return [{ shape, dtype: 'int64' }];
    },
    evaluate: ([x], { axis, keepdims }) => {
      const a = normAxis('ArgMax', axis, x!.shape.length);
      const outer = size(x!.shape.slice(0, a));
      const len = x!.shape[a]!;
      const inner = size(x!.shape.slice(a + 1));
      const shape = keepdims ? x!.shape.map((d, i) => (i === a ? 1 : d)) : x!.shape.filter((_, i) => i !== a);
      const out = zeros(shape, 'int64');
      for (let o = 0; o < outer; o++)
        for (let i = 0; i < inner; i++) {
          const base = o * len * inner + i;
          let best = 0;
          let bestV = x!.data[base]!;
          for (let j = 1; j < len; j++) {
            const v = x!.data[base + j * inner]!;
            if (v > bestV) {
              bestV = v;
              best = j;
            }
          }
          out.data[o * inner + i] = best;
        }
      return [out];
    },
    toOnnx: ({ axis, keepdims }, [x]) => ({
      opType: 'ArgMax',
      attributes: {
        axis: attr.int(normAxis('ArgMax', axis, x!.shape.length)),
        keepdims: attr.int(keepdims ? 1 : 0),
        select_last_index: attr.int(0),
      },
    }),
  }),
);
