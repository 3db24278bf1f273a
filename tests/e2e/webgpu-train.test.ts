/**
 * WebGPU training in Chromium gives the same losses as native onnxruntime: the spiral MLP, seed 1, 20 steps,
 * trained by the page in tests/e2e/webgpu/ with onnxruntime-web's native WebGPU EP (on SwiftShader here and
 * in CI) and by the Trainer on onnxruntime-node in this process, agree to 1e-4 at every step.
 *
 * Needs Debian's Chromium (apt package `chromium`, /usr/bin/chromium). A browser without WebGPU fails the
 * test with the reason; it does not skip.
 */
import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeBackend } from '../../runtime/train/backend-node';
import type { PageResult } from './webgpu/main';
import { STEPS, trainSpiral, type SpiralRun } from './webgpu/spiral';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];
const TOLERANCE = 1e-4;

const here = dirname(fileURLToPath(import.meta.url));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.json': 'application/json',
};

/** A static file server for `dir` on 127.0.0.1 (a secure context, as WebGPU requires) on a free port. */
async function serve(dir: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    const file = normalize(join(dir, path === '/' ? 'index.html' : path));
    if (!file.startsWith(dir + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

/** The largest difference between two equally long loss traces. */
const worstDiff = (a: readonly number[], b: readonly number[]) => Math.max(...a.map((x, i) => Math.abs(x - b[i]!)));

describe('training in Chromium', () => {
  let outDir = '';
  let server: Server | undefined;
  let browser: Browser | undefined;
  let url = '';
  let native: SpiralRun;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)`);
    outDir = mkdtempSync(join(tmpdir(), 'layerloom-webgpu-'));
    await build({ configFile: join(here, 'webgpu/vite.config.ts'), logLevel: 'error', build: { outDir } });
    ({ server, url } = await serve(outDir));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    native = await trainSpiral(nodeBackend('native'));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  /** Opens the page (with `query`), waits for its run and returns it; a page that could not train fails here, with its reason. */
  async function trainInPage(query: string): Promise<Extract<PageResult, { ok: true }>> {
    const page = await browser!.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('console', (m) => void (m.type() === 'error' && problems.push(`console error: ${m.text()}`)));
    try {
      await page.goto(url + query);
      await page.waitForFunction(() => 'layerloomWebgpu' in globalThis, undefined, { timeout: 30_000 });
      const r = await page.evaluate(() => (globalThis as unknown as { layerloomWebgpu: Promise<PageResult> }).layerloomWebgpu);
      if (!r.ok) throw new Error(`the page did not train: ${r.error}${problems.length ? `\n${problems.join('\n')}` : ''}`);
      return r;
    } finally {
      await page.close();
    }
  }

  it('the native reference run trains: cross-entropy starts near ln 3 and falls', () => {
    expect(native.losses).toHaveLength(STEPS);
    expect(native.losses[0]).toBeGreaterThan(1);
    expect(native.losses[0]).toBeLessThan(1.2);
    expect(native.losses.at(-1)).toBeLessThan(native.losses[0]! - 0.1);
    expect(native.valLoss).toBeTypeOf('number');
  });

  it('trains the spiral MLP on WebGPU (SwiftShader) with the losses of native onnxruntime, to 1e-4 over 20 steps', { timeout: 120_000 }, async () => {
    const web = await trainInPage('');
    expect(web.backend).toBe('webgpu');
    // It ran through the WebGPU EP on SwiftShader: onnxruntime-web's device sits on that adapter.
    expect(web.adapter.vendor, JSON.stringify(web.adapter)).toBe('google');
    expect(`${web.adapter.architecture} ${web.adapter.device} ${web.adapter.description}`.toLowerCase()).toContain('swiftshader');

    expect(web.run.losses).toHaveLength(STEPS);
    const worst = worstDiff(web.run.losses, native.losses);
    expect(worst, `WebGPU ${JSON.stringify(web.run.losses)}\nnative ${JSON.stringify(native.losses)}`).toBeLessThanOrEqual(TOLERANCE);
    // The validation pass, fed the GPU-resident weights, and the trained weights read back agree as well.
    expect(Math.abs(web.run.valLoss! - native.valLoss!)).toBeLessThanOrEqual(TOLERANCE);
    expect(Object.keys(web.run.weightSums).sort()).toEqual(Object.keys(native.weightSums).sort());
    for (const [k, v] of Object.entries(native.weightSums)) expect(Math.abs(web.run.weightSums[k]! - v), k).toBeLessThanOrEqual(1e-3);

    // Weights and optimizer state stayed on the GPU between steps, the loss and metrics came back to the CPU,
    // and every GPU tensor was disposed by the end.
    const a = web.audit;
    expect(a.runs).toBe(STEPS + 3); // 20 train steps, then the validation pass: 600 held-out points in batches of 256
    const updated = Object.keys(a.locations).filter((k) => k.startsWith('new:'));
    expect(updated).toHaveLength(18); // 6 weights, each with Adam's two moments
    for (const k of updated) expect(a.locations[k], k).toEqual(['gpu-buffer']);
    for (const k of Object.keys(a.locations).filter((n) => !n.startsWith('new:'))) expect(a.locations[k], k).toEqual(['cpu']);
    expect(a.gpuTensors).toBe(STEPS * updated.length);
    expect(a.undisposedGpuTensors).toBe(0);

    console.warn(
      `webgpu-train: adapter ${JSON.stringify(web.adapter)}; ms per step (steps 2–${STEPS}): WebGPU ${web.run.msPerStep.toFixed(1)}, native ${native.msPerStep.toFixed(2)}; ` +
        `first step (session + shaders): WebGPU ${web.run.firstStepMs.toFixed(0)} ms, native ${native.firstStepMs.toFixed(0)} ms; worst |Δloss| ${worst.toExponential(2)}`,
    );
  });

  it('trains the same 20 steps on WASM in the browser (webBackend("wasm")), to 1e-4, with every output on the CPU', { timeout: 60_000 }, async () => {
    const web = await trainInPage('?backend=wasm');
    expect(web.backend).toBe('wasm');
    expect(web.run.losses).toHaveLength(STEPS);
    expect(worstDiff(web.run.losses, native.losses)).toBeLessThanOrEqual(TOLERANCE);
    expect(Math.abs(web.run.valLoss! - native.valLoss!)).toBeLessThanOrEqual(TOLERANCE);
    expect(web.audit.runs).toBe(STEPS + 3);
    for (const [k, where] of Object.entries(web.audit.locations)) expect(where, k).toEqual(['cpu']);
    expect(web.audit.gpuTensors).toBe(0);
    console.warn(`webgpu-train: ms per step (steps 2–${STEPS}) with WASM in Chromium: ${web.run.msPerStep.toFixed(1)}`);
  });
});
