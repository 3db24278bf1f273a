/**
 * The app:// protocol: serves the built renderer (dist/web) to the window with the CSP and the COOP/COEP
 * headers (security.ts). A standard, secure scheme gives the page a real origin (app://layerloom), a secure
 * context for WebGPU, and cross-origin isolation for onnxruntime-web's WASM threads, none of which file://
 * can. Only GET/HEAD of files inside the renderer folder are served; everything else is 403/404/405.
 * Plain Node (Request/Response are Node 20 globals); main.ts passes `handler` to protocol.handle.
 */
import { promises as fsp } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './ipc-contract';
import { RESPONSE_HEADERS } from './security';

export const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.txt': 'text/plain; charset=utf-8',
  '.onnx': 'application/octet-stream',
};

/** The privileges main registers for the scheme before the app is ready. */
export const APP_SCHEME_PRIVILEGES = {
  standard: true,
  secure: true,
  supportFetchAPI: true,
  stream: true,
  codeCache: true,
  corsEnabled: true,
} as const;

/**
 * Maps an app:// URL to a file under `root`, or null when it is not one (another host, a path that climbs
 * out of the folder, a hidden file). `/` is index.html.
 */
export function resolveAppPath(root: string, url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '' || path === '/') path = '/index.html';
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s.startsWith('.'))) return null;
  const base = normalize(root);
  const file = normalize(join(base, ...segments));
  return file.startsWith(base.endsWith(sep) ? base : base + sep) ? file : null;
}

function textResponse(status: number, text: string): Response {
  return new Response(text, { status, headers: { ...RESPONSE_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** A protocol handler serving the files under `root`. */
export function createAppProtocolHandler(root: string): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return textResponse(405, 'method not allowed');
    const file = resolveAppPath(root, request.url);
    if (!file) return textResponse(403, 'forbidden');
    let body: Buffer;
    try {
      const info = await fsp.stat(file);
      if (!info.isFile()) return textResponse(404, 'not found');
      body = await fsp.readFile(file);
    } catch {
      return textResponse(404, 'not found');
    }
    const headers = {
      ...RESPONSE_HEADERS,
      'Content-Type': MIME_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
    };
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
  };
}
