/**
 * Token buckets for per-identity rate limits (telemetry). Buckets refill continuously from the
 * clock, so there is no timer per identity; idle buckets are dropped once full again.
 */
import type { Clock } from './api.js';

/** One token bucket: `ratePerSecond` tokens per second, holding at most `burst` tokens. */
export class TokenBucket {
  private tokens: number;
  private updatedMs: number;

  /**
   * @param ratePerSecond refill rate, tokens per second (> 0).
   * @param burst capacity, tokens; the bucket starts full.
   */
  constructor(
    private readonly clock: Clock,
    readonly ratePerSecond: number,
    readonly burst: number,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new RangeError('TokenBucket: rate must be > 0 and burst >= 1');
    this.tokens = burst;
    this.updatedMs = clock.now();
  }

  /** Takes `n` tokens (default 1) when available; false when the caller is over its rate. */
  tryTake(n = 1): boolean {
    this.refill();
    if (this.tokens < n) return false;
    this.tokens -= n;
    return true;
  }

  /** True when the bucket is full (nothing to remember about this caller). */
  isFull(): boolean {
    this.refill();
    return this.tokens >= this.burst;
  }

  private refill(): void {
    const now = this.clock.now();
    const elapsedMs = now - this.updatedMs;
    if (elapsedMs > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsedMs * this.ratePerSecond) / 1000);
      this.updatedMs = now;
    }
  }
}

/**
 * A token bucket per key (identity). `ratePerSecond` 0 disables limiting. The burst is two seconds
 * worth of tokens, as HubLimits.telemetryPerSecond documents.
 */
export class KeyedThrottle {
  private readonly buckets = new Map<string, TokenBucket>();
  private takesSincePrune = 0;

  constructor(
    private readonly clock: Clock,
    private readonly ratePerSecond: number,
  ) {}

  /** True when `key` may proceed now (always true when unlimited). */
  tryTake(key: string): boolean {
    if (this.ratePerSecond <= 0) return true;
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.clock, this.ratePerSecond, Math.max(1, 2 * this.ratePerSecond));
      this.buckets.set(key, bucket);
    }
    // Bounded memory: now and then forget callers whose bucket has refilled completely.
    if (++this.takesSincePrune >= 10_000) this.prune();
    return bucket.tryTake();
  }

  /** Number of buckets held (tests, stats). */
  size(): number {
    return this.buckets.size;
  }

  private prune(): void {
    this.takesSincePrune = 0;
    for (const [key, bucket] of this.buckets) if (bucket.isFull()) this.buckets.delete(key);
  }
}
