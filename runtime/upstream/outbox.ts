/**
 * The gateway's persisted outbox (store-and-forward) for messages routed to the upstream hub.
 *
 * - Durable: `append` resolves once its records are written; a record is deleted only by an ack,
 *   by expiry (TTL), by the dropOldest policy, or when moved to the dead letters, and every such
 *   loss is counted and logged once per episode. Leases live in memory only: after a crash every
 *   record not acked is leased again (at least once; a leased-but-unacked one may be sent twice).
 * - Ordered per identity, also after a restart: keys are (identity, id) and ids grow over
 *   restarts (the next id is stored with every append).
 * - Bounded memory: per identity only ids, sizes and ages (outbox-queue.ts), plus the values of
 *   recent records up to `hotCacheBytes` (outbox-hot.ts), so that leasing what was just appended
 *   needs no read; any other lease reads the bodies from the store. A quota in bytes and
 *   messages, with policy reject or dropOldest.
 *
 * All writes go through one serial writer (outbox-writer.ts), which is what orders them.
 * Layout in the given store: sublevel `records` (outbox-record.ts), sublevel `dead`
 * (outbox-dead.ts), and the key `next` (the next id, seqKey).
 */
import { HubError } from '../../hub-core/errors.js';
import { childLogger, silentLogger, type Logger } from '../../hub-core/log.js';
import { systemClock, type Clock, type IdentityRef, type StoredTelemetry, type TimerHandle } from '../../hub-core/core/index.js';
import { parseSeqKey, seqKey, type BatchOp, type Store } from '../../hub-core/store/index.js';
import { RuntimeError } from '../errors.js';
import { DeadLetters } from './outbox-dead.js';
import { Episode } from './outbox-episode.js';
import { HotRecords } from './outbox-hot.js';
import { OutboxIndex } from './outbox-index.js';
import type { IdentityQueue } from './outbox-queue.js';
import { decodeRecord, outboxIdentityKey, RecordEncoder, recordKey } from './outbox-record.js';
import { recoverRecords, type CorruptRecord } from './outbox-recover.js';
import type { OutboxDeadLetter, OutboxEntry, OutboxFullPolicy, OutboxOptions, OutboxStats } from './outbox-types.js';
import { SerialWriter } from './outbox-writer.js';

export type * from './outbox-types.js';

const NEXT_KEY = 'next';
/** The highest hub telemetry seq the outbox has taken, written with the records (see append). */
const SOURCE_KEY = 'source';
const utf8 = new TextEncoder();
/** Key, header and ids of a record beyond its message size: the estimate {@link Outbox.wouldReject} adds. */
const RECORD_OVERHEAD = 96;
/** Default of {@link OutboxOptions.hotCacheBytes}. */
const DEFAULT_HOT_CACHE_BYTES = 4 * 1024 * 1024;

interface Incoming {
  ik: string;
  value: Uint8Array;
  size: number;
}

/** Store-and-forward queue of upstream telemetry. Create with {@link Outbox.open}. */
export class Outbox {
  readonly #store: Store;
  readonly #records: Store;
  readonly #writer: SerialWriter;
  readonly #dead: DeadLetters;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #maxBytes: number;
  readonly #maxMessages: number;
  readonly #ttlMs: number;
  readonly #policy: OutboxFullPolicy;
  readonly #sweepMs: number;
  readonly #encoder = new RecordEncoder();
  readonly #queues: Map<string, IdentityQueue>;
  readonly #index: OutboxIndex;
  readonly #hot: HotRecords;
  readonly #listeners = new Set<(ref: IdentityRef) => void>();
  readonly #full: Episode;
  /** Messages refused at the gateway's door (refusedAtDoor) while no batch was refused here. */
  readonly #door: Episode;
  /** Size (with overhead) of the last message refused at the door, until an append goes through. */
  #doorBytes = 0;
  readonly #counters = { dropped: 0, rejected: 0, refusedAtDoor: 0, recovered: 0, duplicatesSkipped: 0, leaseReads: 0 };
  /** Highest `seq` taken (durably); items at or below it are a re-fed batch and skipped. */
  #sourceSeq = 0;
  readonly #dedupe: boolean;
  #reservedBytes = 0;
  #reservedMessages = 0;
  #nextId: number;
  #timer: TimerHandle | undefined;
  #state: 'open' | 'closing' | 'closed' = 'open';

