/**
 * For unit tests of the upstream AMQP link: a stand-in for a rhea sender with rhea's counters.
 * `send` queues a delivery without touching `credit`; `transfer()` is what rhea's next processing
 * pass does (credit-1, delivery_count+1); `settle(n, outcome)` is the peer's disposition.
 */
import { EventEmitter } from 'node:events';
import type { Delivery } from 'rhea';

export class FakeSender extends EventEmitter {
  credit = 0;
  delivery_count = 0;
  sent: unknown[] = [];
  readonly deliveries: Delivery[] = [];
  private untransferred = 0;
  open = true;
  is_open(): boolean { return this.open; }
  sendable(): boolean { return this.credit > 0; }
  send(m: unknown): Delivery {
    this.sent.push(m);
    this.untransferred++;
    const delivery = { id: this.sent.length } as unknown as Delivery;
    this.deliveries.push(delivery);
    return delivery;
  }
  transfer(): void {
    const n = Math.min(this.untransferred, this.credit);
    this.credit -= n;
    this.delivery_count += n;
    this.untransferred -= n;
  }
  grant(n: number): void {
    this.credit += n;
    this.emit('sendable');
  }
  /** The peer settles the n-th delivery (0-based) with `outcome` (`accepted`, `rejected`, `released`). */
  settle(n: number, outcome: 'accepted' | 'rejected' | 'released'): void {
    this.emit(outcome, { delivery: this.deliveries[n] });
  }
}
