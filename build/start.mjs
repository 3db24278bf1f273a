#!/usr/bin/env node
/**
 * `npm start`: makes sure the Electron binary is there (Electron fetches it from GitHub on first start),
 * builds the editor (`npm run build:web` → dist/web) and the Electron shell (`npm run build:electron` →
 * dist/electron), then starts Layerloom. Arguments after `npm start --` go to the app (e.g. a project file).
 *
 * Where Electron cannot be downloaded (no internet), it stops with one line that says so, before building.
 *
 *   node build/start.mjs --check   only ensure the Electron binary and print its path (used by tests)
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

class StartError extends Error {}

/** The electron package's folder, or null when it is not installed. */
function electronPackageDir() {
  try {
    return dirname(require.resolve('electron/package.json', { paths: [root] }));
  } catch {
    return null;
  }
}

/** The Electron executable the electron package would run, if it is on disk (same rules as electron/index.js). */
export function installedElectron(dir = electronPackageDir()) {
  if (!dir) return null;
  const pathFile = join(dir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : '';
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const exe = join(override, relative || (process.platform === 'win32' ? 'electron.exe' : 'electron'));
    return existsSync(exe) ? exe : null;
  }
  if (!relative) return null;
  const exe = join(dir, 'dist', relative);
  return existsSync(exe) ? exe : null;
}

/** The most telling line of the downloader's error output, without stack frames. */
function downloadFailureReason(output) {
  const lines = output
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('at ') && !l.startsWith('node:') && !/^\^+$/.test(l));
  const line = lines.find((l) => /error/i.test(l)) ?? lines[0] ?? 'no details';
  return line.replace(/^([A-Za-z]*Error|Error):\s*/, '').slice(0, 160);
}

/** Runs the electron package's downloader; prints a notice only if the download takes a while. */
function downloadElectron(dir) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(dir, 'install.js')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const notice = setTimeout(() => process.stdout.write('Layerloom: downloading Electron (first start only)…\n'), 2000);
    child.on('error', (error) => {
      clearTimeout(notice);
      resolve({ ok: false, output: String(error) });
    });
    child.on('close', (code) => {
      clearTimeout(notice);
      resolve({ ok: code === 0, output });
    });
  });
}

async function ensureElectron() {
  const dir = electronPackageDir();
  if (!dir) throw new StartError('Electron is not installed; run "npm install" first, then "npm start".');
  const version = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
  let exe = installedElectron(dir);
  if (exe) return exe;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH)
    throw new StartError(`ELECTRON_OVERRIDE_DIST_PATH is set to ${process.env.ELECTRON_OVERRIDE_DIST_PATH}, but no Electron binary is there.`);
  const result = await downloadElectron(dir);
  exe = installedElectron(dir);
  if (result.ok && exe) return exe;
  throw new StartError(
    `cannot start: the Electron ${version} binary could not be downloaded (${downloadFailureReason(result.output)}). ` +
      'Electron fetches it from GitHub on first start, so connect to the internet (or set ELECTRON_MIRROR) and run "npm start" again; ' +
      'the browser version needs no download: "npm run web".',
  );
}

function runScript(name) {
  const scripts = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).scripts ?? {};
  if (typeof scripts[name] !== 'string') throw new StartError(`package.json has no "${name}" script, which "npm start" runs before starting the app.`);
  const npmCli = process.env.npm_execpath;
  const result = npmCli
    ? spawnSync(process.execPath, [npmCli, 'run', '--silent', name], { cwd: root, stdio: 'inherit' })
    : spawnSync('npm', ['run', '--silent', name], { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new StartError(`"npm run ${name}" failed (exit code ${result.status ?? result.signal}); see the output above.`);
}

function launch(exe, args) {
  const child = spawn(exe, [join(root, 'dist', 'electron', 'main.cjs'), ...args], { cwd: root, stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (error) => {
    console.error(`Layerloom: could not start Electron (${error.message}).`);
    process.exit(1);
  });
  child.on('close', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

async function main(argv) {
  try {
    const exe = await ensureElectron();
    if (argv[0] === '--check') {
      process.stdout.write(`${exe}\n`);
      return;
    }
    runScript('build:web');
    runScript('build:electron');
    launch(exe, argv);
  } catch (error) {
    if (!(error instanceof StartError)) throw error;
    console.error(`Layerloom: ${error.message}`);
    process.exit(1);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main(process.argv.slice(2));
