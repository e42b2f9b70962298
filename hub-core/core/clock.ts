/**
 * Clocks the core reads: {@link systemClock} in production and {@link FakeClock} in tests, so no
 * unit test waits on real time.
 */
import type { Clock } from './api.js';

/** Node's timers take at most a signed 32-bit delay; longer ones fire at once, so we chain them. */
const MAX_TIMER_MS = 2_147_483_647;

/** A timer handle; `cancel()` is idempotent. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * The real clock. Timers are unref'd (they never keep the process alive: the hub is kept alive by
 * its sockets) and delays longer than ~24.8 days are chained instead of overflowing.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn: () => void, ms: number): TimerHandle {
    let timer: NodeJS.Timeout | undefined;
    const due = Date.now() + Math.max(0, ms);
    const arm = (): void => {
      const left = due - Date.now();
      timer = setTimeout(left > MAX_TIMER_MS ? arm : fn, Math.min(Math.max(0, left), MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    return {
      cancel: () => {
        if (timer !== undefined) clearTimeout(timer);
        timer = undefined;
      },
    };
  },
};

interface FakeTimer {
  due: number;
  order: number;
  fn: () => void;
  cancelled: boolean;
}

/**
 * A manual clock for tests. Time moves only through {@link FakeClock.advance}, which fires due
 * timers in due-time order (ties in creation order) with `now()` set to each timer's due time.
 */
export class FakeClock implements Clock {
  private current: number;
  private order = 0;
  private timers: FakeTimer[] = [];

  /** @param startMs initial time, ms since the epoch. Default 2024-01-01T00:00:00Z. */
  constructor(startMs = Date.UTC(2024, 0, 1)) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const timer: FakeTimer = { due: this.current + Math.max(0, ms), order: this.order++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Timers armed and not yet fired or cancelled. */
  pendingTimers(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way (including timers those timers
   * arm, if due in the window). Between timers it yields to the microtask queue so async work a
   * timer starts (store writes in MemoryStore) can settle; await it.
   */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      await flushMicrotasks();
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: FakeTimer | undefined;
      for (const t of this.timers) {
        if (t.due <= target && (next === undefined || t.due < next.due || (t.due === next.due && t.order < next.order))) next = t;
      }
      if (next === undefined) break;
      this.current = Math.max(this.current, next.due);
      next.cancelled = true;
      next.fn();
    }
    this.current = target;
    await flushMicrotasks();
  }
}

/** Lets pending promise chains run: a few macrotask turns cover store writes and their callbacks. */
export async function flushMicrotasks(turns = 5): Promise<void> {
  for (let i = 0; i < turns; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
