/**
 * The trained weights a project keeps (host.readWeights / writeWeights) as a safetensors file: float32
 * tensors by weight name (`fc1.weight`), with their shapes where the model gives them. Reading checks the
 * file and says in one line what is wrong; whether the tensors fit the model is checked when they are loaded.
 */
import { decodeSafetensors, encodeSafetensors } from '../../exporters/safetensors';

export function encodeKeptWeights(weights: ReadonlyMap<string, Float32Array>, shapeOf: (name: string) => readonly number[] | undefined = () => undefined): Uint8Array {
  const tensors = [...weights].map(([name, data]) => {
    const shape = shapeOf(name);
    const fits = shape !== undefined && shape.reduce((a, b) => a * b, 1) === data.length;
    return { name, dtype: 'F32' as const, shape: fits ? shape : [data.length], data };
  });
  return encodeSafetensors(tensors, { format: 'pt', producer: 'layerloom' });
}

/** The weights of a kept safetensors file; throws an Error with one line for a person. */
export function decodeKeptWeights(bytes: Uint8Array, fileName = 'the kept weights'): Map<string, Float32Array> {
  let tensors;
  try {
    tensors = decodeSafetensors(bytes);
  } catch (e) {
    throw new Error(`${fileName} could not be read: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
  const out = new Map<string, Float32Array>();
  for (const t of tensors) {
    if (t.dtype !== 'F32' || !(t.data instanceof Float32Array)) throw new Error(`${fileName} could not be read: ${t.name} is ${t.dtype}, not float32.`);
    out.set(t.name, t.data);
  }
  return out;
}
