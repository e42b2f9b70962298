/**
 * A durable service-bound queue (feedback, file notifications): one store sublevel per queue,
 * key = seqKey(seq), so the store's order is the queue's order. Every record is also held in
 * memory (the queue is bounded by serviceQueueMaxRecords, and records are small), which lets a
 * head lease synchronously while it knows its link has credit.
 *
 * Durability: appends and completions resolve once written. Everything else that removes a
 * record (expiry, full, dead-letter) updates memory at once and deletes in the background:
 * if that delete is lost in a crash, the record is dropped again by the same rule on load.
 * Leases live in memory only: after a restart every record is available again (at least once).
 */
import { randomUUID } from 'node:crypto';
import { HubError } from '../errors.js';
import { decodeJson, encodeJson, parseSeqKey, seqKey, type BatchOp, type Store } from '../store/store.js';
import type { Clock, HubLimits } from './api.js';
import type { Background } from './background.js';
import type { TimerHandle } from './clock.js';
import { insertBySeq, lowerBound, notifyAll, type QueueEntry as Entry, type StoredRecord as Stored } from './service-queue-entries.js';
import type {
  ServiceQueueApi, ServiceQueueDropReason, ServiceQueueLease, ServiceQueueStats,
} from './service-queue-api.js';
import type { WriteFn } from './write.js';

/** How long a lease holds its records before they go back to the queue, ms (IoT Hub: 1 min). */
export const SERVICE_QUEUE_LOCK_MS = 60_000;
/** How often expired records are swept when nobody leases, ms. */
export const SERVICE_QUEUE_SWEEP_MS = 60_000;

export interface ServiceQueueDeps {
  /** This queue's own sublevel. */
  store: Store;
  write: WriteFn;
  clock: Clock;
  limits: Pick<HubLimits, 'serviceQueueTtlMs' | 'serviceQueueMaxRecords' | 'serviceQueueMaxDeliveryCount'>;
  background: Background;
}

/** Ops that append records, and the step that makes them leasable once the ops are durable. */
export interface StagedAppend {
  ops: BatchOp[];
  commit(): void;
}

interface Lease<T> {
  entries: Entry<T>[];
  timer: TimerHandle;
}

/** Implements {@link ServiceQueueApi}. Create with {@link ServiceQueue.load}. */
export class ServiceQueue<T> implements ServiceQueueApi<T> {
  /** Seq order (oldest first). */
  private entries: Entry<T>[] = [];
  private readonly leases = new Map<string, Lease<T>>();
  private readonly availableListeners = new Set<() => void>();
  private readonly dropListeners = new Set<(reason: ServiceQueueDropReason, count: number) => void>();
  private readonly counters = { appended: 0, completed: 0, released: 0, droppedFull: 0, expired: 0, deadLettered: 0 };
  private seq = 0;
  private sweepTimer: TimerHandle | undefined;
  private closed = false;

  private constructor(private readonly deps: ServiceQueueDeps) {}

  /** Loads the stored records (all available: leases do not survive a restart), dropping expired and excess ones. */
  static async load<T>(deps: ServiceQueueDeps): Promise<ServiceQueue<T>> {
    const queue = new ServiceQueue<T>(deps);
    for await (const [key, value] of deps.store.iterate()) {
      const seq = parseSeqKey(key);
      queue.seq = Math.max(queue.seq, seq);
      const { enqueuedMs, expiresMs, deliveryCount, record } = decodeJson<Stored<T>>(value);
      queue.entries.push({ seq, enqueuedMs, expiresMs, deliveryCount, record });
    }
    queue.expireDue();
    queue.trim();
    return queue;
  }

  /**
   * Prepares an append whose ops the caller writes in its own batch (a C2D completion and its
   * feedback are one atomic write); `commit()` after the write makes the records leasable.
   */
  stage(records: readonly T[]): StagedAppend {
    const now = this.deps.clock.now();
    const entries: Entry<T>[] = records.map((record) => ({
      seq: ++this.seq, enqueuedMs: now, expiresMs: now + this.deps.limits.serviceQueueTtlMs, deliveryCount: 0,
      record: structuredClone(record),
    }));
    return { ops: entries.map((e) => this.putOp(e)), commit: () => this.commit(entries) };
  }

  async append(record: T): Promise<void> {
    if (this.closed) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    const staged = this.stage([record]);
    await this.deps.write(staged.ops);
    staged.commit();
  }

  lease(max: number): ServiceQueueLease<T> | undefined {
    if (this.closed || !(max >= 1)) return undefined;
    this.expireDue();
    const picked: Entry<T>[] = [];
    for (const entry of this.entries) {
      if (entry.lockToken !== undefined) continue;
      picked.push(entry);
      if (picked.length >= max) break;
    }
    if (picked.length === 0) return undefined;
    const lockToken = randomUUID();
    for (const entry of picked) entry.lockToken = lockToken;
    const timer = this.deps.clock.setTimeout(() => this.lockExpired(lockToken), SERVICE_QUEUE_LOCK_MS);
    this.leases.set(lockToken, { entries: picked, timer });
    return { lockToken, records: picked.map((e) => structuredClone(e.record)) };
  }

  async complete(lockToken: string): Promise<boolean> {
    const lease = this.take(lockToken);
    if (lease === undefined) return false;
    const live = this.remove(lease.entries);
    this.counters.completed += live.length;
    if (live.length > 0) await this.deps.write(live.map((e) => this.delOp(e)));
    return true;
  }

  async release(lockToken: string, options: { delivered?: boolean } = {}): Promise<boolean> {
    const lease = this.take(lockToken);
    if (lease === undefined) return false;
    await this.putBack(lease.entries, options.delivered ?? true);
    return true;
  }

  availableCount(): number {
    return this.entries.length - this.leasedCount();
  }

