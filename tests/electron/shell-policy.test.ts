/**
 * The shell's policy modules: the app:// protocol (headers, path confinement), the security rules
 * (navigation, new windows, permissions, web preferences, WebGPU switches), the menus and their
 * accelerators, and the GPU status text.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MenuItemConstructorOptions } from 'electron';
import { createAppProtocolHandler, resolveAppPath } from '../../electron/app-protocol';
import { describeGpuStatus } from '../../electron/gpu-status';
import { MENU_COMMANDS, type MenuCommand } from '../../electron/ipc-contract';
import { buildMenuTemplate, menuAccelerators, PAGE_HANDLED_KEYS, type MenuActions } from '../../electron/menu';
import {
  allowNavigation,
  allowPermission,
  chromiumSwitches,
  CONTENT_SECURITY_POLICY,
  isAppUrl,
  newWindowDecision,
  secureWebPreferences,
} from '../../electron/security';

describe('app:// protocol', () => {
  let root: string;
  let handler: (request: Request) => Promise<Response>;
  beforeAll(() => {
    const base = mkdtempSync(join(tmpdir(), 'layerloom-protocol-'));
    root = join(base, 'web');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Layerloom</title>');
    writeFileSync(join(root, 'assets', 'ort.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d]));
    writeFileSync(join(root, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(root, '.env'), 'SECRET=1');
    writeFileSync(join(base, 'outside.txt'), 'outside');
    handler = createAppProtocolHandler(root);
  });
  afterAll(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('serves the renderer with the CSP and cross-origin isolation headers', async () => {
    const response = await handler(new Request('app://layerloom/'));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Layerloom</title>');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(response.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const wasm = await handler(new Request('app://layerloom/assets/ort.wasm'));
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(new Uint8Array(await wasm.arrayBuffer())).toEqual(new Uint8Array([0, 0x61, 0x73, 0x6d]));
    expect((await handler(new Request('app://layerloom/assets/app.js'))).headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('serves nothing outside the renderer folder, hidden files, other hosts or other methods', async () => {
    const statuses = async (url: string, method = 'GET') => (await handler(new Request(url, { method }))).status;
    // The URL parser already folds `..` and `%2e%2e` segments away, so these ask for /outside.txt in the folder.
    expect(await statuses('app://layerloom/../outside.txt')).toBe(404);
    expect(await statuses('app://layerloom/%2e%2e/outside.txt')).toBe(404);
    expect(await statuses('app://layerloom/assets/%2e%2e%2f%2e%2e%2foutside.txt')).toBe(403);
    expect(await statuses('app://layerloom/..%5coutside.txt')).toBe(403);
    expect(await statuses('app://layerloom/.env')).toBe(403);
    expect(await statuses('app://other/index.html')).toBe(403);
    expect(await statuses('app://layerloom/missing.js')).toBe(404);
    expect(await statuses('app://layerloom/assets')).toBe(404);
    expect(await statuses('app://layerloom/index.html', 'POST')).toBe(405);
    expect(resolveAppPath(root, 'app://layerloom/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
    expect(resolveAppPath(root, 'app://layerloom/a%00b')).toBeNull();
  });
});

describe('security policy', () => {
  it('recognises only the app origin', () => {
    expect(isAppUrl('app://layerloom/index.html')).toBe(true);
    for (const url of ['app://layerloom.evil/', 'app://evil/', 'https://layerloom/', 'file:///index.html', 'app://a:b@layerloom/', 'garbage', null])
      expect(isAppUrl(url), String(url)).toBe(false);
  });

  it('denies navigation away and new windows; https links go to the browser', () => {
    expect(allowNavigation('app://layerloom/index.html#x')).toBe(true);
    expect(allowNavigation('file:///home/u/dropped.layerloom')).toBe(false);
    expect(allowNavigation('https://example.com/')).toBe(false);
    expect(newWindowDecision('https://pytorch.org/docs')).toBe('open-externally');
    for (const url of ['http://example.com', 'file:///etc/passwd', 'app://layerloom/index.html', 'javascript:alert(1)', 'smb://host/share'])
      expect(newWindowDecision(url), url).toBe('deny');
  });

  it('grants only clipboard and full screen, and only to the app', () => {
    expect(allowPermission('clipboard-sanitized-write', 'app://layerloom/index.html')).toBe(true);
    expect(allowPermission('fullscreen', 'app://layerloom/index.html')).toBe(true);
    expect(allowPermission('clipboard-sanitized-write', 'https://evil.example/')).toBe(false);
    for (const p of ['media', 'geolocation', 'notifications', 'openExternal', 'hid', 'serial', 'usb'])
      expect(allowPermission(p, 'app://layerloom/index.html'), p).toBe(false);
  });

  it('isolates and sandboxes the renderer', () => {
    expect(secureWebPreferences('/p/preload.cjs')).toMatchObject({
      preload: '/p/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('has the CSP from RUNTIME-NOTES.md, closed everywhere else', () => {
    for (const directive of [
      "default-src 'self'",
      "script-src 'self' 'wasm-unsafe-eval'",
      "style-src 'self' 'unsafe-inline'",
      "worker-src 'self' blob:",
      "img-src 'self' data:",
      "font-src 'self' data:",
      "object-src 'none'",
      "frame-ancestors 'none'",
    ])
      expect(CONTENT_SECURITY_POLICY).toContain(directive);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/ 'unsafe-eval'|\*|http:/);
  });

  it('turns on WebGPU (Vulkan) on Linux only', () => {
    expect(chromiumSwitches('linux')).toEqual([['enable-unsafe-webgpu'], ['enable-features', 'Vulkan']]);
    expect(chromiumSwitches('darwin')).toEqual([]);
    expect(chromiumSwitches('win32')).toEqual([]);
  });
});

describe('menus', () => {
  const flatten = (items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] =>
    items.flatMap((i) => [i, ...(Array.isArray(i.submenu) ? flatten(i.submenu) : [])]);
  const record = () => {
    const sent: string[] = [];
    const actions: MenuActions = {
      command: (c) => void sent.push(c),
      newWindow: () => void sent.push('(new window)'),
      openRecent: (l) => void sent.push(`(recent ${l})`),
      clearRecent: () => void sent.push('(clear recent)'),
      showGpuStatus: () => void sent.push('(gpu)'),
      showAbout: () => void sent.push('(about)'),
    };
    return { sent, actions };
  };

  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    it(`has File, Edit, View, Model, Train, Help with every command once and no clashing accelerators (${platform})`, () => {
      const { sent, actions } = record();
      const template = buildMenuTemplate({ platform, appName: 'Layerloom', recent: [{ location: '/p/a&b.layerloom', name: 'a&b.layerloom' }], devTools: false }, actions);
      const labels = template.filter((m) => m.label).map((m) => m.label!.replace('&', ''));
      expect(labels).toEqual([...(platform === 'darwin' ? ['Layerloom'] : []), 'File', 'Edit', 'View', 'Model', 'Train', 'Help']);
      const items = flatten(template);
      const commandItems = items.filter((i) => i.id?.startsWith('command:'));
      expect(commandItems.map((i) => i.id!.slice('command:'.length)).sort()).toEqual([...MENU_COMMANDS].sort());
      const accelerators = items.map((i) => i.accelerator).filter((a): a is string => typeof a === 'string');
      expect(new Set(accelerators).size).toBe(accelerators.length);
      for (const item of commandItems) (item.click as () => void)();
      expect(sent).toEqual(commandItems.map((i) => i.id!.slice('command:'.length)));
      const recent = items.find((i) => i.id === 'recent:0')!;
      expect(recent.label).toBe('a&&b.layerloom');
      (recent.click as () => void)();
      expect(sent.at(-1)).toBe('(recent /p/a&b.layerloom)');
      expect(items.some((i) => i.role === 'toggleDevTools')).toBe(false);
    });
  }

  it('uses modifier keys, so typing in text fields is never swallowed', () => {
    const { actions } = record();
    for (const platform of ['linux', 'darwin'] as const) {
      const keys = menuAccelerators(platform);
      const items = flatten(buildMenuTemplate({ platform, appName: 'Layerloom', recent: [], devTools: false }, actions));
      for (const command of MENU_COMMANDS) {
        const key = keys[command as MenuCommand];
        if (command === 'help' || command === 'delete') continue;
        const item = items.find((i) => i.id === `command:${command}`)!;
        // The editor's single-key shortcuts are shown but left to the page, which ignores them while typing.
        if (PAGE_HANDLED_KEYS.has(command as MenuCommand)) expect([key, item.registerAccelerator], command).toEqual([expect.stringMatching(/^Shift\+[A-Z]$/), false]);
        else expect([key, item.registerAccelerator], command).toEqual([expect.stringMatching(/^(CmdOrCtrl|Cmd|Ctrl)\+/), undefined]);
      }
    }
    expect(menuAccelerators('darwin').delete).toBe('Cmd+Backspace');
    expect(menuAccelerators('linux').commandPalette).toBe('CmdOrCtrl+K');
  });

  it('offers developer tools only when asked, and an empty recent list says so', () => {
    const { actions } = record();
    const items = flatten(buildMenuTemplate({ platform: 'linux', appName: 'Layerloom', recent: [], devTools: true }, actions));
    expect(items.some((i) => i.role === 'toggleDevTools')).toBe(true);
    expect(items.find((i) => i.id === 'recent:none')).toMatchObject({ enabled: false });
    expect(items.find((i) => i.id === 'recent:clear')).toMatchObject({ enabled: false });
  });
});

describe('GPU status', () => {
  it('recognises SwiftShader and hardware GPUs', () => {
    const swiftshader = describeGpuStatus({ webgpu: 'enabled', webgl: 'enabled' }, { gpuDevice: [{ vendorId: 0x1ae0, deviceId: 0xc0de, active: true }] });
    expect(swiftshader.message).toMatch(/SwiftShader/);
    expect(swiftshader.detail).toContain('GPU: Google device 0xc0de (active)');
    const nvidia = describeGpuStatus(
      { webgpu: 'enabled', webgl: 'enabled' },
      { gpuDevice: [{ vendorId: 0x10de, deviceId: 0x2684, active: true, driverVendor: 'NVIDIA', driverVersion: '550.54' }] },
    );
    expect(nvidia.message).toBe('WebGPU is available for training on the GPU.');
    expect(nvidia.detail).toBe('WebGPU: on (hardware accelerated)\nWebGL: on (hardware accelerated)\nGPU: NVIDIA device 0x2684 (active), driver NVIDIA 550.54');
    const none = describeGpuStatus({ webgl: 'unavailable_off' }, null);
    expect(none.message).toMatch(/not available/);
    expect(none.detail).toContain('GPU: none reported');
  });
});
