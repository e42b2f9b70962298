/**
 * The store contract shared by every part of fieldhub that persists data.
 * Backends: {@link MemoryStore} (memory.ts) and {@link LevelStore} (level.ts). Both pass
 * test/conformance/store, including reopen after an unclean stop (LevelStore).
 *
 * Keys are strings ordered by their UTF-8 bytes (use ASCII keys; pad numbers to a fixed width).
 * Values are bytes. A sublevel is a namespace inside the same store: its keys never collide with
 * the parent's or a sibling's, iteration stays inside it, and a batch on the root may write to
 * several sublevels atomically.
 */

export type StoreStatus = 'opening' | 'open' | 'closing' | 'closed';

export interface PutOp {
  type: 'put';
  key: string;
  value: Uint8Array;
  /** Write into this sublevel of the store the batch is called on (default: that store). */
  sublevel?: Store;
}
export interface DelOp {
  type: 'del';
  key: string;
  sublevel?: Store;
}
export type BatchOp = PutOp | DelOp;

export interface WriteOptions {
  /** fsync before resolving (survives a power cut). Default false: written to the OS (survives kill -9). */
  sync?: boolean;
}

export interface RangeOptions {
  gt?: string;
  gte?: string;
  lt?: string;
  lte?: string;
  /** Iterate from the highest key down. */
  reverse?: boolean;
  /** At most this many entries; -1 or undefined means no limit. */
  limit?: number;
}

export interface Store {
  readonly status: StoreStatus;
  /** Opens the store (the root opens its sublevels). Idempotent. */
  open(): Promise<void>;
  /** Closes the store. Idempotent. Calls after close fail with FH_STORE_NOT_OPEN. */
  close(): Promise<void>;
  /** The value, or undefined when the key is absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** Values for many keys at once, in order, undefined for absent keys. */
  getMany(keys: string[]): Promise<(Uint8Array | undefined)[]>;
  put(key: string, value: Uint8Array, options?: WriteOptions): Promise<void>;
  del(key: string, options?: WriteOptions): Promise<void>;
  /** Applies all ops atomically: after a crash either all or none are visible. */
  batch(ops: BatchOp[], options?: WriteOptions): Promise<void>;
  /** Entries in key order within the range, as [key, value] pairs. */
  iterate(range?: RangeOptions): AsyncIterableIterator<[string, Uint8Array]>;
  /** Keys only, in key order. */
  keys(range?: RangeOptions): AsyncIterableIterator<string>;
  /** Deletes every entry in the range. */
  clear(range?: RangeOptions): Promise<void>;
  /** The namespace `name` inside this store. Same object for the same name. Names: [a-z0-9-]+. */
  sublevel(name: string): Store;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a JSON value as store bytes. */
export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes store bytes written by {@link encodeJson}. */
export function decodeJson<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T;
}

/** Fixed-width, order-preserving key for a non-negative integer sequence number (16 hex digits). */
export function seqKey(seq: number): string {
  if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`seqKey: bad sequence ${seq}`);
  return seq.toString(16).padStart(16, '0');
}

/** Inverse of {@link seqKey}. */
export function parseSeqKey(key: string): number {
  return parseInt(key, 16);
}
