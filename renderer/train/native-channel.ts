/**
 * The training client's channel to the desktop app's native training process (onnxruntime-node in an
 * Electron utility process): a WorkerPort, like the browser's Web Worker, over the MessagePort the host hands
 * over. Messages posted before the port arrives wait for it. When the host refuses, the port does not come,
 * or the process dies, the channel closes with one line for the panel (`onclose`).
 */
import { NATIVE_TRAINING_PORT_MESSAGE, type NativeTraining } from '../host/host';
import type { WorkerPort } from './client';
import type { FromWorker } from './protocol';

/** A MessagePort, as far as the channel uses it. */
export interface PagePort {
  postMessage(message: unknown): void;
  close(): void;
  onmessage: ((event: { data: unknown }) => void) | null;
}

/** A 'message' event on the page's window, as far as the channel reads it. */
export interface PortEvent {
  readonly source: unknown;
  readonly data: unknown;
  readonly ports: readonly PagePort[];
}

/** The page's window, as far as the channel uses it. */
export interface PortWindow {
  addEventListener(type: 'message', listener: (event: PortEvent) => void): void;
  removeEventListener(type: 'message', listener: (event: PortEvent) => void): void;
}

/** How long the port may take to arrive (main forks the process first, which takes well under a second). */
export const PORT_TIMEOUT_MS = 30_000;

function nonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0]!.replace(/^Error invoking remote method '[^']*': (Error: )?/, '');

export function openNativeChannel(native: NativeTraining, win: PortWindow, timeoutMs = PORT_TIMEOUT_MS): WorkerPort {
  const id = nonce();
  let port: PagePort | null = null;
  let closed = false;
  const queue: unknown[] = [];

  const cleanup = () => {
    win.removeEventListener('message', onWindowMessage);
    clearTimeout(timer);
    unsubscribeGone();
  };
  const fail = (message: string) => {
    if (closed) return;
    closed = true;
    cleanup();
    port?.close();
    channel.onclose?.(message);
  };
  const onWindowMessage = (event: PortEvent) => {
    const data = event.data as { type?: unknown; nonce?: unknown } | null;
    if (event.source !== (win as unknown) || data?.type !== NATIVE_TRAINING_PORT_MESSAGE || data.nonce !== id) return;
    const p = event.ports[0];
    if (!p) return;
    win.removeEventListener('message', onWindowMessage);
    clearTimeout(timer);
    if (closed) {
      p.close();
      return;
    }
    port = p;
    p.onmessage = (e) => channel.onmessage?.({ data: e.data as FromWorker });
    for (const m of queue.splice(0)) {
      try {
        p.postMessage(m);
      } catch (e) {
        // A value that cannot be cloned: the request is dropped with one line, the channel stays.
        channel.onmessage?.({ data: { type: 'error', message: `The request could not be sent to the training process: ${firstLine(e)}` } });
      }
    }
  };

  const channel: WorkerPort = {
    onmessage: null,
    onclose: null,
    postMessage(msg) {
      if (closed) return;
      // The native process needs no onnxruntime-web files.
      if (msg.type === 'init') return;
      if (port) port.postMessage(msg);
      else queue.push(msg);
    },
    terminate() {
      if (closed) return;
      closed = true;
      cleanup();
      port?.close();
    },
  };

  win.addEventListener('message', onWindowMessage);
  const unsubscribeGone = native.onGone(fail);
  const timer = setTimeout(() => fail(`The native training process did not answer within ${Math.round(timeoutMs / 1000)} seconds.`), timeoutMs);
  native.requestPort(id).catch((e: unknown) => fail(firstLine(e)));
  return channel;
}
