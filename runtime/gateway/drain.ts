/**
 * The outbox drain: moves messages from the persisted outbox to the upstream link, identity by
 * identity in order, and removes each only after the upstream settled it. It runs when the outbox
 * says an identity has messages and when the link says an identity came online (the backlog starts
 * at once on reconnect: no polling interval). A bounded number of messages is in flight; the
 * drain takes at most `share` of the event loop so live traffic (devices sending to the local hub,
 * twins, methods) keeps its turn while a large backlog drains.
 *
 * Outcomes: accepted -> ack (removed); retryable error -> released to the head of the identity's
 * queue and retried when the identity is online again; FH_UPSTREAM_REJECTED -> dead letter.
 */
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
}

export interface DrainStats {
  sent: number;
  acked: number;
  released: number;
  deadLettered: number;
  inFlight: number;
  /** When the first message after the last reconnect was acknowledged, ms after that reconnect. */
  lastReconnectToFirstAckMs?: number;
}

/** Busy slice of one round, ms; the pause after it follows from the share. */
const SLICE_MS = 10;

const key = (ref: IdentityRef): string => (ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`);

export class Drain {
  private readonly ready = new Map<string, IdentityRef>();
  /** Identities with a lease in flight: one lease per identity at a time keeps the order. */
  private readonly busy = new Set<string>();
  /** Woken while busy: drained again as soon as the lease in flight settles. */
  private readonly wokenWhileBusy = new Set<string>();
  private inFlight = 0;
  private scheduled: NodeJS.Immediate | NodeJS.Timeout | undefined;
  private closed = false;
  private readonly stats: DrainStats = { sent: 0, acked: 0, released: 0, deadLettered: 0, inFlight: 0 };
  private reconnectAt: number | undefined;
  private readonly unsubscribe: () => void;
  private readonly perIdentity: number;

  constructor(private readonly options: DrainOptions) {
    this.perIdentity = options.perIdentity ?? 64;
    this.unsubscribe = options.outbox.onAvailable((ref) => this.wake(ref));
  }

  /** Starts with every identity that has a backlog. */
  start(): void {
    for (const ref of this.options.outbox.identities()) this.ready.set(key(ref), ref);
    this.schedule();
  }

  /** The identity came online (link) or got messages (outbox): drain it. */
  wake(ref: IdentityRef): void {
    if (this.closed) return;
    this.ready.set(key(ref), ref);
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

  /** One round: start leases for ready identities until the slice or the window is used up. */
  private round(): void {
    if (this.closed) return;
    const started = performance.now();
    for (const [k, ref] of this.ready) {
      if (this.inFlight >= this.options.maxInFlight) break;
      if (performance.now() - started > SLICE_MS) break;
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
    if (this.ready.size > 0 && this.inFlight < this.options.maxInFlight) {
      // Pause in proportion to the work done, so the drain takes about `share` of the loop.
      const busyMs = performance.now() - started;
      const share = Math.min(1, Math.max(0.05, this.options.share));
      this.schedule(share >= 1 ? 0 : Math.ceil((busyMs * (1 - share)) / share));
    }
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
      // Sent in order on one identity: the link puts them on the wire in call order.
      const outcomes = await Promise.allSettled(entries.map((e) => link.sendTelemetry(ref, e.message)));
      more = (await this.settle(ref, entries, outcomes)) && more;
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
