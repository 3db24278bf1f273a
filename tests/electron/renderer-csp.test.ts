/**
 * The real renderer build under the desktop shell's headers, in Debian's Chromium: every response comes from
 * the app:// protocol handler of electron/app-protocol.ts (bridged to http://127.0.0.1, since Chromium
 * cannot load a custom scheme without Electron), so the page gets exactly the shell's Content-Security-Policy
 * and COOP/COEP. The editor must start and work with no CSP violation and be cross-origin isolated.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler } from '../../electron/app-protocol';
import { APP_ORIGIN } from '../../electron/ipc-contract';
import { buildWebApp, CHROMIUM, CHROMIUM_ARGS, connect, dropLayer, setParam, watchErrors } from '../e2e/editor/harness';

/** Serves the app:// handler's responses over http on 127.0.0.1 (a secure context, like app://). */
async function serveThroughAppProtocol(root: string): Promise<{ server: Server; url: string }> {
  const handler = createAppProtocolHandler(root);
  const server = createServer((req, res) => {
    void (async () => {
      const response = await handler(new Request(`${APP_ORIGIN}${req.url ?? '/'}`, { method: req.method ?? 'GET' }));
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
}

describe('the renderer under the shell CSP and isolation headers', () => {
  let server: Server | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let url = '';

  beforeAll(async () => {
    ({ server, url } = await serveThroughAppProtocol(await buildWebApp()));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  it('starts, edits and autosaves within the CSP, cross-origin isolated', { timeout: 60_000 }, async () => {
    page = await browser!.newPage({ viewport: { width: 1400, height: 900 } });
    // Records CSP violations, and the source of every attempt to compile code from a string (the CSP blocks
    // them all; this tells a harmless feature probe from code that needs eval).
    await page.addInitScript(`
      window.cspViolations = [];
      document.addEventListener('securitypolicyviolation', (e) => window.cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
      window.evalAttempts = [];
      const RealFunction = Function;
      // Only the app's own code counts (Playwright evaluates its helpers through Function as well).
      const record = (args) => { if (/\\/assets\\//.test(new Error().stack)) window.evalAttempts.push(args.map(String).join(', ')); };
      window.Function = new Proxy(RealFunction, {
        construct: (target, args) => (record(args), Reflect.construct(target, args)),
        apply: (target, self, args) => (record(args), Reflect.apply(target, self, args)),
      });
      const realEval = window.eval;
      window.eval = (code) => (record([code]), realEval(code));
    `);
    const problems = watchErrors(page);
    const response = await page.goto(url);
    expect(response?.headers()['content-security-policy']).toContain("script-src 'self' 'wasm-unsafe-eval'");
    await page.getByTestId('canvas').waitFor();
    expect(await page.evaluate('crossOriginIsolated')).toBe(true);

    const canvas = (await page.getByTestId('canvas').boundingBox())!;
    await dropLayer(page, 'Input', { x: canvas.x + 250, y: canvas.y + 100 });
    await setParam(page, 'shape', '4');
    await dropLayer(page, 'Linear', { x: canvas.x + 250, y: canvas.y + 300 });
    await setParam(page, 'out_features', '3');
    await connect(page, 'input', 'linear');
    await expect.poll(() => page.getByTestId('summary-total-params').textContent()).toBe('15');
    await page.getByTestId('autosave-status').waitFor({ timeout: 10_000 });

    const violations = (await page.evaluate('window.cspViolations')) as string[];
    const evalAttempts = (await page.evaluate('window.evalAttempts')) as string[];
    // The only code compiled from strings may be zod's probe `new Function("")`, which checks whether eval
    // is allowed and, when the CSP says no, validates without it. Everything else must pass the CSP.
    expect(evalAttempts.filter((a) => a !== '')).toEqual([]);
    expect(violations.filter((v) => v !== 'script-src eval')).toEqual([]);
    // (Each blocked probe is reported once per policy: the shell's header and the page's own meta tag.)
    if (violations.length > 0) expect(evalAttempts.length).toBeGreaterThan(0);
    if (violations.length > 0)
      console.warn(
        `renderer-csp: zod's eval probe was blocked (${violations.length} CSP reports); z.config({ jitless: true }) in the renderer would stop zod from trying`,
      );
    expect(problems).toEqual([]);
  });
});
