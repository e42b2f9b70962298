/**
 * The clock the serial module's timers run on: the real one in production, hub-core's FakeClock
 * (structurally the same) in unit tests, so framing timeouts and reopen backoff are tested
 * without waiting.
 */

/** A cancellable timer. `cancel()` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
}

/** Real time; timers are unref'd (the gateway's sockets keep the process alive, not a serial timer). */
export const realClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};
