/**
 * The security policy of the desktop app, as plain data and predicates (main.ts applies them; tests check
 * them): the renderer's web preferences, the Content-Security-Policy and isolation headers, which URLs count
 * as the app, what happens to navigation and new windows, which permissions a page gets, and the Chromium
 * switches for WebGPU.
 */
import { APP_HOST, APP_SCHEME } from './ipc-contract';

/**
 * The CSP measured to work with this stack (RUNTIME-NOTES.md): onnxruntime-web needs 'wasm-unsafe-eval',
 * Monaco needs inline styles, the training worker may be a blob: URL. Everything else is closed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self' 'unsafe-inline'",
  "worker-src 'self' blob:",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Headers on every app:// response. COOP + COEP make the page cross-origin isolated, which onnxruntime-web
 * needs for WASM threads (without it, it silently runs one thread).
 */
export const RESPONSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-cache',
};

/** True for URLs of the app itself: app://layerloom/… (no credentials, no port). */
export function isAppUrl(url: string | null | undefined): boolean {
  if (!url) return false;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && parsed.username === '' && parsed.password === '';
}

/**
 * In-page navigation: only within the app (e.g. a hash change or reloading index.html). Everything else,
 * including a file dropped on the window that the page did not handle (a file:// navigation), is denied.
 */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/**
 * window.open and target=_blank: never a new Electron window. An https link (documentation) opens in the
 * user's browser instead; anything else is simply denied.
 */
export function newWindowDecision(url: string): 'deny' | 'open-externally' {
  try {
    return new URL(url).protocol === 'https:' ? 'open-externally' : 'deny';
  } catch {
    return 'deny';
  }
}

/**
 * Permissions a page may have: the clipboard (copying and pasting nodes) and full screen, and only for
 * the app's own pages. Camera, microphone, geolocation, notifications, MIDI, HID, serial and the rest are denied.
 */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write', 'clipboard-read', 'fullscreen']);

export function allowPermission(permission: string, requestingUrl: string | null | undefined): boolean {
  return ALLOWED_PERMISSIONS.has(permission) && isAppUrl(requestingUrl);
}

/** The renderer's webPreferences: isolated, sandboxed, no Node, no webviews. */
export function secureWebPreferences(preload: string) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

/**
 * Chromium switches set before the app is ready. On Linux, WebGPU is still behind a flag and needs the
 * Vulkan backend (RUNTIME-NOTES.md); on macOS and Windows it is on by default.
 */
export function chromiumSwitches(platform: NodeJS.Platform): ReadonlyArray<readonly [string, string?]> {
  if (platform === 'linux') return [['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']];
  return [];
}
