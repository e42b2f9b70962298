/**
 * The records of a service-bound queue as stored and as held in memory, and the seq-ordered
 * array operations the queue needs (service-queue.ts). Kept apart from the queue for size.
 */

/** A record as stored (value of key seqKey(seq) in the queue's sublevel). */
export interface StoredRecord<T> {
  enqueuedMs: number;
  expiresMs: number;
  /** Leases that ended without completion (released, lock expired, link lost). */
  deliveryCount: number;
  record: T;
}

/** A record held in memory. */
export interface QueueEntry<T> extends StoredRecord<T> {
  seq: number;
  lockToken?: string;
  /** Removed from the queue while leased (full, expired): the lease must not put it back. */
  gone?: boolean;
}

/** First index in `entries` (seq order) whose seq is ≥ `seq`. */
export function lowerBound(entries: readonly QueueEntry<unknown>[], seq: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.seq < seq) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts in seq order: the writes of concurrent appends may finish out of order. */
export function insertBySeq<T>(entries: QueueEntry<T>[], entry: QueueEntry<T>): void {
  const last = entries.at(-1);
  if (last === undefined || last.seq < entry.seq) entries.push(entry);
  else entries.splice(lowerBound(entries, entry.seq), 0, entry);
}

/** Calls every listener; one that throws must not undo durable work or starve the others. */
export function notifyAll<A extends unknown[]>(listeners: Iterable<(...args: A) => void>, ...args: A): void {
  for (const listener of listeners) {
    try {
      listener(...args);
    } catch {
      // Reporting is best effort; the state change it reports is already done.
    }
  }
}
