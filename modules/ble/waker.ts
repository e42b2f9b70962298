/**
 * An interruptible sleep on a {@link Clock}: `sleep(ms)` ends after `ms` or at `wake()`, whichever
 * comes first; a `wake()` while nobody sleeps makes the next sleep return at once, so a wake-up
 * that races a check is never lost. `ms` may be Infinity (sleep until woken).
 */
import type { Clock } from '../../hub-core/core/api.js';

/** A sleep that `wake()` cuts short; a wake before the sleep makes the next sleep return at once. */
export class Waker {
  private pending = false;
  private cut: (() => void) | undefined;

  wake(): void {
    this.pending = true;
    this.cut?.();
  }

  sleep(clock: Clock, ms: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? clock.setTimeout(() => this.end(resolve), Math.max(0, ms)) : undefined;
      this.cut = () => {
        timer?.cancel();
        this.end(resolve);
      };
    });
  }

  private end(resolve: () => void): void {
    this.cut = undefined;
    this.pending = false;
    resolve();
  }
}
