/** Pause, resume and stop for a training loop that checks them between steps. */
export class RunControl {
  protected paused: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  protected stopRequested = false;

  /** Holds the loop before its next step until `unpause` (or `stop`). */
  pause(): void {
    if (!this.paused) this.paused = new Promise((r) => (this.resume = r));
  }

  unpause(): void {
    this.resume?.();
    this.paused = null;
    this.resume = null;
  }

  /** Ends the run before its next step; the weights of the last step are kept. */
  stop(): void {
    this.stopRequested = true;
    this.unpause();
  }
}
