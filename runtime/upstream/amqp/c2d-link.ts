/**
 * One device's cloud-to-device receiver (`/devices/{d}/messages/devicebound`, wire contract C):
 * a message stays unsettled upstream until the gateway calls complete (accepted → feedback
 * Success), reject (rejected → dead-lettered, feedback Rejected) or abandon (released →
 * re-queued, one more delivery counted), exactly as the device SDK settles. Credit is the
 * number of messages the gateway may hold unsettled; each settlement gives one back.
 */
import type { Delivery, EventContext, Receiver } from 'rhea';
import type { Logger } from '../../../hub-core/log.js';
import type { UpstreamC2d } from '../link.js';
import { decodeC2d } from './codec.js';
import { AmqpLinkEvents } from './log-events.js';

export class C2dLink {
  private closed = false;

  constructor(
    readonly receiver: Receiver,
    private readonly credit: number,
    private readonly env: { identity: string; log: Logger; onC2d(c2d: UpstreamC2d): void },
  ) {
    receiver.on('message', (c: EventContext) => this.message(c));
  }

  /** Called once the attach came back: the upstream may start sending. */
  start(): void {
    this.receiver.add_credit(this.credit);
  }

  /** The link is gone: settlements after this are no-ops (the upstream re-queues what was unsettled). */
  fail(): void {
    this.closed = true;
  }

  private message(c: EventContext): void {
    const delivery = c.delivery;
    if (c.message === undefined || delivery === undefined) return;
    let message;
    try {
      message = decodeC2d(c.message);
    } catch (err) {
      AmqpLinkEvents.badC2d(this.env.log, this.env.identity, err);
      this.settle(delivery, (d) => d.release({ undeliverable_here: true }));
      return;
    }
    let settled = false;
    const once = (how: (d: Delivery) => void) => (): void => {
      if (settled) return;
      settled = true;
      this.settle(delivery, how);
    };
    this.env.onC2d({
      message,
      complete: once((d) => d.accept()),
      // The SDK rejects without an error; the hub dead-letters it.
      reject: once((d) => d.reject()),
      abandon: once((d) => d.release()),
    });
  }

  private settle(delivery: Delivery, how: (d: Delivery) => void): void {
    if (this.closed || !this.receiver.is_open()) return;
    how(delivery);
    this.receiver.add_credit(1);
  }
}
