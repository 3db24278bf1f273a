/**
 * Shared set-up for the editor's end-to-end tests: build the web app once (per source state, shared by the
 * test files running in parallel), serve it from 127.0.0.1 with a tiny static server, and drive Debian's
 * Chromium with playwright-core.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, relative, sep } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

const repo = normalize(join(new URL('.', import.meta.url).pathname, '../../..'));
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.wasm': 'application/wasm',
  '.css': 'text/css',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? listFiles(p) : [p];
  });
}

/** A hash of everything the web build depends on, so an unchanged tree reuses the last build. */
function sourceKey(): string {
  const h = createHash('sha256');
  const files = [
    ...listFiles(join(repo, 'renderer')),
    ...listFiles(join(repo, 'graph-core')),
    // The gallery bundles the lecture templates.
    ...listFiles(join(repo, 'templates')),
    // The training worker bundles the runtime and the exporters.
    ...listFiles(join(repo, 'runtime')),
    ...listFiles(join(repo, 'exporters')),
    join(repo, 'build/vite.renderer.ts'),
    join(repo, 'package-lock.json'),
  ].sort();
  for (const f of files) h.update(relative(repo, f)).update(readFileSync(f));
  return h.digest('hex').slice(0, 16);
}

const BUILD_PREFIX = 'layerloom-editor-web-';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds the web app into a temporary folder named after the source hash. Test files run in parallel
 * workers; the first one takes a lock directory and builds, the others wait for its `done` marker.
 */
export async function buildWebApp(): Promise<string> {
  const out = join(tmpdir(), `${BUILD_PREFIX}${sourceKey()}`);
  const done = join(out, '.done');
  const lock = `${out}.lock`;
  for (const deadline = Date.now() + 120_000; Date.now() < deadline; ) {
    if (existsSync(done)) return out;
    try {
      mkdirSync(lock);
    } catch {
      // Another worker is building; a lock older than two minutes was left by a crashed run.
      if (existsSync(lock) && Date.now() - statSync(lock).mtimeMs > 120_000) rmSync(lock, { recursive: true, force: true });
      await sleep(250);
      continue;
    }
    try {
      if (!existsSync(done)) {
        await build({
          configFile: join(repo, 'build/vite.renderer.ts'),
          logLevel: 'error',
          build: { outDir: out, emptyOutDir: true },
        });
        writeFileSync(done, new Date().toISOString());
        removeStaleBuilds(out);
      }
      return out;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
  throw new Error('timed out waiting for the web build');
}

/** Builds of older source states, untouched for an hour, are no longer needed by any run. */
function removeStaleBuilds(current: string): void {
  for (const name of readdirSync(tmpdir())) {
    const path = join(tmpdir(), name);
    if (!name.startsWith(BUILD_PREFIX) || path === current || name.endsWith('.lock')) continue;
    if (Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true });
  }
}

/** Serves `dir` on 127.0.0.1 (a secure context, as the File System Access API requires) on a free port. */
export async function serve(dir: string): Promise<{ server: Server; url: string }> {
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

export interface Session {
  readonly browser: Browser;
  readonly url: string;
  close(): Promise<void>;
}

export async function startSession(): Promise<Session> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's Chromium (apt-get install -y chromium)`);
  const dir = await buildWebApp();
  const { server, url } = await serve(dir);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  return {
    browser,
    url,
    async close() {
      await browser.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Page errors and console errors, collected so a test can assert there were none. */
export function watchErrors(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console error: ${m.text()}`);
  });
  // Unsaved-changes prompts (beforeunload, discard?) are accepted, as a user who means it would.
  page.on('dialog', (d) => void d.accept());
  return problems;
}

/** The centre of an element on screen. */
export async function centerOf(locator: Locator): Promise<{ x: number; y: number }> {
  const box = await locator.boundingBox();
  if (!box) throw new Error(`element is not visible: ${locator.toString()}`);
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

/** Drags with the real mouse, in small steps, as a person would. */
export async function mouseDrag(page: Page, from: { x: number; y: number }, to: { x: number; y: number }): Promise<void> {
  await page.mouse.move(from.x, from.y);
  await page.mouse.down();
  await page.mouse.move(from.x + (to.x - from.x) / 3, from.y + (to.y - from.y) / 3, { steps: 4 });
  await page.mouse.move(to.x, to.y, { steps: 6 });
  await page.mouse.up();
}

/** Connects two handles by dragging from the output handle to the input handle. */
export async function connect(page: Page, fromNode: string, toNode: string, fromPort = 'out', toPort = 'in'): Promise<void> {
  const from = await centerOf(page.getByTestId(`handle-${fromNode}-out-${fromPort}`));
  const to = await centerOf(page.getByTestId(`handle-${toNode}-in-${toPort}`));
  await mouseDrag(page, from, to);
}

/** Drags a layer from the palette onto the canvas at screen point `at`. */
export async function dropLayer(page: Page, kind: string, at: { x: number; y: number }): Promise<void> {
  const item = page.getByTestId(`palette-item-${kind}`);
  await item.scrollIntoViewIfNeeded();
  await item.dragTo(page.getByTestId('canvas'), { targetPosition: await relativeToCanvas(page, at) });
}

async function relativeToCanvas(page: Page, at: { x: number; y: number }): Promise<{ x: number; y: number }> {
  const box = await page.getByTestId('canvas').boundingBox();
  if (!box) throw new Error('the canvas is not visible');
  return { x: at.x - box.x, y: at.y - box.y };
}

/** Sets a parameter in the inspector of the selected node and commits it with Enter. */
export async function setParam(page: Page, name: string, value: string): Promise<void> {
  const field = page.getByTestId(`param-${name}`);
  await field.fill(value);
  await field.press('Enter');
}

/** Clicks a node's title to select it. */
export async function selectNode(page: Page, id: string): Promise<void> {
  await page.getByTestId(`node-${id}`).locator('.ll-node__kind').click();
}

/**
 * Dispatches a file drop on the window, as the browser does for a file dragged in from the desktop: text as a
 * JSON file (a project), bytes as a binary one (an ONNX model).
 */
export async function dropFile(page: Page, name: string, contents: string | Uint8Array): Promise<void> {
  const file =
    typeof contents === 'string'
      ? `new File([${JSON.stringify(contents)}], ${JSON.stringify(name)}, { type: 'application/json' })`
      : `new File([Uint8Array.from(atob(${JSON.stringify(Buffer.from(contents).toString('base64'))}), (c) => c.charCodeAt(0))], ${JSON.stringify(name)}, { type: 'application/octet-stream' })`;
  await page.evaluate(`(() => {
    const data = new DataTransfer();
    data.items.add(${file});
    const app = document.querySelector('[data-testid="app"]');
    for (const type of ['dragenter', 'dragover', 'drop'])
      app.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
  })()`);
}

/** Opens a project as a user does by dropping its file on the window, and waits until it is the open one. */
export async function openProject(page: Page, name: string, text: string): Promise<void> {
  await dropFile(page, name, text);
  await expect.poll(() => page.getByTestId('file-name').textContent()).toBe(name);
}
