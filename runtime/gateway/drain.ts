/**
 * The outbox drain: moves messages from the persisted outbox to the upstream link, identity by
 * identity in order, and removes each only after the upstream settled it. It runs when the outbox
 * says an identity has messages and when the link says an identity came online (the backlog starts
 * at once on reconnect: no polling interval). A bounded number of messages is in flight. The
 * drain's own synchronous work (starting leases, handing messages to the link, which encodes and
 * writes them, and settling) is timed; over each window it may take at most `share` of the
 * elapsed time, else the next round waits: live traffic (devices sending to the local hub, twins,
 * methods) keeps the rest of the event loop while a large backlog drains.
 *
 * Outcomes: accepted -> ack (removed); retryable error -> released to the head of the identity's
 * queue and retried when the identity is online again; FH_UPSTREAM_REJECTED -> dead letter.
 */
import { identityKey } from '../../hub-core/core/ids.js';
import type { Logger } from '../../hub-core/log.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import { isRuntimeError } from '../errors.js';
import type { UpstreamLink } from '../upstream/link.js';
import type { Outbox, OutboxEntry } from '../upstream/outbox.js';

export interface DrainOptions {
  outbox: Outbox;
  link: UpstreamLink;
  logger: Logger;
  /** Messages in flight upstream at once (all identities). */
  maxInFlight: number;
  /** Share of the event loop the drain may use, 0.05 to 1. */
  share: number;
  /** Messages leased per identity per round. Default 64. */
  perIdentity?: number;
  /** A monotonic ms clock for the share accounting (tests). Default performance.now. */
  now?: () => number;
}

export interface DrainStats {
  sent: number;
  acked: number;
  released: number;
  deadLettered: number;
  inFlight: number;
  /** When the first message after the last reconnect was acknowledged, ms after that reconnect. */
  lastReconnectToFirstAckMs?: number;
  /** The drain's own synchronous work, ms, since start. */
  busyMs: number;
  /** Rounds held back because the drain had used its share of the window. */
  pauses: number;
  /** The longest single piece of drain work, ms (a window may overrun its share by about this much). */
  maxSliceMs: number;
}

/** Busy slice of one round, ms. */
const SLICE_MS = 10;
/** The drain's share is measured over windows of this length, ms. */
const WINDOW_MS = 500;


export class Drain {
  private readonly ready = new Map<string, IdentityRef>();
  /** Identities with a lease in flight: one lease per identity at a time keeps the order. */
  private readonly busy = new Set<string>();
  /** Woken while busy: drained again as soon as the lease in flight settles. */
  private readonly wokenWhileBusy = new Set<string>();
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stats: DrainStats = { sent: 0, acked: 0, released: 0, deadLettered: 0, inFlight: 0, busyMs: 0, pauses: 0, maxSliceMs: 0 };
  private windowStart: number;
  private readonly now: () => number;
  private windowBusy = 0;
  private reconnectAt: number | undefined;
  private readonly unsubscribe: () => void;
  private readonly perIdentity: number;

  constructor(private readonly options: DrainOptions) {
    this.now = options.now ?? (() => performance.now());
    this.windowStart = this.now();
    this.perIdentity = options.perIdentity ?? 64;
    this.unsubscribe = options.outbox.onAvailable((ref) => this.wake(ref));
  }

  /** Starts with every identity that has a backlog. */
  start(): void {
    for (const ref of this.options.outbox.identities()) this.ready.set(identityKey(ref), ref);
    this.schedule();
  }

  /** The identity came online (link) or got messages (outbox): drain it. */
  wake(ref: IdentityRef): void {
    if (this.closed) return;
    this.ready.set(identityKey(ref), ref);
    this.schedule();
  }

  /** The link reconnected: the delay to the first acknowledgement is measured from here. */
  markReconnect(): void {
    this.reconnectAt = Date.now();
  }

  status(): DrainStats {
    return { ...this.stats, inFlight: this.inFlight };
  }

  close(): void {
    this.closed = true;
    this.unsubscribe();
    if (this.scheduled !== undefined) {
      clearTimeout(this.scheduled as NodeJS.Timeout);
      clearImmediate(this.scheduled as NodeJS.Immediate);
    }
    this.scheduled = undefined;
  }

  private schedule(delayMs = 0): void {
    if (this.closed || this.scheduled !== undefined) return;
    this.scheduled = delayMs > 0
      ? setTimeout(() => { this.scheduled = undefined; this.round(); }, delayMs)
      : setImmediate(() => { this.scheduled = undefined; this.round(); });
  }

  /** Counts the drain's own synchronous work against its share. */
  private charge(sinceMs: number): void {
    const ms = this.now() - sinceMs;
    this.windowBusy += ms;
    this.stats.busyMs += ms;
    if (ms > this.stats.maxSliceMs) this.stats.maxSliceMs = ms;
  }

