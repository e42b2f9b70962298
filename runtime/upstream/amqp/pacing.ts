/**
 * Pacing for the AMQP upstream link: capped exponential backoff with full jitter (the
 * connection and each identity have their own), and the gate that attaches identities at a
 * fixed rate after a (re)connect so a thousand identities do not reattach in one burst.
 */

/** Uniform random in [0, 1). */
export type Random = () => number;

/**
 * Full jitter: a delay drawn uniformly from [0, min(maxMs, minMs * 2^attempt)). The first retry
 * may come at once (a hub that restarted is back quickly), later ones spread ever wider so many
 * gateways that lost the same hub do not return in lockstep.
 */
export class FullJitterBackoff {
  private attempt = 0;

  constructor(private readonly minMs: number, private readonly maxMs: number, private readonly random: Random = Math.random) {
    if (!(minMs > 0) || !(maxMs >= minMs)) throw new RangeError(`backoff needs 0 < minMs <= maxMs (got ${minMs}, ${maxMs})`);
  }

  /** The delay before the next attempt; counts one more failure. */
  next(): number {
    const ceiling = Math.min(this.maxMs, this.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt++;
    return Math.floor(this.random() * ceiling);
  }

  /** Failures counted since the last reset. */
  get failures(): number {
    return this.attempt;
  }

  reset(): void {
    this.attempt = 0;
  }
}

/** Timers, injectable so a unit test drives time itself. */
export interface GateTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: GateTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/**
 * Starts queued jobs at `perSecond` (token bucket, burst of a tenth of a second's worth) with
 * at most `maxActive` running at once. A timer runs only while jobs wait for a token; an idle
 * gate holds no timer. Jobs are keyed: enqueueing a key already waiting does nothing.
 */
export class RateGate<K> {
  private readonly waiting = new Map<K, () => Promise<void>>();
  private tokens: number;
  private readonly burst: number;
  private last: number;
  private active = 0;
  private timer: unknown;
  private closed = false;

  constructor(private readonly perSecond: number, private readonly maxActive: number, private readonly timers: GateTimers = realTimers) {
    if (!(perSecond > 0) || !(maxActive >= 1)) throw new RangeError('RateGate needs perSecond > 0 and maxActive >= 1');
    this.burst = Math.max(1, Math.round(perSecond / 10));
    this.tokens = this.burst;
    this.last = timers.now();
  }

  /** Queues `job` under `key` (ignored when that key already waits). */
  enqueue(key: K, job: () => Promise<void>): void {
    if (this.closed || this.waiting.has(key)) return;
    this.waiting.set(key, job);
    this.pump();
  }

  /** Drops a waiting job (not one already started). */
  cancel(key: K): void {
    this.waiting.delete(key);
  }

  /** Drops every waiting job; running jobs finish on their own. */
  clear(): void {
    this.waiting.clear();
    this.stopTimer();
  }

  /** Jobs waiting for a token. */
  get size(): number {
    return this.waiting.size;
  }

  close(): void {
    this.closed = true;
    this.clear();
  }

  private refill(): void {
    const now = this.timers.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.perSecond) / 1000);
    this.last = now;
  }

  private pump(): void {
    if (this.closed) return;
    this.refill();
    while (this.waiting.size > 0 && this.tokens >= 1 && this.active < this.maxActive) {
      const [key, job] = this.waiting.entries().next().value as [K, () => Promise<void>];
      this.waiting.delete(key);
      this.tokens -= 1;
      this.active++;
      void job().catch(() => undefined).finally(() => {
        this.active--;
        this.pump();
      });
    }
    // Blocked on a token: wake when the next one is due. Blocked on maxActive: a job's end pumps.
    if (this.waiting.size > 0 && this.tokens < 1 && this.timer === undefined) {
      const wait = Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
      this.timer = this.timers.setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }
}
