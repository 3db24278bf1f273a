/**
 * Runs the official ONNX checker (Debian's python3-onnx 1.12, `/usr/bin/python3`) on model bytes:
 * `onnx.checker.check_model(onnx.load(file), full_check=True)`, which also runs strict shape inference.
 * `checkOnnx` throws an Error carrying the checker's message when the model is rejected, or when the checker
 * cannot be run (CI installs python3-onnx, so a missing checker is a failure, not a skip).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const SYSTEM_PYTHON = '/usr/bin/python3';

const CHECK = [
  'import sys, onnx',
  'try:',
  '    onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)',
  'except Exception as e:',
  '    print(type(e).__name__ + ": " + str(e), file=sys.stderr)',
  '    sys.exit(1)',
].join('\n');

export function checkOnnx(bytes: Uint8Array): void {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-onnx-check-'));
  try {
    const file = join(dir, 'model.onnx');
    writeFileSync(file, bytes);
    const result = spawnSync(SYSTEM_PYTHON, ['-c', CHECK, file], { encoding: 'utf8', timeout: 120_000 });
    if (result.error) throw new Error(`could not run the ONNX checker (${SYSTEM_PYTHON}): ${result.error.message}`);
    if (result.status !== 0) {
      const message = (result.stderr || result.stdout).trim() || `exit status ${String(result.status)}`;
      throw new Error(`ONNX checker rejected the model: ${message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs a Python script with the system interpreter and returns its stdout; throws with stderr on failure. */
export function runSystemPython(script: string, args: readonly string[] = []): string {
  const result = spawnSync(SYSTEM_PYTHON, ['-c', script, ...args], { encoding: 'utf8', timeout: 120_000, maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw new Error(`could not run ${SYSTEM_PYTHON}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`${SYSTEM_PYTHON} failed: ${(result.stderr || result.stdout).trim()}`);
  return result.stdout;
}
