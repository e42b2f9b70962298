/**
 * The connection scheduler: at most `slots` sessions (connections) at once on the adapter, handed
 * out fairly. A device asks for service through its demand (from when, and whether it is urgent:
 * a write waits). Free slots go to eligible devices, urgent first, then the one whose last turn
 * started longest ago (round-robin; never served counts as oldest). While devices wait and no slot
 * is free, sessions that have been connected for `dwellMs` are asked to release, longest first,
 * one per waiter: with no more devices than slots nobody waits and connections are held. A session that
 * fails (or loses its connection) puts its device into capped, jittered exponential backoff; the
 * others keep their turns, since a session is bounded by its own timeouts. Time comes from a
 * {@link Clock}, so unit tests run it on a fake one.
 */
import type { Clock } from '../../hub-core/core/api.js';
import type { BleError } from './errors.js';

/** How a session ended. `connected`: it got as far as a connection (a later loss then counts as the first failure). */
export type SessionOutcome = { readonly kind: 'released' } | { readonly kind: 'failed'; readonly error: BleError; readonly connected: boolean };

/** A running session as the scheduler sees it. */
export interface ScheduledSession {
  readonly done: Promise<SessionOutcome>;
  /** Asks the session to end (its turn is over, or the module stops). */
  release(): void;
}

/** When a device wants a session: from `at` (ms, clock time); `urgent` goes first. */
export interface Demand {
  readonly at: number;
  readonly urgent: boolean;
}

export interface SchedulerOptions {
  readonly slots: number;
  readonly dwellMs: number;
  readonly backoff: { readonly minDelayMs: number; readonly maxDelayMs: number };
  readonly clock: Clock;
  /** 0 ≤ x < 1; default Math.random. Backoff delays are scaled by 0.8 + 0.2·random(). */
  readonly random?: () => number;
  /** Starts a session for device `id`. */
  serve(id: string): ScheduledSession;
  /** A session ended (status may have changed). */
  onSessionEnd?(id: string, outcome: SessionOutcome): void;
}

export type EntryState = 'idle' | 'waiting' | 'active' | 'backoff';

export interface EntryStatus {
  readonly state: EntryState;
  readonly sessions: number;
  readonly failures: number;
  readonly consecutiveFailures: number;
  /** Delay of the current backoff, ms. */
  readonly backoffMs?: number;
  /** When the backoff ends (clock ms). */
  readonly backoffUntil?: number;
}

interface Entry {
  readonly id: string;
  readonly order: number;
  readonly demand: () => Demand | undefined;
  lastServedAt: number;
  sessions: number;
  failures: number;
  consecutiveFailures: number;
  backoffMs: number;
  backoffUntil: number;
  /** `connectedAt`: the dwell counts from the connection, so a slow connect is not cut short. */
  active?: { session: ScheduledSession; startedAt: number; connectedAt?: number; released: boolean };
}

/** The backoff before attempt n+1 after n consecutive failures: min·2^(n−1), capped, jittered. */
export function backoffDelay(failures: number, min: number, max: number, random: number): number {
  const capped = Math.min(max, min * 2 ** Math.min(30, Math.max(0, failures - 1)));
  return Math.round(capped * (0.8 + 0.2 * random));
}

export class ConnectionScheduler {
  private readonly entries = new Map<string, Entry>();
  private timer: { cancel(): void } | undefined;
  private timerAt = Infinity;
  private paused = false;
  private stopped = false;
  private pumping = false;
  /** A decision was asked for while deciding (a session ended at once): decide again after. */
  private again = false;

  constructor(private readonly o: SchedulerOptions) {
    if (!(o.slots >= 1)) throw new RangeError('ConnectionScheduler: slots must be at least 1');
  }

  /** Adds a device; `demand` is asked each time the scheduler decides. */
  add(id: string, demand: () => Demand | undefined): void {
    if (this.entries.has(id)) throw new RangeError(`ConnectionScheduler: ${id} added twice`);
    this.entries.set(id, {
      id, order: this.entries.size, demand, lastServedAt: -Infinity, sessions: 0, failures: 0,
      consecutiveFailures: 0, backoffMs: 0, backoffUntil: 0,
    });
  }

  /** Something changed (a device bound, a write queued, a read fell due): decide again. */
  poke(): void {
    this.pump();
  }

  /** While paused (adapter down) no session starts; running ones end on their own failures. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    this.pump();
  }

  /** The device's session connected: its failure streak is over, its dwell starts. */
  markConnected(id: string): void {
    const e = this.entries.get(id);
    if (e?.active === undefined) return;
    e.consecutiveFailures = 0;
    e.active.connectedAt = this.o.clock.now();
    this.pump();
  }

