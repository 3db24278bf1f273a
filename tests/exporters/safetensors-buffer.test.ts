import { describe, expect, it } from 'vitest';
import { decodeSafetensors, encodeSafetensors } from '../../exporters/safetensors';

describe('decoding safetensors from a Node Buffer that is a view into a larger pool', () => {
  it('reads the values at the view, not at the start of the pool', () => {
    const bytes = encodeSafetensors([{ name: 'w', dtype: 'F32', shape: [3], data: Float32Array.of(1.5, -2, 3) }]);
    // Buffer.concat allocates from Node's shared pool; subarray gives a view with a non-zero byteOffset.
    const pooled = Buffer.concat([Buffer.alloc(24, 7), Buffer.from(bytes)]).subarray(24);
    expect(pooled.byteOffset).toBeGreaterThan(0);
    expect(Array.from(decodeSafetensors(pooled)[0]!.data as Float32Array)).toEqual([1.5, -2, 3]);
  });
});
