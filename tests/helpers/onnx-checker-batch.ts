/** Runs Debian's ONNX checker on many models in one Python process (each start costs about a second). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_PYTHON } from './onnx-checker';

const CHECK_MANY = [
  'import sys, json, onnx',
  'out = {}',
  'for path in sys.argv[1:]:',
  '    try:',
  '        onnx.checker.check_model(onnx.load(path), full_check=True)',
  '        out[path] = None',
  '    except Exception as e:',
  '        out[path] = type(e).__name__ + ": " + str(e)',
  'print(json.dumps(out))',
].join('\n');

/** Returns, per model name, null when the checker accepts it, or the checker's message. */
export function checkOnnxMany(models: readonly { name: string; bytes: Uint8Array }[]): Record<string, string | null> {
  const dir = mkdtempSync(join(tmpdir(), 'layerloom-onnx-check-'));
  try {
    const paths = models.map((m, i) => {
      const p = join(dir, `${i}.onnx`);
      writeFileSync(p, m.bytes);
      return p;
    });
    const r = spawnSync(SYSTEM_PYTHON, ['-c', CHECK_MANY, ...paths], { encoding: 'utf8', timeout: 300_000, maxBuffer: 64 * 1024 * 1024 });
    if (r.error || r.status !== 0) throw new Error(`could not run the ONNX checker: ${r.error?.message ?? r.stderr}`);
    const byPath = JSON.parse(r.stdout) as Record<string, string | null>;
    const result: Record<string, string | null> = {};
    models.forEach((m, i) => (result[m.name] = byPath[paths[i]!] ?? null));
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