  /** Sessions holding a slot now. */
  get activeCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.active !== undefined) n++;
    return n;
  }

  status(id: string): EntryStatus | undefined {
    const e = this.entries.get(id);
    if (e === undefined) return undefined;
    const now = this.o.clock.now();
    const inBackoff = e.active === undefined && e.backoffUntil > now;
    const at = this.eligibleAt(e);
    const state: EntryState = e.active !== undefined ? 'active' : inBackoff ? 'backoff' : at !== undefined && at <= now ? 'waiting' : 'idle';
    return {
      state, sessions: e.sessions, failures: e.failures, consecutiveFailures: e.consecutiveFailures,
      ...(inBackoff ? { backoffMs: e.backoffMs, backoffUntil: e.backoffUntil } : {}),
    };
  }

  /** Releases every session and waits for them; nothing starts afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    const running = [...this.entries.values()].flatMap((e) => (e.active !== undefined ? [e.active] : []));
    for (const a of running) a.session.release();
    await Promise.allSettled(running.map((a) => a.session.done));
  }

  /** When the entry may start a session (clock ms), or undefined when it wants none. */
  private eligibleAt(e: Entry): number | undefined {
    const d = e.demand();
    return d === undefined ? undefined : Math.max(d.at, e.backoffUntil);
  }

  private pump(): void {
    if (this.stopped) return;
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        this.decide();
      } while (this.again && !this.stopped);
    } finally {
      this.pumping = false;
    }
  }

  private decide(): void {
    const now = this.o.clock.now();
    let free = this.o.slots - this.activeCount;
    const waiting: { e: Entry; urgent: boolean }[] = [];
    let nextAt = Infinity;
    for (const e of this.entries.values()) {
      if (e.active !== undefined) continue;
      const d = e.demand();
      if (d === undefined) continue;
      const at = Math.max(d.at, e.backoffUntil);
      if (at <= now && !this.paused) waiting.push({ e, urgent: d.urgent });
      else if (!this.paused) nextAt = Math.min(nextAt, at);
    }
    waiting.sort((a, b) => Number(b.urgent) - Number(a.urgent) || a.e.lastServedAt - b.e.lastServedAt || a.e.order - b.e.order);
    while (free > 0 && waiting.length > 0) {
      this.start(waiting.shift()!.e, now);
      free--;
    }
    if (waiting.length > 0) nextAt = Math.min(nextAt, this.releaseForWaiters(waiting.length, now));
    this.arm(nextAt, now);
  }

  /**
   * Asks up to `waiters` connected sessions past their dwell to release, longest connected first;
   * returns when the next one's dwell ends. A session still connecting is left to its own timeout.
   */
  private releaseForWaiters(waiters: number, now: number): number {
    const running = [...this.entries.values()]
      .flatMap((e) => (e.active?.connectedAt !== undefined && !e.active.released ? [{ a: e.active, connectedAt: e.active.connectedAt }] : []))
      .sort((x, y) => x.connectedAt - y.connectedAt);
    let releasing = [...this.entries.values()].filter((e) => e.active?.released === true).length;
    let next = Infinity;
    for (const { a, connectedAt } of running) {
      if (releasing >= waiters) break;
      const dwellEnd = connectedAt + this.o.dwellMs;
      if (dwellEnd <= now) {
        a.released = true;
        releasing++;
        a.session.release();
      } else {
        next = Math.min(next, dwellEnd);
      }
    }
    return next;
  }

  private start(e: Entry, now: number): void {
    e.lastServedAt = now;
    e.sessions++;
    let session: ScheduledSession;
    try {
      session = this.o.serve(e.id);
    } catch (err) {
      // serve() itself should not throw; treat it as a failed session so the device backs off.
      this.ended(e, { kind: 'failed', error: err as BleError, connected: false });
      return;
    }
    e.active = { session, startedAt: now, released: false };
    session.done.then(
      (outcome) => this.ended(e, outcome),
      (err: unknown) => this.ended(e, { kind: 'failed', error: err as BleError, connected: false }),
    );
  }

  private ended(e: Entry, outcome: SessionOutcome): void {
    e.active = undefined;
    const now = this.o.clock.now();
    if (outcome.kind === 'released') {
      e.consecutiveFailures = 0;
      e.backoffUntil = 0;
      e.backoffMs = 0;
    } else {
      e.failures++;
      e.consecutiveFailures = outcome.connected ? 1 : e.consecutiveFailures + 1;
      e.backoffMs = backoffDelay(e.consecutiveFailures, this.o.backoff.minDelayMs, this.o.backoff.maxDelayMs, (this.o.random ?? Math.random)());
      e.backoffUntil = now + e.backoffMs;
    }
    this.o.onSessionEnd?.(e.id, outcome);
    this.pump();
  }

  private arm(at: number, now: number): void {
    if (at === this.timerAt && this.timer !== undefined) return;
    this.timer?.cancel();
    this.timer = undefined;
    this.timerAt = at;
    if (!Number.isFinite(at)) return;
    this.timer = this.o.clock.setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, at - now));
  }
}
