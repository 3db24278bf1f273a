/**
 * The native training process, as main manages it: forked lazily (Electron's utilityProcess) when a window
 * first asks for native training, one process for all windows, each window with its own MessageChannelMain
 * to it (one port to the process, the other to the window's renderer, so training messages never pass
 * through main). When the process dies the windows that were connected are told in one line, and the next
 * request forks a new one; a process that keeps dying is not restarted for a minute. On quit it is killed.
 *
 * Electron-free (main.ts supplies fork, channel and delivery), so the logic is tested in Node.
 */

/** A forked utility process, as far as main uses it (Electron's UtilityProcess). */
export interface TrainingChild {
  postMessage(message: unknown, transfer?: unknown[]): void;
  kill(): boolean;
  on(event: 'exit', listener: (code: number) => void): unknown;
}

export interface TrainingProcessDeps<Port> {
  /** Forks the training process (utilityProcess.fork of dist/electron/training-utility.cjs). */
  fork(): TrainingChild;
  /** A new MessageChannelMain. */
  channel(): { port1: Port; port2: Port };
  /** Hands `port` to the window's renderer with the nonce it asked with; false when the window is gone. */
  deliver(windowId: number, nonce: string, port: Port): boolean;
  /** Tells a window its training process is gone (one line for the panel). */
  notifyGone(windowId: number, message: string): void;
  /** The clock, in milliseconds (tests pass their own). */
  now?(): number;
}

/** A connect request refused; its message goes back to the renderer. */
export class TrainingProcessError extends Error {}

/** Deaths within CRASH_WINDOW_MS after which the process is not restarted until the window passes. */
export const CRASH_LIMIT = 3;
export const CRASH_WINDOW_MS = 60_000;

/** The message a window gets when the process exits unexpectedly. */
export function goneMessage(code: number): string {
  return `The native training process stopped unexpectedly (exit code ${code}); the run ended there. Start again to train in a new process.`;
}

export class TrainingProcess<Port> {
  private child: TrainingChild | null = null;
  /** Windows holding a port to the current child. */
  private readonly connected = new Set<number>();
  private readonly deaths: number[] = [];
  private disposed = false;
  private forks = 0;

  constructor(private readonly deps: TrainingProcessDeps<Port>) {}

  /** How many times the process was forked (for tests and the GPU status dialog). */
  get forkCount(): number {
    return this.forks;
  }

  get running(): boolean {
    return this.child !== null;
  }

  /** Gives the window a fresh port to the training process, forking it first if none runs. */
  connect(windowId: number, nonce: string): void {
    if (this.disposed) throw new TrainingProcessError('Layerloom is quitting; native training is no longer available.');
    const now = this.deps.now?.() ?? Date.now();
    while (this.deaths.length > 0 && now - this.deaths[0]! > CRASH_WINDOW_MS) this.deaths.shift();
    if (!this.child && this.deaths.length >= CRASH_LIMIT)
      throw new TrainingProcessError(
        `The native training process stopped ${this.deaths.length} times within a minute, so it is not restarted now; train on the GPU or try again in a minute.`,
      );
    const child = this.child ?? this.start();
    const { port1, port2 } = this.deps.channel();
    child.postMessage({ type: 'connect' }, [port1]);
    if (this.deps.deliver(windowId, nonce, port2)) this.connected.add(windowId);
  }

  /** The window closed: it no longer hears about the process (its port closed with it). */
  windowClosed(windowId: number): void {
    this.connected.delete(windowId);
  }

  /** Kills the process (the app quits); later exits tell nobody. */
  dispose(): void {
    this.disposed = true;
    const child = this.child;
    this.child = null;
    this.connected.clear();
    child?.kill();
  }

  private start(): TrainingChild {
    let child: TrainingChild;
    try {
      child = this.deps.fork();
    } catch (error) {
      throw new TrainingProcessError(`The native training process could not be started: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
    this.forks++;
    this.child = child;
    child.on('exit', (code) => this.exited(child, code));
    return child;
  }

  private exited(child: TrainingChild, code: number): void {
    if (this.child !== child) return;
    this.child = null;
    if (this.disposed) return;
    this.deaths.push(this.deps.now?.() ?? Date.now());
    const windows = [...this.connected];
    this.connected.clear();
    const message = goneMessage(code);
    for (const id of windows) this.deps.notifyGone(id, message);
  }
}
