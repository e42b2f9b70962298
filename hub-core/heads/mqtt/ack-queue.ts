/**
 * Keeps QoS 1 PUBACKs in arrival order. A PUBACK goes out only once its message is durable
 * (architecture.md: acknowledge only what is durable), and PUBACKs leave in the order the
 * PUBLISHes came in [MQTT-4.6.0-2], even if two store writes resolve out of order.
 */

/** An opaque handle for one pending acknowledgement. */
export interface AckHandle {
  readonly packetId: number;
}

interface Entry extends AckHandle {
  done: boolean;
}

/** An ordered queue of pending acknowledgements for one connection. */
export class AckQueue {
  // A plain array with a head index: shift() would be O(n) on long pipelines.
  private entries: Entry[] = [];
  private head = 0;

  /** @param send Writes one PUBACK; called in arrival order only. */
  constructor(private readonly send: (packetId: number) => void) {}

  /** Registers an arriving QoS 1 PUBLISH; call {@link AckQueue.settle} with the handle when durable. */
  push(packetId: number): AckHandle {
    const entry: Entry = { packetId, done: false };
    this.entries.push(entry);
    return entry;
  }

  /** Marks an entry durable and sends every PUBACK that is now at the front. */
  settle(handle: AckHandle): void {
    (handle as Entry).done = true;
    while (this.head < this.entries.length && this.entries[this.head]!.done) {
      this.send(this.entries[this.head]!.packetId);
      this.head++;
    }
    if (this.head === this.entries.length) {
      this.entries = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.entries = this.entries.slice(this.head);
      this.head = 0;
    }
  }

  /** Messages received but not yet acknowledged. */
  get pending(): number {
    return this.entries.length - this.head;
  }

  /** Drops everything (the connection is closing; nothing more is acknowledged). */
  clear(): void {
    this.entries = [];
    this.head = 0;
  }
}
