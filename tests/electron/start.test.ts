/**
 * `npm start` (build/start.mjs) where the Electron binary cannot be downloaded: one line saying so, exit
 * code 1, no stack trace, and nothing built. The download is pointed at an unreachable mirror, so this
 * holds on machines with internet too; where the binary is already installed there is nothing to test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = new URL('../../', import.meta.url).pathname;

function runStart(args: string[]) {
  const cache = mkdtempSync(join(tmpdir(), 'layerloom-electron-cache-'));
  const env: NodeJS.ProcessEnv = { ...process.env, ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: cache };
  for (const key of Object.keys(env)) if (/^npm_(package_)?config_electron_/i.test(key) || key === 'ELECTRON_OVERRIDE_DIST_PATH') delete env[key];
  try {
    return spawnSync(process.execPath, [join(root, 'build/start.mjs'), ...args], { cwd: root, env, encoding: 'utf8', timeout: 60_000 });
  } finally {
    rmSync(cache, { recursive: true, force: true });
  }
}

const probe = runStart(['--check']);
const installed = probe.status === 0;
if (installed) console.warn(`start.test: skipped, the Electron binary is installed here (${probe.stdout.trim()})`);

describe('npm start without an Electron binary', () => {
  it.skipIf(installed)('fails with one clear line, before building anything', () => {
    for (const result of [probe, runStart([])]) {
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      const lines = result.stderr.trim().split('\n');
      expect(lines, result.stderr).toHaveLength(1);
      expect(lines[0]).toMatch(/^Layerloom: cannot start: the Electron \d+\.\d+\.\d+ binary could not be downloaded \([^)]+\)\. /);
      expect(lines[0]).toContain('npm run web');
      expect(result.stderr).not.toMatch(/^\s+at /m);
    }
  });
});
