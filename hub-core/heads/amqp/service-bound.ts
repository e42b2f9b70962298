/**
 * The AMQP side of the core's service-bound queues: delivery feedback
 * (`/messages/serviceBound/feedback`) and file-upload notifications
 * (`/messages/serviceBound/filenotifications`), wire contract E. The records live in the core
 * (`core.serviceQueues`, durable, bounded, with TTL); this head only leases them for receivers
 * that have credit, one batch per AMQP message (feedback ≤ 64 records, a file notification
 * alone), receivers taking turns as competing consumers.
 *
 * Settlement maps to the lease: `accepted` and `rejected` (the receiver's choice to drop it)
 * complete it; `released`, `modified`, a settle without outcome, or the link or connection going
 * away release it (one more delivery counted by the core). Records produced while no receiver is
 * attached simply wait in the core.
 */
import type { Delivery, EventContext, Sender } from 'rhea';
import type { ServiceQueueApi } from '../../core/service-queue-api.js';
import type { Logger } from '../../log.js';
import { OutLink } from './link-kit.js';
import { AmqpEvents } from './log-events.js';
import type { OutboundMessage } from './message-codec.js';

export interface ServiceBoundOptions<T> {
  /** For logs: `feedback` or `file-notifications`. */
  name: string;
  /** The core queue the records come from. */
  queue: ServiceQueueApi<T>;
  encode(batch: T[]): OutboundMessage;
  /** Records per message. */
  batchMax: number;
  /**
   * How long newly available records wait for more before a partial batch is sent, ms. A
   * receiver that attaches or gets credit is served at once with whatever is waiting.
   */
  delayMs: number;
  log: Logger;
}

type Settlement = 'complete' | 'release' | 'unsent';

interface Receiver {
  out: OutLink;
  /** Unsettled deliveries → the lease each carries. */
  unsettled: Map<Delivery, string>;
}

/**
 * Logs each time the core drops records of a service-bound queue (full, expired), with the
 * reason; returns the unsubscribe. Separate from the queue's consumer, which exists only once an
 * AMQP client has connected.
 */
export function logServiceQueueDrops<T>(queue: ServiceQueueApi<T>, name: string, log: Logger): () => void {
  return queue.onDropped((reason, count) => AmqpEvents.serviceBoundDropped(log, name, reason, count));
}

/** One head-wide consumer of a core service-bound queue, feeding every attached receiver link. */
export class ServiceBoundQueue<T> {
  private readonly receivers = new Map<Sender, Receiver>();
  private readonly unsubscribe: Array<() => void>;
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  private closed = false;

  constructor(private readonly options: ServiceBoundOptions<T>) {
    this.unsubscribe = [options.queue.onAvailable(() => this.available())];
  }

  /** A service receiver attached: it takes batches as its credit allows (from the first flow on). */
  attach(sender: Sender): void {
    const receiver: Receiver = { out: new OutLink(sender, 0, () => this.flush()), unsettled: new Map() };
    this.receivers.set(sender, receiver);
    const settledWith = (outcome: Settlement) => (c: EventContext): void => {
      const token = c.delivery === undefined ? undefined : receiver.unsettled.get(c.delivery);
      if (c.delivery === undefined || token === undefined) return;
      receiver.unsettled.delete(c.delivery);
      if (!c.delivery.remote_settled) c.delivery.update(true);
      this.settle(token, outcome);
    };
    sender.on('accepted', settledWith('complete'));
    // A rejected record is the receiver's decision to drop it, as for any AMQP queue.
    sender.on('rejected', settledWith('complete'));
    // rhea also reports `modified` as `released` by default; either way the batch goes back.
    sender.on('released', settledWith('release'));
    sender.on('modified', settledWith('release'));
    // Settled with no outcome (the outcome handlers above ran first and took the rest):
    // nothing says the receiver kept it, so it is delivered again.
    sender.on('settled', settledWith('release'));
  }

  /** The receiver's link is gone: every batch it had not settled goes back to the queue. */
  detach(sender: Sender): void {
    const receiver = this.receivers.get(sender);
    if (receiver === undefined) return;
    this.receivers.delete(sender);
    receiver.out.close();
    const tokens = [...receiver.unsettled.values()];
    receiver.unsettled.clear();
    for (const token of tokens) this.settle(token, 'release');
  }

  /** Stops listening to the core (head closing); links still attached release on detach. */
  close(): void {
    this.closed = true;
    this.clearTimer();
    for (const off of this.unsubscribe.splice(0)) off();
  }

  /** Records became available in the core: send soon, or at once when a full batch is waiting. */
  private available(): void {
    if (this.closed || this.receivers.size === 0 || this.timer !== undefined) return;
    const full = this.options.queue.availableCount() >= this.options.batchMax;
    // Never synchronously: this runs inside the core's append or release.
    this.timer = setTimeout(() => this.flush(), full ? 0 : this.options.delayMs);
  }

  private flush(): void {
    this.clearTimer();
    if (this.closed) return;
    const receivers = [...this.receivers.values()];
    for (;;) {
      // No receiver has credit: their next flow calls flush again.
      const receiver = this.pick(receivers);
      if (receiver === undefined) return;
      const lease = this.options.queue.lease(this.options.batchMax);
      if (lease === undefined) return;
      let message: OutboundMessage;
      try {
        message = this.options.encode(lease.records);
      } catch (err) {
        // Records that cannot be encoded never will be: dropped, or they would block the queue.
        AmqpEvents.serviceBoundFailed(this.options.log, this.options.name, 'encode', err);
        this.settle(lease.lockToken, 'complete');
        continue;
      }
      const delivery = receiver.out.trySend(message);
      if (delivery === undefined) {
        // Not sent after all: the records go back, no delivery counted.
        this.settle(lease.lockToken, 'unsent');
        return;
      }
      // A receiver that asked for pre-settled transfers settles nothing: sent is done.
      if (delivery.settled) this.settle(lease.lockToken, 'complete');
      else receiver.unsettled.set(delivery, lease.lockToken);
    }
  }

  /** Settles a lease in the core; a failed write leaves the records stored (redelivered after a restart). */
  private settle(lockToken: string, outcome: Settlement): void {
    const { queue, log, name } = this.options;
    const done = outcome === 'complete' ? queue.complete(lockToken) : queue.release(lockToken, { delivered: outcome === 'release' });
    done.catch((err: unknown) => AmqpEvents.serviceBoundFailed(log, name, outcome, err));
  }

  /** The next receiver with credit, round-robin. */
  private pick(receivers: Receiver[]): Receiver | undefined {
    for (let i = 0; i < receivers.length; i++) {
      const r = receivers[(this.next + i) % receivers.length];
      if (r?.out.canSend()) {
        this.next = (this.next + i + 1) % receivers.length;
        return r;
      }
    }
    return undefined;
  }

  private clearTimer(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
