/**
 * The encoded values of records appended recently, kept in memory up to a byte budget, so that a
 * lease of what was just appended (the usual case while the upstream keeps up) takes them from
 * here instead of reading them back from the store. Only a cache: every record is durable in the
 * store first, a record not found here is read from the store, and a full cache takes no more
 * (the oldest entries are the ones the next leases need, so they are kept, not evicted).
 */
export class HotRecords {
  readonly #values = new Map<number, Uint8Array>();
  readonly #maxBytes: number;
  #bytes = 0;

  /** `maxBytes` 0 turns the cache off. */
  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  /** Bytes of the values held. */
  get bytes(): number {
    return this.#bytes;
  }

  get size(): number {
    return this.#values.size;
  }

  /** Keeps the durable record `id`'s value if it fits the budget. */
  put(id: number, value: Uint8Array): void {
    if (this.#bytes + value.byteLength > this.#maxBytes || this.#values.has(id)) return;
    this.#values.set(id, value);
    this.#bytes += value.byteLength;
  }

  /** Removes and returns `id`'s value, or undefined when it is not held. */
  take(id: number): Uint8Array | undefined {
    const value = this.#values.get(id);
    if (value === undefined) return undefined;
    this.#values.delete(id);
    this.#bytes -= value.byteLength;
    return value;
  }

  /** Forgets `id` (its record was removed). */
  drop(id: number): void {
    this.take(id);
  }
}
