/**
 * The outbox's in-memory index: the per-identity queues (outbox-queue.ts), which ids are leased,
 * the totals, and every rule that removes a record without an ack (expiry, dropOldest, corrupt).
 * Those removals update memory at once and write their deletes in the background: if such a
 * delete is lost in a crash, the same rule removes the record again after the restart.
 */
import type { Clock } from '../../hub-core/core/index.js';
import type { Logger } from '../../hub-core/log.js';
import type { BatchOp, Store } from '../../hub-core/store/index.js';
import type { DeadLetters } from './outbox-dead.js';
import { Episode } from './outbox-episode.js';
import type { HotRecords } from './outbox-hot.js';
import { IdentityQueue } from './outbox-queue.js';
import { parseIdentityKey, recordKey } from './outbox-record.js';
import type { SerialWriter } from './outbox-writer.js';

/** What the index works on; `queues` is shared with the outbox (recovered at open). */
export interface OutboxIndexDeps {
  queues: Map<string, IdentityQueue>;
  records: Store;
  dead: DeadLetters;
  writer: SerialWriter;
  /** Values of recent records kept for leases; a removed record leaves it too. */
  hot: HotRecords;
  logger: Logger;
  clock: Clock;
  ttlMs: number;
}

/** A leased record an ack or dead-letter call refers to. */
export interface LeaseTarget {
  q: IdentityQueue;
  id: number;
}

/** See the file comment. */
export class OutboxIndex {
  readonly #d: OutboxIndexDeps;
  /** Leased id -> its queue. */
  readonly #leases = new Map<number, IdentityQueue>();
  /** Released id -> how many times it was leased before (sparse: only ids ever released). */
  readonly #prior = new Map<number, number>();
  readonly #expiry: Episode;
  readonly totals = { messages: 0, bytes: 0 };
  readonly counters = { expired: 0, deadLettered: 0, corrupt: 0, duplicatesResent: 0 };

  constructor(deps: OutboxIndexDeps) {
    this.#d = deps;
    this.#expiry = new Episode(deps.logger, { ttlMs: deps.ttlMs }, 'outbox messages expired (older than ttlMs)', 'outbox expiry episode over');
  }

  get leasedCount(): number {
    return this.#leases.size;
  }

  /** Totals found by recovery. */
  restore(messages: number, bytes: number): void {
    this.totals.messages = messages;
    this.totals.bytes = bytes;
  }

  /** Adds a durable record; returns its queue. */
  add(ik: string, id: number, size: number, enqueuedAtMs: number): IdentityQueue {
    let q = this.#d.queues.get(ik);
    if (q === undefined) {
      q = new IdentityQueue(ik, parseIdentityKey(ik));
      this.#d.queues.set(ik, q);
    }
    q.push(id, size, enqueuedAtMs);
    this.totals.messages++;
    this.totals.bytes += size;
    return q;
  }

  /** Writes `ops` without anyone waiting; a failure is logged (the rule repeats after a restart). */
  background(ops: BatchOp[]): void {
    if (ops.length === 0) return;
    this.#d.writer.submit(ops).catch((err: unknown) => this.#d.logger.error({ err }, 'outbox background write failed'));
  }

