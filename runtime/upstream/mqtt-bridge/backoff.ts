/**
 * Capped, jittered reconnect delays for the plain MQTT connections (bridge link and MQTT sink).
 * The delay doubles per failed attempt from `minMs` up to `maxMs`; each delay is drawn uniformly
 * from the upper half of that ceiling ("equal jitter"), so many gateways that lost the same broker
 * do not come back in lockstep, yet no delay is ever below half the ceiling. A successful connect
 * resets it. Pure: the random source is injectable for tests.
 */

export interface BackoffOptions {
  /** First delay ceiling after a drop (ms). */
  minMs: number;
  /** Largest delay ceiling (ms). */
  maxMs: number;
  /** Uniform random in [0, 1); Math.random by default. */
  random?: () => number;
}

export class Backoff {
  private attempt = 0;
  private readonly random: () => number;

  constructor(private readonly options: BackoffOptions) {
    if (!(options.minMs > 0) || !(options.maxMs >= options.minMs)) {
      throw new TypeError(`backoff needs 0 < minMs <= maxMs (got ${options.minMs}, ${options.maxMs})`);
    }
    this.random = options.random ?? Math.random;
  }

  /** The delay before the next attempt; each call counts one more failed attempt. */
  next(): number {
    // 2 ** 30 * minMs is beyond any sane cap; stop growing the exponent there.
    const ceiling = Math.min(this.options.maxMs, this.options.minMs * 2 ** Math.min(this.attempt, 30));
    this.attempt += 1;
    return Math.round(ceiling / 2 + this.random() * (ceiling / 2));
  }

  /** After a successful connect: the next drop starts again from `minMs`. */
  reset(): void {
    this.attempt = 0;
  }
}
