/**
 * What the outbox keeps in memory per identity: the ids, sizes and ages of its durable records in
 * send order, and which of them are leased. No message bodies: a backlog costs about 24 bytes per
 * message here (three packed number arrays), the bodies stay in the store until a lease reads them.
 */
import type { IdentityRef } from '../../hub-core/core/index.js';

/** Compact the arrays once this many removed slots sit at their front (and they are half the array). */
const COMPACT_AT = 1024;

/** The queue of one identity; ids ascend from front to back. */
export class IdentityQueue {
  readonly ik: string;
  readonly ref: IdentityRef;
  /** Leased ids (in flight); they keep their place in the arrays until acked. */
  readonly leased = new Set<number>();
  #ids: number[] = [];
  #sizes: number[] = [];
  #times: number[] = [];
  /** Index of the first live slot: removal from the front is O(1). */
  #head = 0;

  constructor(ik: string, ref: IdentityRef) {
    this.ik = ik;
    this.ref = Object.freeze(ref);
  }

  /** Records queued, leased ones included. */
  get length(): number {
    return this.#ids.length - this.#head;
  }

  /** Id of the record `i` places from the front (0 = oldest). */
  idAt(i: number): number {
    return this.#ids[this.#head + i]!;
  }

  /** Stored bytes (key plus value) of the record at `i`. */
  sizeAt(i: number): number {
    return this.#sizes[this.#head + i]!;
  }

  /** When the outbox took the record at `i`, ms since the epoch. */
  timeAt(i: number): number {
    return this.#times[this.#head + i]!;
  }

  /** Adds a record; usually at the back (ids are handed out in order), else at its sorted place. */
  push(id: number, size: number, enqueuedAtMs: number): void {
    const n = this.#ids.length;
    if (n === this.#head || this.#ids[n - 1]! < id) {
      this.#ids.push(id);
      this.#sizes.push(size);
      this.#times.push(enqueuedAtMs);
      return;
    }
    const at = this.#search(id);
    if (this.#ids[at] === id) return;
    this.#ids.splice(at, 0, id);
    this.#sizes.splice(at, 0, size);
    this.#times.splice(at, 0, enqueuedAtMs);
  }

  /** Removes record `id`; returns its size, or -1 when it is not here. Does not touch `leased`. */
  remove(id: number): number {
    const at = this.#search(id);
    if (at >= this.#ids.length || this.#ids[at] !== id) return -1;
    const size = this.#sizes[at]!;
    if (at === this.#head) {
      this.#head++;
      if (this.#head === this.#ids.length) this.#reset();
      else if (this.#head >= COMPACT_AT && this.#head * 2 >= this.#ids.length) this.#compact();
    } else {
      // Out of order (an ack of a later lease first): rare, so a splice is fine.
      this.#ids.splice(at, 1);
      this.#sizes.splice(at, 1);
      this.#times.splice(at, 1);
    }
    return size;
  }

  /** Index (relative to the front) of the first record not leased, or -1. */
  firstFree(): number {
    for (let i = 0; i < this.length; i++) if (!this.leased.has(this.idAt(i))) return i;
    return -1;
  }

  /** Enqueued time of the front record (leased or not); undefined when empty. */
  oldestTime(): number | undefined {
    return this.length === 0 ? undefined : this.timeAt(0);
  }

  /** First array index at or after the head whose id is >= `id`. */
  #search(id: number): number {
    let lo = this.#head;
    let hi = this.#ids.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#ids[mid]! < id) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  #reset(): void {
    this.#ids = [];
    this.#sizes = [];
    this.#times = [];
    this.#head = 0;
  }

  #compact(): void {
    this.#ids = this.#ids.slice(this.#head);
    this.#sizes = this.#sizes.slice(this.#head);
    this.#times = this.#times.slice(this.#head);
    this.#head = 0;
  }
}
