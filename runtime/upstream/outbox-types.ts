/**
 * The public shapes of the upstream outbox (outbox.ts): its options, the entries a drain leases,
 * the dead letters it keeps and the figures it reports to health.
 */
import type { Logger } from '../../hub-core/log.js';
import type { Clock, IdentityRef, Message } from '../../hub-core/core/index.js';
import type { BatchOp, Store } from '../../hub-core/store/index.js';

/** What the outbox does when a new batch does not fit in its quota. */
export type OutboxFullPolicy = 'reject' | 'dropOldest';

/**
 * Writes `ops` atomically (they may target sublevels of the outbox store) and resolves once they
 * are as durable as the gateway's durability level asks: a GroupCommitter's `write` on the root
 * store (with `sync` for durability `power`), or by default the outbox store's own `batch`.
 */
export type OutboxWriteFn = (ops: BatchOp[]) => Promise<void>;

/** Options of {@link Outbox.open}. */
export interface OutboxOptions {
  /** The outbox's own namespace (a sublevel the gateway hands over), open. */
  store: Store;
  /** Group-commit writer; default `store.batch(ops)` (durability `process`). */
  write?: OutboxWriteFn;
  /** Quota of queued records, bytes (key plus encoded value of each record). */
  maxBytes: number;
  /** Quota of queued records, count. Default unlimited. */
  maxMessages?: number;
  /** Age after which a message is dropped (counted as expired) instead of sent, ms. */
  ttlMs: number;
  /** What to do when full: refuse the new batch (FH_OUTBOX_FULL, retryable) or drop the oldest. */
  fullPolicy: OutboxFullPolicy;
  /** Most dead letters kept; older ones are deleted. Default 1000. */
  maxDeadLetters?: number;
  /** How often expired messages are swept while nobody leases, ms. Default ttlMs within [1000, 60000]. */
  sweepIntervalMs?: number;
  /**
   * Values of recently appended records kept in memory for the leases that follow, bytes: while
   * the upstream keeps up, a lease then reads nothing back from the store. 0 turns it off.
   * Default 4 MiB.
   */
  hotCacheBytes?: number;
  /** Default the system clock. */
  clock?: Clock;
  /** Default silent. */
  logger?: Logger;
  /**
   * Items come from one log whose `seq` only grows (the hub's telemetry, through the route
   * pipeline): the highest seq taken is stored with the records, and items at or below it (a batch
   * re-fed after a crash between the append and the pipeline's checkpoint) are skipped and counted.
   */
  singleSource?: boolean;
}

/** A leased message: send it, then ack, release or dead-letter it by `id`. */
export interface OutboxEntry {
  /** Outbox sequence number: increases with every append, also across restarts. */
  id: number;
  ref: IdentityRef;
  /** The hub's telemetry sequence number of the message. */
  seq: number;
  message: Message;
  /** When the outbox took it, ms since the epoch (the TTL counts from here). */
  enqueuedAtMs: number;
  /** Times leased in this process, this lease included (1 on the first lease). */
  attempts: number;
}

/** A message the upstream refused for good (or a record that could not be decoded). */
export interface OutboxDeadLetter {
  id: number;
  ref: IdentityRef | undefined;
  reason: string;
  deadLetteredAtMs: number;
  /** Undefined when the record itself was unreadable. */
  message: Message | undefined;
}

/** Figures for health and benchmarks. Counters run since open. */
export interface OutboxStats {
  /** Messages queued and durable (leased ones included). */
  messages: number;
  /** Bytes of those records (key plus value). */
  bytes: number;
  maxBytes: number;
  maxMessages: number;
  fullPolicy: OutboxFullPolicy;
  /**
   * At the quota now, or the last append had to drop or was refused and nothing freed room since,
   * or the last message refused at the gateway's door would still not fit.
   */
  full: boolean;
  /** Leased and not yet acked, released or dead-lettered. */
  leased: number;
  /** Dropped to make room (dropOldest). */
  dropped: number;
  /** Batches refused with FH_OUTBOX_FULL (reject). */
  rejected: number;
  /** Messages the gateway refused at the door (FH_BACKLOG_FULL) because they would not fit (refusedAtDoor). */
  refusedAtDoor: number;
  /** Removed because older than ttlMs. */
  expired: number;
  deadLettered: number;
  /** Records that could not be decoded, moved to the dead letters. */
  corrupt: number;
  /** Acked after an earlier lease of the same id was released: the upstream may have it twice. */
  duplicatesResent: number;
  /** Items appended again (hub seq already taken: a batch re-fed after a crash) and skipped. */
  duplicatesSkipped: number;
  /** Messages found in the store at open (all possibly sent before: at-least-once). */
  recovered: number;
  /** Age of the oldest queued message, ms (0 when empty). */
  oldestAgeMs: number;
  /** Identities with queued messages. */
  identities: number;
  /** Dead letters kept in the store. */
  deadLetters: number;
  /** Bytes of record values held in memory for the next leases (at most hotCacheBytes). */
  hotBytes: number;
  /** Records leases had to read back from the store (not held in memory) since open. */
  leaseReads: number;
}
