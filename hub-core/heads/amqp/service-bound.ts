/**
 * A head-wide stream of records for service receivers: delivery feedback
 * (`/messages/serviceBound/feedback`) and file-upload notifications
 * (`/messages/serviceBound/filenotifications`). Records are batched (feedback: ≤ 64 per message,
 * wire contract E) and handed to one attached receiver with credit, round-robin, like a queue
 * with competing consumers. A batch the receiver releases, or leaves unsettled when its link
 * goes, is queued again.
 *
 * Not durable: records produced while no receiver is attached are dropped (counted and
 * logged), and pending ones are lost on restart. IoT Hub keeps feedback for a while; the core
 * does not persist it yet (see NOTES-for-core.md).
 */
import type { Delivery, EventContext, Sender } from 'rhea';
import type { Logger } from '../../log.js';
import { OutLink } from './link-kit.js';
import { AmqpEvents } from './log-events.js';
import type { OutboundMessage } from './message-codec.js';

export interface ServiceBoundOptions<T> {
  /** For logs: `feedback` or `file-notifications`. */
  name: string;
  encode(batch: T[]): OutboundMessage;
  /** Records per message. */
  batchMax: number;
  /** How long a partial batch waits for more records, ms. */
  delayMs: number;
  /** Records held while receivers have no credit; the oldest are dropped beyond. */
  maxPending: number;
  log: Logger;
}

interface Receiver {
  out: OutLink;
  unsettled: Map<Delivery, unknown[]>;
}

export class ServiceBoundQueue<T> {
  private pending: T[] = [];
  private readonly receivers = new Map<Sender, Receiver>();
  private timer: NodeJS.Timeout | undefined;
  private next = 0;
  /** Records dropped since start (no receiver, or over maxPending). */
  dropped = 0;

  constructor(private readonly options: ServiceBoundOptions<T>) {}

  /** A service receiver attached: it takes batches as its credit allows. */
  attach(sender: Sender): void {
    const receiver: Receiver = { out: new OutLink(sender, 0, () => this.flush()), unsettled: new Map() };
    this.receivers.set(sender, receiver);
    const settledWith = (requeue: boolean) => (c: EventContext): void => {
      const batch = c.delivery === undefined ? undefined : receiver.unsettled.get(c.delivery);
      if (c.delivery === undefined || batch === undefined) return;
      receiver.unsettled.delete(c.delivery);
      if (!c.delivery.remote_settled) c.delivery.update(true);
      if (requeue) this.requeue(batch as T[]);
    };
    sender.on('accepted', settledWith(false));
    // A rejected record is the receiver's decision to drop it, as for any AMQP queue.
    sender.on('rejected', settledWith(false));
    sender.on('released', settledWith(true));
    sender.on('settled', settledWith(false));
  }

  /** The receiver's link is gone: what it had not settled goes back to the queue. */
  detach(sender: Sender): void {
    const receiver = this.receivers.get(sender);
    if (receiver === undefined) return;
    this.receivers.delete(sender);
    receiver.out.close();
    for (const batch of receiver.unsettled.values()) this.requeue(batch as T[]);
  }

  /** A new record from the core. */
  push(record: T): void {
    if (this.receivers.size === 0) {
      this.drop(1);
      return;
    }
    this.pending.push(record);
    if (this.pending.length > this.options.maxPending) {
      this.pending.shift();
      this.drop(1);
    }
    if (this.pending.length >= this.options.batchMax) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
  }

  /** Stops the batch timer (head closing). */
  close(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private requeue(batch: T[]): void {
    this.pending.unshift(...batch);
    this.timer ??= setTimeout(() => this.flush(), this.options.delayMs);
  }

  private flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    const receivers = [...this.receivers.values()];
    while (this.pending.length > 0 && receivers.length > 0) {
      const receiver = this.pick(receivers);
      // No receiver has credit: their next flow calls flush again.
      if (receiver === undefined) return;
      const batch = this.pending.splice(0, this.options.batchMax);
      const delivery = receiver.out.trySend(this.options.encode(batch));
      if (delivery === undefined) {
        this.pending.unshift(...batch);
        return;
      }
      receiver.unsettled.set(delivery, batch);
    }
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

  private drop(count: number): void {
    this.dropped += count;
    AmqpEvents.serviceBoundDropped(this.options.log, this.options.name, count);
  }
}
