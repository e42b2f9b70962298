/**
 * The outbox's dead letters: messages the upstream refused for good and records that could not be
 * decoded, kept in their own sublevel for inspection, never retried. Bounded: past `max` the
 * oldest (lowest outbox id) are deleted in the same batch that adds new ones.
 *
 * Key: seqKey(outbox id). Value: [u32 BE n][n bytes of JSON {reason, atMs, ik}][the record value
 * as it was in the outbox, possibly unreadable]. Dead letters are rare, so JSON is fine here.
 */
import { parseSeqKey, seqKey, type BatchOp, type Store } from '../../hub-core/store/index.js';
import { decodeRecord, parseIdentityKey } from './outbox-record.js';
import type { OutboxDeadLetter } from './outbox-types.js';

interface DeadHeader {
  reason: string;
  atMs: number;
  ik: string | null;
}

/** The dead-letter sublevel and the ids it holds (kept in memory: at most `max` numbers). */
export class DeadLetters {
  readonly #store: Store;
  readonly #max: number;
  /** Ascending. */
  #ids: number[] = [];

  private constructor(store: Store, max: number) {
    this.#store = store;
    this.#max = max;
  }

  /** Opens over `store` (the sublevel), reading which ids it holds. */
  static async load(store: Store, max: number): Promise<DeadLetters> {
    const dead = new DeadLetters(store, max);
    for await (const key of store.keys()) dead.#ids.push(parseSeqKey(key));
    return dead;
  }

  get count(): number {
    return this.#ids.length;
  }

  /** Highest id held, or -1. */
  get maxId(): number {
    return this.#ids.length === 0 ? -1 : this.#ids[this.#ids.length - 1]!;
  }

  /**
   * Adds the put of a dead letter (and the deletes of the oldest beyond the bound) to `ops`.
   * Memory is updated at once: if the batch then fails the count is off until the next open.
   */
  stage(ops: BatchOp[], id: number, ik: string | null, reason: string, atMs: number, record: Uint8Array): void {
    const header = Buffer.from(JSON.stringify({ reason, atMs, ik } satisfies DeadHeader), 'utf8');
    const value = Buffer.allocUnsafe(4 + header.length + record.byteLength);
    value.writeUInt32BE(header.length, 0);
    header.copy(value, 4);
    value.set(record, 4 + header.length);
    ops.push({ type: 'put', key: seqKey(id), value, sublevel: this.#store });
    this.#insert(id);
    while (this.#ids.length > this.#max) {
      ops.push({ type: 'del', key: seqKey(this.#ids.shift()!), sublevel: this.#store });
    }
  }

  /** The dead letters, oldest first, at most `limit`. */
  async list(limit = 100): Promise<OutboxDeadLetter[]> {
    const out: OutboxDeadLetter[] = [];
    for await (const [key, value] of this.#store.iterate({ limit })) out.push(parse(parseSeqKey(key), value));
    return out;
  }

  #insert(id: number): void {
    let at = this.#ids.length;
    while (at > 0 && this.#ids[at - 1]! > id) at--;
    if (this.#ids[at - 1] !== id) this.#ids.splice(at, 0, id);
  }
}

function parse(id: number, value: Uint8Array): OutboxDeadLetter {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  let header: DeadHeader = { reason: 'unreadable dead letter', atMs: 0, ik: null };
  let record: Uint8Array = new Uint8Array(0);
  if (buf.length >= 4 && 4 + buf.readUInt32BE(0) <= buf.length) {
    const n = buf.readUInt32BE(0);
    try {
      header = JSON.parse(buf.toString('utf8', 4, 4 + n)) as DeadHeader;
    } catch { /* keep the placeholder header */ }
    record = buf.subarray(4 + n);
  }
  let message;
  try {
    message = decodeRecord(record).telemetry.message;
  } catch {
    message = undefined;
  }
  return {
    id,
    ref: typeof header.ik === 'string' ? parseIdentityKey(header.ik) : undefined,
    reason: String(header.reason),
    deadLetteredAtMs: Number(header.atMs),
    message,
  };
}
