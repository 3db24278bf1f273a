/** Entry point: picks the host (Electron's preload exposes one as `window.host`; otherwise the browser's) and renders the app. */
import '@xyflow/react/dist/style.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { z } from 'zod';
import { App } from './app/App';
import { createBrowserHost } from './host/browser-host';
import type { Host } from './host/host';
import './styles/app.css';

declare global {
  interface Window {
    /** Set by electron/preload.ts through contextBridge. */
    readonly host?: Host;
  }
}

// The page's CSP forbids eval, so graph-core's document schema must not try to compile validators.
z.config({ jitless: true });

const host: Host = window.host ?? createBrowserHost();
const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');

createRoot(root).render(
  <StrictMode>
    <App host={host} />
  </StrictMode>,
);
