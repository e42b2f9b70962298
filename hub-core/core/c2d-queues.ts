/**
 * The state behind C2D: every identity's queue metadata in memory (bodies stay in the store), lock
 * tokens, and the durable transitions (enqueue, remove with feedback, re-queue with the delivery
 * count). A queue is keyed by identity key (ids.ts): `d` holds a device's C2D messages, `d/m` a
 * module's input messages (which never produce feedback). Callers hold the key's lock (see
 * c2d.ts); nothing here takes it.
 */
import { randomUUID } from 'node:crypto';
import { decodeJson, encodeJson, type BatchOp, type Store } from '../store/store.js';
import type { Clock, HubLimits } from './api.js';
import { c2dKey, feedbackRecord, parseC2dKey, wantsFeedback, type C2dRecord } from './c2d-records.js';
import type { TimerHandle } from './clock.js';
import type { IdentityCache } from './identity-cache.js';
import { parseIdentityKey } from './ids.js';
import type { StagedAppend } from './service-queue.js';
import type { Session } from './session.js';
import type { FeedbackRecord, FeedbackStatus } from './types.js';
import type { WriteFn } from './write.js';

/** In-memory state of one queued message. */
export interface C2dEntry {
  seq: number;
  enqueuedMs: number;
  expiresMs: number;
  deliveryCount: number;
  messageId?: string;
  ack?: string;
  /** queued: deliverable; locked: delivered, awaiting settlement; parked: kept for the next session. */
  state: 'queued' | 'locked' | 'parked';
  lockToken?: string;
  /** Who holds the lock: a session (push) or `pull` (HTTP receive). */
  owner?: Session | 'pull';
  lockTimer?: TimerHandle;
}

export interface C2dQueuesDeps {
  c2d: Store;
  write: WriteFn;
  clock: Clock;
  limits: HubLimits;
  identities: IdentityCache;
  /** The durable feedback queue: records are staged into the removal's own batch. */
  feedback: { stage(records: readonly FeedbackRecord[]): StagedAppend };
}

/** Queue metadata and durable transitions for every identity (key `d` or `d/m`). */
export class C2dQueues {
  private readonly queues = new Map<string, C2dEntry[]>();
  /** lock token → identity key. */
  private readonly lockIndex = new Map<string, string>();
  private readonly listeners = new Set<(record: FeedbackRecord) => void>();
  private seq = 0;

  private constructor(private readonly deps: C2dQueuesDeps) {}

  /** Loads every queue's metadata; deletes messages of identities deleted meanwhile. Locks do not survive a restart. */
  static async load(deps: C2dQueuesDeps): Promise<C2dQueues> {
    const queues = new C2dQueues(deps);
    const orphans: BatchOp[] = [];
    for await (const [storeKey, value] of deps.c2d.iterate()) {
      const { key, seq } = parseC2dKey(storeKey);
      queues.seq = Math.max(queues.seq, seq);
      if (!queues.exists(key)) orphans.push({ type: 'del', key: storeKey, sublevel: deps.c2d });
      else queues.queue(key).push(entryOf(decodeJson<C2dRecord>(value)));
    }
    if (orphans.length > 0) await deps.write(orphans);
    return queues;
  }