  onAvailable(listener: () => void): () => void {
    this.availableListeners.add(listener);
    return () => void this.availableListeners.delete(listener);
  }

  onDropped(listener: (reason: ServiceQueueDropReason, count: number) => void): () => void {
    this.dropListeners.add(listener);
    return () => void this.dropListeners.delete(listener);
  }

  stats(): ServiceQueueStats {
    return { records: this.entries.length, leased: this.leasedCount(), ...this.counters };
  }

  /** Starts the periodic expiry sweep (clock timer). */
  startSweep(): void {
    if (this.closed || this.sweepTimer !== undefined) return;
    const arm = (): void => {
      this.sweepTimer = this.deps.clock.setTimeout(() => {
        this.expireDue();
        if (!this.closed) arm();
      }, SERVICE_QUEUE_SWEEP_MS);
    };
    arm();
  }

  /** Stops timers and leasing; records and their delivery counts stay in the store. */
  stop(): void {
    this.closed = true;
    this.sweepTimer?.cancel();
    this.sweepTimer = undefined;
    for (const lease of this.leases.values()) lease.timer.cancel();
  }

  // ---- internals ----

  private commit(entries: Entry<T>[]): void {
    for (const entry of entries) insertBySeq(this.entries, entry);
    this.counters.appended += entries.length;
    this.trim();
    if (entries.some((e) => e.gone !== true)) notifyAll(this.availableListeners);
  }

  /** Takes entries out of memory; returns those that were still in the queue. */
  private remove(entries: readonly Entry<T>[]): Entry<T>[] {
    const removed: Entry<T>[] = [];
    for (const entry of entries) {
      if (entry.gone === true) continue;
      const i = lowerBound(this.entries, entry.seq);
      if (this.entries[i] === entry) this.entries.splice(i, 1);
      entry.gone = true;
      removed.push(entry);
    }
    return removed;
  }

  private take(lockToken: string): Lease<T> | undefined {
    const lease = typeof lockToken === 'string' ? this.leases.get(lockToken) : undefined;
    if (lease === undefined) return undefined;
    this.leases.delete(lockToken);
    lease.timer.cancel();
    for (const entry of lease.entries) delete entry.lockToken;
    return lease;
  }

  /** The lease's records go back: expired ones go, dead-lettered ones go, the rest are available again. */
  private async putBack(entries: readonly Entry<T>[], delivered: boolean): Promise<void> {
    const now = this.deps.clock.now();
    const expired: Entry<T>[] = [];
    const dead: Entry<T>[] = [];
    const back: Entry<T>[] = [];
    for (const entry of entries) {
      if (entry.gone === true) continue;
      if (delivered) entry.deliveryCount++;
      if (entry.expiresMs <= now) expired.push(entry);
      else if (delivered && entry.deliveryCount >= this.deps.limits.serviceQueueMaxDeliveryCount) dead.push(entry);
      else back.push(entry);
    }
    const gone = this.remove([...expired, ...dead]);
    this.counters.expired += expired.length;
    this.counters.deadLettered += dead.length;
    this.counters.released += back.length;
    // The delivery count is persisted so a restart does not reset it.
    const ops = [...gone.map((e) => this.delOp(e)), ...(delivered ? back.map((e) => this.putOp(e)) : [])];
    // Submitted before anyone can lease the records again, so a later completion's delete
    // is written after this put (the committer keeps submission order).
    const written = ops.length > 0 ? this.deps.write(ops) : Promise.resolve();
    if (expired.length > 0) notifyAll(this.dropListeners, 'expired', expired.length);
    if (dead.length > 0) notifyAll(this.dropListeners, 'deliveryCount', dead.length);
    if (back.length > 0) notifyAll(this.availableListeners);
    await written;
  }

  private lockExpired(lockToken: string): void {
    const lease = this.take(lockToken);
    if (lease !== undefined) this.deps.background.run(() => this.putBack(lease.entries, true));
  }

  /** Drops unleased records past their expiry (leased ones are decided when their lease ends). */
  private expireDue(): void {
    const now = this.deps.clock.now();
    const due = this.entries.filter((e) => e.lockToken === undefined && e.expiresMs <= now);
    if (due.length === 0) return;
    this.counters.expired += due.length;
    this.deleteInBackground(this.remove(due));
    notifyAll(this.dropListeners, 'expired', due.length);
  }

  /** Drops the oldest records beyond serviceQueueMaxRecords, leased or not. */
  private trim(): void {
    const excess = this.entries.length - this.deps.limits.serviceQueueMaxRecords;
    if (excess <= 0) return;
    const dropped = this.entries.splice(0, excess);
    for (const entry of dropped) entry.gone = true;
    this.counters.droppedFull += excess;
    this.deleteInBackground(dropped);
    notifyAll(this.dropListeners, 'full', excess);
  }

  private deleteInBackground(entries: readonly Entry<T>[]): void {
    if (entries.length === 0) return;
    const ops = entries.map((e) => this.delOp(e));
    this.deps.background.run(() => this.deps.write(ops));
  }

  private leasedCount(): number {
    let n = 0;
    for (const lease of this.leases.values()) for (const entry of lease.entries) if (entry.gone !== true) n++;
    return n;
  }

  private putOp(entry: Entry<T>): BatchOp {
    const stored: Stored<T> = { enqueuedMs: entry.enqueuedMs, expiresMs: entry.expiresMs, deliveryCount: entry.deliveryCount, record: entry.record };
    return { type: 'put', key: seqKey(entry.seq), value: encodeJson(stored), sublevel: this.deps.store };
  }

  private delOp(entry: Entry<T>): BatchOp {
    return { type: 'del', key: seqKey(entry.seq), sublevel: this.deps.store };
  }
}
