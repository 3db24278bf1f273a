/** Pause, resume and stop for a training loop that checks them between steps. */
export class RunControl {
  protected paused: Promise<void> | null = null;
  private resume: (() => void) | null = null;
  protected stopRequested = false;
  private holding = false;
  private heldWaiters: (() => void)[] = [];

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

  /**
   * Resolves once the loop is holding at a pause (it has finished its last step and takes no other until
   * `unpause`), or at once when it already is. A pause requested mid-step takes hold after that step.
   */
  whenHeld(): Promise<void> {
    if (this.holding) return Promise.resolve();
    return new Promise((r) => this.heldWaiters.push(r));
  }

  /** Called by the loop between steps: waits while paused, telling `whenHeld` callers that it holds. */
  protected async hold(): Promise<void> {
    while (this.paused) {
      this.holding = true;
      for (const w of this.heldWaiters.splice(0)) w();
      await this.paused;
    }
    this.holding = false;
  }
}
