/**
 * Fire-and-forget work the core starts on its own (C2D pumps, retention sweeps, re-queues on
 * disconnect). It is tracked so close() can wait for it before the caller closes the store, and
 * its failures are counted instead of becoming unhandled rejections: the core has no logger
 * (it imports only node built-ins, the store and the errors), so the host reads these counters.
 */

/** Tracks background promises; failures are counted and the last one kept. */
export class Background {
  private readonly pending = new Set<Promise<unknown>>();
  /** Background tasks that failed since start. */
  failures = 0;
  /** The most recent failure, for diagnostics. */
  lastError: unknown = undefined;

  /**
   * Runs `task` in the background. The task starts synchronously (so work it queues, such as a
   * lock request, is ordered before anything the caller does next).
   */
  run(task: () => Promise<unknown>): void {
    let started: Promise<unknown>;
    try {
      started = task();
    } catch (err) {
      started = Promise.reject(err);
    }
    const p: Promise<unknown> = started
      .catch((err: unknown) => {
        this.failures++;
        this.lastError = err;
      })
      .finally(() => this.pending.delete(p));
    this.pending.add(p);
  }

  /** Resolves once every task started so far (and any they start) has settled. */
  async drain(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  /** Tasks in flight. */
  size(): number {
    return this.pending.size;
  }
}