  #expired(time: number, now: number): boolean {
    return now - time > this.#d.ttlMs;
  }

  /**
   * Removes every expired record not in flight from the front of each queue into `ops`.
   * A sweep (`sweep`) that finds none ends the expiry episode.
   */
  expire(now: number, ops: BatchOp[], sweep = false): void {
    let n = 0;
    for (const q of [...this.#d.queues.values()]) {
      let i = 0;
      while (i < q.length) {
        const id = q.idAt(i);
        if (q.leased.has(id)) {
          i++;
          continue;
        }
        if (!this.#expired(q.timeAt(i), now)) break;
        this.#forget(q, id, ops);
        n++;
      }
    }
    this.#countExpired(n);
    if (sweep && n === 0) this.#expiry.end(() => ({ expiredTotal: this.counters.expired }));
  }

  /** True when some queue's first record not in flight has expired (an append would free it). */
  hasExpired(now: number): boolean {
    for (const q of this.#d.queues.values()) {
      const i = q.firstFree();
      if (i >= 0 && this.#expired(q.timeAt(i), now)) return true;
    }
    return false;
  }

  /** Leases up to `limit` records of `q` in order; expired ones met on the way are removed. */
  pick(q: IdentityQueue, limit: number, now: number): number[] {
    const picked: number[] = [];
    const ops: BatchOp[] = [];
    let i = 0;
    while (i < q.length && picked.length < limit) {
      const id = q.idAt(i);
      if (q.leased.has(id)) {
        i++;
      } else if (this.#expired(q.timeAt(i), now)) {
        this.#forget(q, id, ops);
      } else {
        q.leased.add(id);
        this.#leases.set(id, q);
        picked.push(id);
        i++;
      }
    }
    this.#countExpired(ops.length);
    this.background(ops);
    return picked;
  }

  /** Times `id` was leased, counting the current lease. */
  attempts(id: number): number {
    return (this.#prior.get(id) ?? 0) + 1;
  }

  /** Takes `ids` of `q` out of flight; `counted` records the lease as an attempt (a release). */
  unlease(q: IdentityQueue, ids: readonly number[], counted: boolean): void {
    for (const id of ids) {
      if (this.#leases.get(id) !== q) continue;
      this.#leases.delete(id);
      q.leased.delete(id);
      if (counted) this.#prior.set(id, this.attempts(id));
    }
  }

  /** release(): the queues that got records back. */
  release(ids: readonly number[]): Set<IdentityQueue> {
    const touched = new Set<IdentityQueue>();
    for (const id of ids) {
      const q = this.#leases.get(id);
      if (q === undefined) continue;
      this.unlease(q, [id], true);
      if (this.#d.queues.get(q.ik) === q) touched.add(q);
    }
    return touched;
  }

  /** The leased ones among `ids`, each once; ids not in flight (dropped, already acked) are skipped. */
  leasedTargets(ids: readonly number[]): LeaseTarget[] {
    const out: LeaseTarget[] = [];
    const seen = new Set<number>();
    for (const id of ids) {
      const q = this.#leases.get(id);
      if (q === undefined || seen.has(id)) continue;
      seen.add(id);
      out.push({ q, id });
    }
    return out;
  }

  /** After the deletes of an ack or dead-letter call are durable: forgets the records. */
  settle(targets: readonly LeaseTarget[], outcome: 'acked' | 'deadLettered'): void {
    for (const { q, id } of targets) {
      if (this.#leases.get(id) === q) this.#leases.delete(id);
      q.leased.delete(id);
      const resent = this.#prior.has(id);
      if (this.#forget(q, id) < 0) continue;
      if (outcome === 'deadLettered') this.counters.deadLettered++;
      else if (resent) this.counters.duplicatesResent++;
    }
  }

  /** dropOldest: removes the oldest record not in flight, across identities. False when none. */
  dropOldest(ops: BatchOp[]): boolean {
    let oldest: IdentityQueue | undefined;
    let oldestId = Number.POSITIVE_INFINITY;
    let index = -1;
    // O(identities) per drop: ids grow globally, so the oldest is the smallest free head id.
    for (const q of this.#d.queues.values()) {
      const i = q.firstFree();
      if (i >= 0 && q.idAt(i) < oldestId) {
        oldest = q;
        oldestId = q.idAt(i);
        index = i;
      }
    }
    if (oldest === undefined || index < 0) return false;
    this.#forget(oldest, oldestId, ops);
    return true;
  }

  /** A leased record that cannot be decoded: out of flight, moved to the dead letters, counted. */
  corrupt(q: IdentityQueue, id: number, value: Uint8Array | undefined, err: Error): void {
    this.unlease(q, [id], false);
    const ops: BatchOp[] = [];
    this.#forget(q, id, ops);
    this.#d.dead.stage(ops, id, q.ik, `FH_OUTBOX_CORRUPT: ${err.message}`, this.#d.clock.now(), value ?? new Uint8Array(0));
    this.countCorrupt(1);
    this.#d.logger.warn({ code: 'FH_OUTBOX_CORRUPT', key: recordKey(q.ik, id), err: err.message }, 'outbox record unreadable; moved aside');
    this.background(ops);
  }

  countCorrupt(n: number): void {
    this.counters.corrupt += n;
  }

  /** Age of the oldest queued record, ms (0 when empty). */
  oldestAgeMs(now: number): number {
    let oldest = Number.POSITIVE_INFINITY;
    for (const q of this.#d.queues.values()) oldest = Math.min(oldest, q.oldestTime() ?? oldest);
    return oldest === Number.POSITIVE_INFINITY ? 0 : Math.max(0, now - oldest);
  }

  #countExpired(n: number): void {
    if (n === 0) return;
    this.counters.expired += n;
    this.#expiry.add(n, () => ({ count: n }));
  }

  /** Drops `id` from memory (and queues its delete in `ops`); returns its size or -1. */
  #forget(q: IdentityQueue, id: number, ops?: BatchOp[]): number {
    const size = q.remove(id);
    this.#prior.delete(id);
    this.#d.hot.drop(id);
    if (size >= 0) {
      this.totals.messages--;
      this.totals.bytes -= size;
      ops?.push({ type: 'del', key: recordKey(q.ik, id), sublevel: this.#d.records });
    }
    if (q.length === 0 && q.leased.size === 0 && this.#d.queues.get(q.ik) === q) this.#d.queues.delete(q.ik);
    return size;
  }
}