  private constructor(opts: OutboxOptions, queues: Map<string, IdentityQueue>, dead: DeadLetters, nextId: number) {
    this.#store = opts.store;
    this.#dedupe = opts.singleSource === true;
    this.#records = opts.store.sublevel('records');
    const store = opts.store;
    this.#writer = new SerialWriter(opts.write ?? ((ops) => store.batch(ops)));
    this.#dead = dead;
    this.#clock = opts.clock ?? systemClock;
    this.#logger = opts.logger === undefined ? silentLogger() : childLogger(opts.logger, 'upstream:outbox');
    this.#maxBytes = opts.maxBytes;
    this.#maxMessages = opts.maxMessages ?? Number.POSITIVE_INFINITY;
    this.#ttlMs = opts.ttlMs;
    this.#policy = opts.fullPolicy;
    this.#sweepMs = opts.sweepIntervalMs ?? Math.max(1_000, Math.min(opts.ttlMs, 60_000));
    this.#queues = queues;
    this.#nextId = nextId;
    this.#hot = new HotRecords(opts.hotCacheBytes ?? DEFAULT_HOT_CACHE_BYTES);
    this.#index = new OutboxIndex({
      queues, records: this.#records, dead, writer: this.#writer, hot: this.#hot, logger: this.#logger, clock: this.#clock, ttlMs: this.#ttlMs,
    });
    this.#full = new Episode(this.#logger, { code: 'FH_OUTBOX_FULL', policy: this.#policy }, 'outbox full', 'outbox has room again');
    this.#door = new Episode(this.#logger, { code: 'FH_OUTBOX_FULL', policy: this.#policy, at: 'door' },
      'outbox full: new upstream-bound messages are refused at the door', 'outbox takes messages again');
  }

  /**
   * Opens the outbox on `opts.store` (open), recovering the queues, totals and next id from it.
   * Records that cannot be read are moved to the dead letters (FH_OUTBOX_CORRUPT, counted).
   */
  static async open(opts: OutboxOptions): Promise<Outbox> {
    validate(opts);
    const started = performance.now();
    const recovered = await recoverRecords(opts.store.sublevel('records'));
    const dead = await DeadLetters.load(opts.store.sublevel('dead'), opts.maxDeadLetters ?? 1000);
    const next = await opts.store.get(NEXT_KEY);
    const stored = next === undefined ? 0 : parseSeqKey(new TextDecoder().decode(next));
    const nextId = Math.max(Number.isSafeInteger(stored) ? stored : 0, recovered.maxId + 1, dead.maxId + 1);
    const outbox = new Outbox(opts, recovered.queues, dead, nextId);
    const source = await opts.store.get(SOURCE_KEY);
    if (source !== undefined) outbox.#sourceSeq = parseSeqKey(new TextDecoder().decode(source));
    outbox.#index.restore(recovered.messages, recovered.bytes);
    outbox.#counters.recovered = recovered.messages;
    await outbox.#setAside(recovered.corrupt);
    outbox.#logger.info({
      messages: recovered.messages, bytes: recovered.bytes, identities: recovered.queues.size, nextId,
      openMs: Math.round(performance.now() - started),
    }, 'outbox opened');
    outbox.#arm();
    return outbox;
  }

  /**
   * Queues `items` in order; resolves once they are durable. When they do not fit: with policy
   * reject, rejects FH_OUTBOX_FULL (retryable unless the batch alone exceeds the quota) and stores
   * none of them; with dropOldest, drops the oldest records not in flight (any identity), and if
   * that is not enough the oldest of `items` themselves, counting every drop.
   */
  async append(input: readonly StoredTelemetry[]): Promise<void> {
    this.#assertOpen();
    // The route pipeline writes its checkpoint after this resolves: a crash between the two
    // re-feeds a batch. The hub seq taken so far is written atomically with the records, so
    // re-fed items are skipped (and counted) instead of queued twice.
    const items = this.#dedupe ? input.filter((item) => item.seq > this.#sourceSeq) : input;
    this.#counters.duplicatesSkipped += input.length - items.length;
    if (items.length === 0) return;
    const sourceSeq = items.reduce((max, item) => Math.max(max, item.seq), this.#sourceSeq);
    const now = this.#clock.now();
    let incoming: Incoming[] = items.map((item) => {
      const ref: IdentityRef = item.moduleId === undefined ? { deviceId: item.deviceId } : { deviceId: item.deviceId, moduleId: item.moduleId };
      const ik = outboxIdentityKey(ref);
      const value = this.#encoder.encode(item, now);
      return { ik, value, size: recordKey(ik, 0).length + value.byteLength };
    });
    const ops: BatchOp[] = [];
    let total = sum(incoming);
    if (!this.#fits(total, incoming.length)) this.#index.expire(now, ops);
    if (!this.#fits(total, incoming.length)) {
      if (this.#policy === 'reject') {
        this.#index.background(ops);
        this.#refuse(total, incoming.length);
      }
      incoming = this.#makeRoom(incoming, ops);
      total = sum(incoming);
    } else {
      this.#full.end(() => this.#figures());
      this.#door.end(() => this.#figures());
      this.#doorBytes = 0;
    }
    const staged = incoming.map((rec) => ({ ...rec, id: this.#nextId++ }));
    for (const rec of staged) ops.push({ type: 'put', key: recordKey(rec.ik, rec.id), value: rec.value, sublevel: this.#records });
    ops.push({ type: 'put', key: NEXT_KEY, value: utf8.encode(seqKey(this.#nextId)), sublevel: this.#store });
    if (this.#dedupe) ops.push({ type: 'put', key: SOURCE_KEY, value: utf8.encode(seqKey(sourceSeq)), sublevel: this.#store });
    this.#reservedBytes += total;
    this.#reservedMessages += staged.length;
    let reserved = true;
    const unreserve = (): void => {
      if (!reserved) return;
      reserved = false;
      this.#reservedBytes -= total;
      this.#reservedMessages -= staged.length;
    };
    try {
      await this.#writer.submit(ops, () => {
        unreserve();
        this.#sourceSeq = Math.max(this.#sourceSeq, sourceSeq);
        const touched = new Set<IdentityQueue>();
        for (const rec of staged) {
          touched.add(this.#index.add(rec.ik, rec.id, rec.size, now));
          this.#hot.put(rec.id, rec.value);
        }
        for (const q of touched) this.#notify(q.ref);
      });
    } finally {
      unreserve();
    }
  }

  /**
   * Cheap check for the admission hook: would a message of about `bytes` (body plus properties)
   * be refused now? Always false under dropOldest (it makes room instead).
   */
  wouldReject(bytes: number): boolean {
    if (this.#policy !== 'reject' || this.#state !== 'open') return false;
    // While a refused batch waits for its retry (the route pipeline holds it), newcomers are
    // refused too even if they would fit: else the log between the door and the outbox grows
    // without bound (the pipeline is stuck on the batch, the outbox never fills further).
    if (!this.#full.active && this.#fits(bytes + RECORD_OVERHEAD, 1)) return false;
    return !this.#index.hasExpired(this.#clock.now());
  }

  /**
   * The gateway refused a message of about `bytes` at the door because {@link wouldReject} said
   * so: counted in one logged episode (FH_OUTBOX_FULL, `at: door`) that ends with the next append,
   * and `stats().full` stays true while such a message would still not fit.
   */
  refusedAtDoor(bytes: number): void {
    this.#doorBytes = bytes + RECORD_OVERHEAD;
    this.#counters.refusedAtDoor++;
    this.#door.add(1, () => this.#figures());
  }

  /** Identities with queued messages (leased ones included), for a round-robin drain. */
  identities(): IdentityRef[] {
    return [...this.#queues.values()].map((q) => q.ref);
  }

  /** Messages queued for `ref`, leased ones included. */
  depth(ref: IdentityRef): number {
    return this.#queues.get(outboxIdentityKey(ref))?.length ?? 0;
  }

  /**
   * The next up to `limit` messages of `ref` in order, skipping leased ones. Expired ones met on
   * the way are removed and counted instead; unreadable ones are moved to the dead letters.
   */
  async lease(ref: IdentityRef, limit: number): Promise<OutboxEntry[]> {
    this.#assertOpen();
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('outbox lease: limit must be a positive integer');
    const q = this.#queues.get(outboxIdentityKey(ref));
    if (q === undefined) return [];
    const picked = this.#index.pick(q, limit, this.#clock.now());
    if (picked.length === 0) return [];
    const values = picked.map((id) => this.#hot.take(id));
    const missing = picked.flatMap((_, i) => (values[i] === undefined ? [i] : []));
    if (missing.length > 0) {
      this.#counters.leaseReads += missing.length;
      try {
        const read = await this.#records.getMany(missing.map((i) => recordKey(q.ik, picked[i] as number)));
        missing.forEach((i, j) => {
          values[i] = read[j];
        });
      } catch (err) {
        this.#index.unlease(q, picked, false);
        throw err;
      }
    }
    const entries: OutboxEntry[] = [];
    picked.forEach((id, i) => {
      try {
        const { telemetry, enqueuedAtMs } = decodeRecord(values[i] ?? new Uint8Array(0));
        const { seq, message } = telemetry;
        entries.push({ id, ref: q.ref, seq, message, enqueuedAtMs, attempts: this.#index.attempts(id) });
      } catch (err) {
        this.#index.corrupt(q, id, values[i], err as Error);
      }
    });
    return entries;
  }

  /** The upstream accepted these leased messages: deletes them; resolves once durable. */
  async ack(ids: readonly number[]): Promise<void> {
    this.#assertOpen();
    const targets = this.#index.leasedTargets(ids);
    if (targets.length === 0) return;
    const ops: BatchOp[] = targets.map(({ q, id }) => ({ type: 'del', key: recordKey(q.ik, id), sublevel: this.#records }));
    await this.#writer.submit(ops, () => this.#index.settle(targets, 'acked'));
  }

  /** Not sent (link dropped, retryable error): back to the front of their queues, in order. */
  release(ids: readonly number[]): void {
    if (this.#state === 'closed') return;
    for (const q of this.#index.release(ids)) this.#notify(q.ref);
  }

  /** The upstream refused these leased messages for good: moves them to the dead letters. */
  async deadLetter(ids: readonly number[], reason: string): Promise<void> {
    this.#assertOpen();
    const targets = this.#index.leasedTargets(ids);
    if (targets.length === 0) return;
    const values = await this.#records.getMany(targets.map(({ q, id }) => recordKey(q.ik, id)));
    const ops: BatchOp[] = [];
    const now = this.#clock.now();
    targets.forEach(({ q, id }, i) => {
      ops.push({ type: 'del', key: recordKey(q.ik, id), sublevel: this.#records });
      this.#dead.stage(ops, id, q.ik, reason, now, values[i] ?? new Uint8Array(0));
    });
    await this.#writer.submit(ops, () => this.#index.settle(targets, 'deadLettered'));
    this.#logger.warn({ count: targets.length, reason }, 'outbox messages dead-lettered');
  }

  /** The dead letters kept, oldest first (after the writes pending now). */
  async deadLetters(limit?: number): Promise<OutboxDeadLetter[]> {
    this.#assertOpen();
    await this.#writer.idle();
    return this.#dead.list(limit);
  }

  /** Calls `listener` when messages for an identity become available (appended or released). */
  onAvailable(listener: (ref: IdentityRef) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  stats(): OutboxStats {
    const { messages, bytes } = this.#index.totals;
    return {
      messages, bytes, maxBytes: this.#maxBytes, maxMessages: this.#maxMessages, fullPolicy: this.#policy,
      full: this.#full.active || !this.#fits(1, 1) || (this.#doorBytes > 0 && !this.#fits(this.#doorBytes, 1)),
      leased: this.#index.leasedCount, dropped: this.#counters.dropped, rejected: this.#counters.rejected, refusedAtDoor: this.#counters.refusedAtDoor,
      ...this.#index.counters, recovered: this.#counters.recovered, duplicatesSkipped: this.#counters.duplicatesSkipped,
      oldestAgeMs: this.#index.oldestAgeMs(this.#clock.now()), identities: this.#queues.size, deadLetters: this.#dead.count,
      hotBytes: this.#hot.bytes, leaseReads: this.#counters.leaseReads,
    };
  }

  /** Waits for pending writes and stops; leases are forgotten (the records stay). Idempotent. */
  async close(): Promise<void> {
    if (this.#state !== 'open') return;
    this.#state = 'closing';
    this.#timer?.cancel();
    this.#listeners.clear();
    await this.#writer.idle();
    this.#state = 'closed';
  }

  #assertOpen(): void {
    if (this.#state !== 'open') throw new HubError('FH_STORE_NOT_OPEN', `The outbox is ${this.#state}.`);
  }

  #fits(bytes: number, messages: number): boolean {
    const { messages: m, bytes: b } = this.#index.totals;
    return b + this.#reservedBytes + bytes <= this.#maxBytes && m + this.#reservedMessages + messages <= this.#maxMessages;
  }

  #figures(): Record<string, unknown> {
    const { messages, bytes } = this.#index.totals;
    return { messages, bytes, maxBytes: this.#maxBytes, dropped: this.#counters.dropped, rejected: this.#counters.rejected };
  }

  #refuse(bytes: number, messages: number): never {
    this.#counters.rejected++;
    this.#full.add(1, () => this.#figures());
    const never = bytes > this.#maxBytes || messages > this.#maxMessages;
    throw new RuntimeError('FH_OUTBOX_FULL', never
      ? `The batch (${bytes} bytes, ${messages} messages) exceeds the outbox quota.`
      : `The upstream outbox is full (${this.#maxBytes} bytes quota); retry later.`, { retryable: !never });
  }

  /** dropOldest: removes the oldest records not in flight, then the oldest incoming, until the rest fits. */
  #makeRoom(incoming: Incoming[], ops: BatchOp[]): Incoming[] {
    let dropped = 0;
    while (!this.#fits(sum(incoming), incoming.length)) {
      if (this.#index.dropOldest(ops)) {
        dropped++;
        continue;
      }
      // Everything queued is in flight or not yet written: the newcomers are what can go.
      incoming = incoming.slice(1);
      dropped++;
      if (incoming.length === 0) break;
    }
    this.#counters.dropped += dropped;
    this.#full.add(dropped, () => this.#figures());
    return incoming;
  }

  #notify(ref: IdentityRef): void {
    for (const listener of this.#listeners) {
      try {
        listener(ref);
      } catch (err) {
        this.#logger.error({ err }, 'outbox onAvailable listener threw');
      }
    }
  }

  /** Moves records found unreadable at open aside (dead letters; deleted when the key is not ours). */
  async #setAside(corrupt: CorruptRecord[]): Promise<void> {
    if (corrupt.length === 0) return;
    const ops: BatchOp[] = [];
    const now = this.#clock.now();
    for (const rec of corrupt) {
      ops.push({ type: 'del', key: rec.key, sublevel: this.#records });
      if (rec.id !== undefined) this.#dead.stage(ops, rec.id, rec.ik ?? null, 'FH_OUTBOX_CORRUPT: unreadable record header', now, rec.value);
      this.#logger.warn({ code: 'FH_OUTBOX_CORRUPT', key: rec.key }, 'outbox record unreadable; moved aside');
    }
    this.#index.countCorrupt(corrupt.length);
    await this.#writer.submit(ops);
  }

  #arm(): void {
    this.#timer = this.#clock.setTimeout(() => {
      if (this.#state !== 'open') return;
      const ops: BatchOp[] = [];
      this.#index.expire(this.#clock.now(), ops, true);
      this.#index.background(ops);
      this.#arm();
    }, this.#sweepMs);
  }
}

function sum(incoming: readonly Incoming[]): number {
  let total = 0;
  for (const rec of incoming) total += rec.size;
  return total;
}

function validate(opts: OutboxOptions): void {
  if (opts === null || typeof opts !== 'object' || opts.store === undefined) throw new TypeError('Outbox.open needs options with a store');
  const positive = (n: unknown, name: string, integer = false): void => {
    if (typeof n !== 'number' || !(n > 0) || (integer && !Number.isInteger(n))) throw new RangeError(`outbox: ${name} must be a positive number`);
  };
  positive(opts.maxBytes, 'maxBytes');
  positive(opts.ttlMs, 'ttlMs');
  if (opts.maxMessages !== undefined) positive(opts.maxMessages, 'maxMessages', true);
  if (opts.maxDeadLetters !== undefined) positive(opts.maxDeadLetters, 'maxDeadLetters', true);
  if (opts.sweepIntervalMs !== undefined) positive(opts.sweepIntervalMs, 'sweepIntervalMs');
  if (opts.hotCacheBytes !== undefined && !(Number.isSafeInteger(opts.hotCacheBytes) && opts.hotCacheBytes >= 0)) {
    throw new RangeError('outbox: hotCacheBytes must be a non-negative integer');
  }
  if (opts.fullPolicy !== 'reject' && opts.fullPolicy !== 'dropOldest') throw new RangeError("outbox: fullPolicy must be 'reject' or 'dropOldest'");
}
