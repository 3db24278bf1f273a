/** Reads a safetensors weights file (`--weights`) into a name → values map, with one-line errors for a person. */
import { readFile } from 'node:fs/promises';
import { decodeSafetensors, SafetensorsError } from '../exporters/safetensors';
import { UserError } from './io';

export async function readWeightsFile(path: string): Promise<Map<string, Float32Array>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    throw new UserError(`cannot read the weights file ${path}`);
  }
  try {
    return new Map(decodeSafetensors(bytes).map((t) => [t.name, t.data as Float32Array]));
  } catch (e) {
    if (e instanceof SafetensorsError) throw new UserError(`${path} is not a safetensors file: ${e.message}`);
    throw e;
  }
}