  /** Ms to wait before the drain may work again, 0 when it is within its share of the window. */
  private overBudgetMs(): number {
    const share = Math.min(1, Math.max(0.05, this.options.share));
    if (share >= 1) return 0;
    const now = this.now();
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.windowBusy = 0;
      return 0;
    }
    const elapsed = Math.max(now - this.windowStart, SLICE_MS);
    return this.windowBusy <= share * elapsed ? 0 : Math.ceil(this.windowBusy / share - elapsed);
  }

  /** Resolves once the drain is within its share again (each waiter re-checks: no burst on wake-up). */
  private async waitForBudget(): Promise<void> {
    for (let wait = this.overBudgetMs(); wait > 0 && !this.closed; wait = this.overBudgetMs()) {
      this.stats.pauses += 1;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** One round: start leases for ready identities until the slice or the window is used up. */
  private round(): void {
    if (this.closed) return;
    const wait = this.overBudgetMs();
    if (wait > 0) {
      this.stats.pauses += 1;
      this.schedule(wait);
      return;
    }
    const started = this.now();
    for (const [k, ref] of this.ready) {
      if (this.inFlight >= this.options.maxInFlight) break;
      if (this.now() - started > SLICE_MS) break;
      this.ready.delete(k);
      if (this.busy.has(k)) {
        this.wokenWhileBusy.add(k);
        continue;
      }
      // Offline: the link's onIdentityOnline wakes it again.
      if (!this.options.link.isOnline(ref)) continue;
      this.busy.add(k);
      void this.drainIdentity(k, ref);
    }
    this.charge(started);
    if (this.ready.size > 0 && this.inFlight < this.options.maxInFlight) this.schedule();
  }

  private async drainIdentity(k: string, ref: IdentityRef): Promise<void> {
    const { outbox, link, logger } = this.options;
    let more = false;
    // The window is taken before the lease's await, so identities started in the same round share
    // it, and given back only once the outcomes are settled in the outbox: at any moment at most
    // maxInFlight records are leased and not yet acked, released or dead-lettered (which also
    // bounds the duplicates a crash can cause).
    const room = Math.max(1, Math.min(this.perIdentity, this.options.maxInFlight - this.inFlight));
    let held = room;
    this.inFlight += held;
    try {
      const entries = await outbox.lease(ref, room);
      this.inFlight -= held - entries.length;
      held = entries.length;
      if (entries.length === 0) return;
      more = entries.length === room;
      this.stats.sent += entries.length;
      // Within the drain's share: wait while it has used its part of the window.
      await this.waitForBudget();
      // Sent in order on one identity: the link puts them on the wire in call order.
      const handedAt = this.now();
      const sends = entries.map((e) => link.sendTelemetry(ref, e.message));
      this.charge(handedAt);
      const outcomes = await Promise.allSettled(sends);
      const settledAt = this.now();
      const settling = this.settle(ref, entries, outcomes);
      this.charge(settledAt);
      more = (await settling) && more;
    } catch (err) {
      logger.warn({ event: 'drainFailed', deviceId: ref.deviceId, moduleId: ref.moduleId, err }, 'outbox drain failed for an identity');
      more = false;
    } finally {
      this.inFlight -= held;
      this.busy.delete(k);
      // Messages that arrived during the lease woke it while busy: go again for them.
      if (this.wokenWhileBusy.delete(k)) more = true;
      if (more) this.wake(ref);
      else if (this.inFlight < this.options.maxInFlight && this.ready.size > 0) this.schedule();
    }
  }

  /** Acks the accepted, dead-letters the refused, releases the rest; true when all went through. */
  private async settle(ref: IdentityRef, entries: OutboxEntry[], outcomes: PromiseSettledResult<void>[]): Promise<boolean> {
    const acked: number[] = [];
    const dead: number[] = [];
    const released: number[] = [];
    let reason = '';
    outcomes.forEach((o, i) => {
      const id = entries[i]!.id;
      if (o.status === 'fulfilled') acked.push(id);
      else if (isRuntimeError(o.reason, 'FH_UPSTREAM_REJECTED')) {
        dead.push(id);
        reason = (o.reason as Error).message;
      } else released.push(id);
    });
    if (acked.length > 0) {
      await this.options.outbox.ack(acked);
      this.stats.acked += acked.length;
      if (this.reconnectAt !== undefined) {
        this.stats.lastReconnectToFirstAckMs = Date.now() - this.reconnectAt;
        this.reconnectAt = undefined;
      }
    }
    if (dead.length > 0) {
      await this.options.outbox.deadLetter(dead, reason);
      this.stats.deadLettered += dead.length;
      this.options.logger.warn({ event: 'upstreamRejected', code: 'FH_UPSTREAM_REJECTED', deviceId: ref.deviceId, moduleId: ref.moduleId, count: dead.length, reason },
        'the upstream refused messages for good; moved to the outbox dead letters');
    }
    if (released.length > 0) {
      this.options.outbox.release(released);
      this.stats.released += released.length;
      // Retried when the link says the identity is online again (or at once if it still is).
      if (this.options.link.isOnline(ref)) setTimeout(() => this.wake(ref), 1000).unref();
      return false;
    }
    return true;
  }
}
