/**
 * An idle deadline: fires when nothing arrived for `limitMs`. Used for the CONNECT timeout and
 * for keepalive, where the server disconnects after 1.5 × keepalive without a control packet
 * [MQTT-3.1.2-24]. Activity only records a timestamp; the timer is re-armed lazily when it fires,
 * so a busy connection costs no timer churn per packet.
 */

/** Anything with a monotonic-enough millisecond clock (tests pass a fake). */
export interface DeadlineClock {
  now(): number;
}

const systemClock: DeadlineClock = { now: () => Date.now() };

/** A lazily re-armed idle timer: one per connection. */
export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private last = 0;
  private limitMs = 0;

  /**
   * @param onExpire Called once when the deadline passes.
   * @param clock Time source; `Date.now` by default.
   */
  constructor(
    private readonly onExpire: () => void,
    private readonly clock: DeadlineClock = systemClock,
  ) {}

  /** Starts (or restarts) the deadline with a new limit, counting from now. 0 disables it. */
  arm(limitMs: number): void {
    this.cancel();
    this.limitMs = limitMs;
    this.last = this.clock.now();
    if (limitMs > 0) this.schedule(limitMs);
  }

  /** Records activity: the deadline moves to `now + limitMs`. */
  touch(): void {
    this.last = this.clock.now();
  }

  /** Stops the deadline for good (until armed again). */
  cancel(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(ms: number): void {
    this.timer = setTimeout(() => this.fire(), ms);
    // The server's own handles keep the process alive; an idle deadline must not.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    const idle = this.clock.now() - this.last;
    if (idle >= this.limitMs) this.onExpire();
    else this.schedule(this.limitMs - idle);
  }
}
