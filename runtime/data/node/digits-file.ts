/**
 * Reads the binary form of the handwritten digits (../builtin/digits-binary.ts) from a file: the desktop app's
 * native training process reads it beside its bundle, where build:electron writes it. Node only; kept apart
 * from ./mnist.ts so that a bundle reading the file does not carry the JSON loader.
 */
import { readFile } from 'node:fs/promises';
import type { MnistDigits } from '../builtin/digits';
import { decodeDigitsBinary } from '../builtin/digits-binary';
import { DataError } from '../errors';

/** The digits in `file`; a missing, truncated or corrupt file is a DataError of one line. */
export async function readDigitsBinary(file: string): Promise<MnistDigits> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      code === 'ENOENT'
        ? `the app's digits file ${file} is missing; rebuild the app (npm run build:electron) to generate it`
        : `the app's digits file ${file} cannot be read (${code ?? 'I/O error'})`,
    );
  }
  return decodeDigitsBinary(file, bytes);
}
