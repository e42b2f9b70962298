/**
 * The service-bound queues' public API (wire contract E, "Feedback" and "File notifications"):
 * records the hub keeps for the service side until a receiver takes them, as IoT Hub keeps
 * its feedback and file-notification queues. Kept apart from api.ts only for size; index.ts
 * re-exports it with the rest of the API.
 */
import type { FileNotification } from './api.js';
import type { FeedbackRecord } from './types.js';

/** A batch of records leased to one consumer; settle it with its lock token. */
export interface ServiceQueueLease<T> {
  lockToken: string;
  /** Oldest first. Copies: changing them changes nothing in the queue. */
  records: T[];
}

/**
 * Why records left a queue without being completed: `full` (the oldest were dropped to make room
 * for new ones), `expired` (older than serviceQueueTtlMs), `deliveryCount` (released or
 * unsettled serviceQueueMaxDeliveryCount times: dead-lettered).
 */
export type ServiceQueueDropReason = 'full' | 'expired' | 'deliveryCount';

/** Counters of one queue since start, plus what it holds now. */
export interface ServiceQueueStats {
  /** Records held (available and leased). */
  records: number;
  /** Records leased and not yet settled. */
  leased: number;
  appended: number;
  completed: number;
  /** Records that went back to the queue (released, lease expired). */
  released: number;
  droppedFull: number;
  expired: number;
  deadLettered: number;
}

/**
 * One durable, ordered, bounded queue with competing consumers. Records are appended durably,
 * leased in batches under a lock token, and removed when the consumer completes them. A
 * released or expired lease puts its records back (one more delivery counted); after
 * serviceQueueMaxDeliveryCount deliveries a record is dropped. Unleased records expire after
 * serviceQueueTtlMs; beyond serviceQueueMaxRecords the oldest are dropped. Every drop is
 * counted ({@link ServiceQueueStats}) and reported to {@link ServiceQueueApi.onDropped}.
 */
export interface ServiceQueueApi<T> {
  /** Appends a record; resolves once it is durable. FH_HUB_CLOSED after close. */
  append(record: T): Promise<void>;
  /**
   * Leases up to `max` available records, oldest first, for SERVICE_QUEUE_LOCK_MS; undefined
   * when none is available. Synchronous, so a head can check its link's credit, lease and send
   * in one turn: no lease is ever taken for a link that went away meanwhile.
   */
  lease(max: number): ServiceQueueLease<T> | undefined;
  /** Removes the lease's records durably. False when the token is unknown or its lock expired. */
  complete(lockToken: string): Promise<boolean>;
  /**
   * Puts the lease's records back, oldest first. `delivered: false` (the records never reached
   * a receiver) does not count a delivery. False when the token is unknown or expired.
   */
  release(lockToken: string, options?: { delivered?: boolean }): Promise<boolean>;
  /** Records available to lease now (not leased). */
  availableCount(): number;
  /** Called (synchronously, no arguments) whenever records become available; returns an unsubscribe function. */
  onAvailable(listener: () => void): () => void;
  /** Called whenever records are dropped without completion; returns an unsubscribe function. */
  onDropped(listener: (reason: ServiceQueueDropReason, count: number) => void): () => void;
  stats(): ServiceQueueStats;
}

/** The hub's service-bound queues. */
export interface ServiceQueuesApi {
  /** C2D delivery feedback (`/messages/serviceBound/feedback`). */
  readonly feedback: ServiceQueueApi<FeedbackRecord>;
  /** File upload notifications (`/messages/serviceBound/filenotifications`). */
  readonly fileNotifications: ServiceQueueApi<FileNotification>;
}
