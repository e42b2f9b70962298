/**
 * A rhea sender that never hands rhea more than the peer's credit, with a bounded FIFO for the
 * rest. rhea's `sendable()` still says yes for deliveries queued in the same tick (credit is
 * only decremented when the session writes the transfer), and a delivery without credit at the
 * head of a session's queue stalls every other link of that session. So the credit left is
 * computed here: rhea's credit minus the deliveries handed over but not yet transferred.
 */
import type { Delivery, Message as AmqpMessage, Sender } from 'rhea';

/** rhea keeps these on the link but does not type them. */
interface SenderCounters {
  credit: number;
  delivery_count: number;
}

export interface QueuedSend {
  message: AmqpMessage;
  /** Called when rhea took the message (it goes on the wire in this order). */
  onSent(delivery: Delivery): void;
}

export class CreditSender {
  private readonly queue: QueuedSend[] = [];
  /** Deliveries handed to rhea on this link. */
  private handed = 0;
  private closed = false;

  constructor(readonly link: Sender, private readonly maxQueued: number) {
    link.on('sendable', () => this.pump());
    link.on('sender_flow', () => this.pump());
  }

  /** Credit not yet used by a delivery handed to rhea. */
  available(): number {
    const c = this.link as unknown as SenderCounters;
    // A drain (delivery_count jumps ahead) leaves nothing untransferred.
    if (c.delivery_count > this.handed) this.handed = c.delivery_count;
    return c.credit - (this.handed - c.delivery_count);
  }

  /** Queues `entry` behind earlier ones; false when the queue is full or the link is done. */
  send(entry: QueuedSend): boolean {
    if (this.closed || this.queue.length >= this.maxQueued) return false;
    this.queue.push(entry);
    this.pump();
    return true;
  }

  /** Removes a queued entry that has not been handed to rhea yet. */
  cancel(entry: QueuedSend): boolean {
    const i = this.queue.indexOf(entry);
    if (i < 0) return false;
    this.queue.splice(i, 1);
    return true;
  }

  get backlog(): number {
    return this.queue.length;
  }

  /** The link is gone: nothing more is sent; the queued entries are returned to their owners. */
  close(): QueuedSend[] {
    this.closed = true;
    return this.queue.splice(0);
  }

  pump(): void {
    while (this.queue.length > 0 && !this.closed && this.link.is_open() && this.link.sendable() && this.available() > 0) {
      const next = this.queue.shift() as QueuedSend;
      const delivery = this.link.send(next.message);
      this.handed++;
      next.onSent(delivery);
    }
  }
}