  /** The identity's queue (created empty). Empty queues are kept: callers may hold a reference. */
  queue(key: string): C2dEntry[] {
    let queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, (queue = []));
    return queue;
  }

  /** The identity's queue if it has ever held a message. */
  existing(key: string): C2dEntry[] | undefined {
    return this.queues.get(key);
  }

  count(key: string): number {
    return this.queues.get(key)?.length ?? 0;
  }

  /** Which identity (key) a lock token belongs to. */
  keyOf(lockToken: string): string | undefined {
    return this.lockIndex.get(lockToken);
  }

  /** True while the identity of queue `key` is registered. */
  exists(key: string): boolean {
    const ref = parseIdentityKey(key);
    if (ref.moduleId === undefined) return this.deps.identities.deviceRecord(ref.deviceId) !== undefined;
    return this.deps.identities.moduleRecord(ref.deviceId, ref.moduleId) !== undefined;
  }

  nextSeq(): number {
    return ++this.seq;
  }

  /** Writes a new message and appends it to the queue (if the identity still exists after the write). */
  async enqueue(key: string, record: C2dRecord): Promise<void> {
    await this.deps.write([this.putOp(key, record)]);
    if (this.exists(key)) this.queue(key).push(entryOf(record));
  }

  lock(key: string, entry: C2dEntry, owner: Session | 'pull'): string {
    const token = randomUUID();
    entry.state = 'locked';
    entry.lockToken = token;
    entry.owner = owner;
    this.lockIndex.set(token, key);
    return token;
  }

  unlock(entry: C2dEntry): void {
    if (entry.lockToken !== undefined) this.lockIndex.delete(entry.lockToken);
    entry.lockTimer?.cancel();
    delete entry.lockToken;
    delete entry.owner;
    delete entry.lockTimer;
    entry.state = 'queued';
  }

  /** One more failed delivery: expire, dead-letter at the limit, or persist the count and re-queue. */
  async requeue(key: string, entry: C2dEntry, state: 'queued' | 'parked'): Promise<void> {
    const count = entry.deliveryCount + 1;
    if (entry.expiresMs <= this.deps.clock.now()) return this.remove(key, [entry], 'Expired');
    if (count >= this.deps.limits.c2dMaxDeliveryCount) return this.remove(key, [entry], 'DeliveryCountExceeded');
    const record = await this.read(key, entry);
    if (record === undefined) return;
    record.deliveryCount = count;
    await this.deps.write([this.putOp(key, record)]);
    entry.deliveryCount = count;
    entry.state = state;
  }

  /** Removes messages past their expiry (locked ones wait for their settlement). */
  async expireDue(key: string): Promise<void> {
    const now = this.deps.clock.now();
    const due = (this.queues.get(key) ?? []).filter((e) => e.state !== 'locked' && e.expiresMs <= now);
    if (due.length > 0) await this.remove(key, due, 'Expired');
  }

  /** True when some message of the identity is due to expire (cheap check for the sweep). */
  hasDue(key: string): boolean {
    const now = this.deps.clock.now();
    return (this.queues.get(key) ?? []).some((e) => e.state !== 'locked' && e.expiresMs <= now);
  }

  /** Identity keys with a queue. */
  keys(): string[] {
    return [...this.queues.keys()];
  }

  /**
   * Deletes entries and appends the feedback their `ack` asks for in one atomic write (a crash
   * cannot lose the feedback of a message that is gone), then tells the listeners. Module input
   * messages (key `d/m`) have no feedback.
   */
  async remove(key: string, entries: C2dEntry[], status: FeedbackStatus): Promise<void> {
    const ref = parseIdentityKey(key);
    const generationId = this.deps.identities.deviceRecord(ref.deviceId)?.generationId ?? '';
    const now = this.deps.clock.now();
    const records = ref.moduleId !== undefined ? [] : entries
      .filter((e) => wantsFeedback(e.ack, status))
      .map((e) => feedbackRecord(e.messageId, status, ref.deviceId, generationId, now));
    const feedback = this.deps.feedback.stage(records);
    const dels: BatchOp[] = entries.map((e) => ({ type: 'del', key: c2dKey(key, e.seq), sublevel: this.deps.c2d }));
    await this.deps.write([...dels, ...feedback.ops]);
    for (const entry of entries) this.drop(key, entry);
    feedback.commit();
    for (const record of records) {
      for (const listener of this.listeners) {
        try {
          listener(record);
        } catch {
          // A failing listener must not undo a settlement that is already durable.
        }
      }
    }
  }

  /** The stored record, or undefined (the entry is then dropped: the store is the truth). */
  async read(key: string, entry: C2dEntry): Promise<C2dRecord | undefined> {
    const bytes = await this.deps.c2d.get(c2dKey(key, entry.seq));
    if (bytes !== undefined) return decodeJson<C2dRecord>(bytes);
    this.drop(key, entry);
    return undefined;
  }

  onFeedback(listener: (record: FeedbackRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Ops deleting an identity's whole queue (joins the registry's delete batch). */
  deleteOps(key: string): BatchOp[] {
    return (this.queues.get(key) ?? []).map((e) => ({ type: 'del', key: c2dKey(key, e.seq), sublevel: this.deps.c2d }));
  }

  /** Forgets a deleted identity's queue and its locks. */
  forget(key: string): void {
    for (const entry of this.queues.get(key) ?? []) this.unlock(entry);
    this.queues.delete(key);
  }

  /** Cancels every lock timer (hub closing). */
  cancelTimers(): void {
    for (const queue of this.queues.values()) for (const entry of queue) entry.lockTimer?.cancel();
  }

  private drop(key: string, entry: C2dEntry): void {
    this.unlock(entry);
    const queue = this.queues.get(key);
    const i = queue?.indexOf(entry) ?? -1;
    if (i >= 0) queue!.splice(i, 1);
  }

  private putOp(key: string, record: C2dRecord): BatchOp {
    return { type: 'put', key: c2dKey(key, record.seq), value: encodeJson(record), sublevel: this.deps.c2d };
  }
}

function entryOf(record: C2dRecord): C2dEntry {
  const entry: C2dEntry = {
    seq: record.seq, enqueuedMs: record.enqueuedMs, expiresMs: record.expiresMs, deliveryCount: record.deliveryCount, state: 'queued',
  };
  if (record.system.messageId !== undefined) entry.messageId = record.system.messageId;
  if (record.system.ack !== undefined) entry.ack = record.system.ack;
  return entry;
}
