/**
 * Group commit: writes from concurrent callers are merged into one root `batch()`, so durability
 * `power` pays one fsync per batch instead of one per message (SD-card wear, throughput).
 *
 * Callers queue ops; the queue is flushed on the next setImmediate, which gathers every caller
 * of the current event-loop turn (all socket reads of one poll phase). Batches are written one
 * at a time: while one is in flight new ops queue up and become the next batch. That serial
 * order is what keeps per-caller order and makes the fsync count fall as load rises.
 */
import type { BatchOp, Store } from './store.js';
import { assertKey, assertValue } from './validate.js';

/** Options for {@link GroupCommitter}. */
export interface GroupCommitterOptions {
  /** fsync each batch (durability `power`). Default false (durability `process`). */
  sync?: boolean;
  /** Most ops in one batch. Default 1000. One caller's `write()` is never split, even if larger. */
  maxBatchOps?: number;
  /** Most key+value bytes in one batch. Default 4 MiB. Same no-split rule as maxBatchOps. */
  maxBatchBytes?: number;
}

/** Counters for benchmarks and health: batches written, ops in them, failed batches. */
export interface GroupCommitStats {
  batches: number;
  ops: number;
  failedBatches: number;
  /** Ops queued and not yet written (in flight included). */
  pendingOps: number;
}

interface Entry {
  ops: BatchOp[];
  bytes: number;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Merges concurrent writes to one store into serial, atomic batches. */
export class GroupCommitter {
  readonly #store: Store;
  readonly #sync: boolean;
  readonly #maxOps: number;
  readonly #maxBytes: number;
  #queue: Entry[] = [];
  #scheduled = false;
  #inFlight = false;
  #idle: (() => void)[] = [];
  #stats = { batches: 0, ops: 0, failedBatches: 0, pendingOps: 0 };

  /** `store` is usually the root, so one batch can reach every sublevel. */
  constructor(store: Store, options: GroupCommitterOptions = {}) {
    this.#store = store;
    this.#sync = options.sync ?? false;
    this.#maxOps = positive(options.maxBatchOps ?? 1000, 'maxBatchOps');
    this.#maxBytes = positive(options.maxBatchBytes ?? 4 * 1024 * 1024, 'maxBatchBytes');
  }

  /** Puts `value` at `key` (in `sublevel` of the store when given). `value` is copied at once. */
  put(key: string, value: Uint8Array, sublevel?: Store): Promise<void> {
    return this.write([sublevel ? { type: 'put', key, value, sublevel } : { type: 'put', key, value }]);
  }

  /** Deletes `key` (in `sublevel` when given). */
  del(key: string, sublevel?: Store): Promise<void> {
    return this.write([sublevel ? { type: 'del', key, sublevel } : { type: 'del', key }]);
  }

  /**
   * Queues `ops` to be written atomically, in order after every earlier call, inside one batch.
   * Resolves once that batch is written (fsynced with `sync`); rejects with the batch's error,
   * which every caller in the failed batch receives.
   */
  write(ops: BatchOp[]): Promise<void> {
    let entry: Entry;
    try {
      entry = this.#entry(ops);
    } catch (err) {
      // A bad op is the caller's bug: reject it alone instead of failing the whole batch.
      return Promise.reject(err);
    }
    if (entry.ops.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      entry.resolve = resolve;
      entry.reject = reject;
      this.#queue.push(entry);
      this.#stats.pendingOps += entry.ops.length;
      this.#schedule();
    });
  }

  /** Resolves when everything queued so far is written (or failed). */
  flush(): Promise<void> {
    if (!this.#inFlight && !this.#scheduled && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** A snapshot of the counters. */
  get stats(): GroupCommitStats {
    return { ...this.#stats };
  }

  #entry(ops: BatchOp[]): Entry {
    if (!Array.isArray(ops)) throw new TypeError('GroupCommitter.write expects an array of operations');
    let bytes = 0;
    const copied = ops.map((op): BatchOp => {
      if (op === null || typeof op !== 'object') throw new TypeError('A batch operation must be an object');
      assertKey(op.key);
      bytes += op.key.length;
      if (op.type === 'del') return { ...op };
      if (op.type !== 'put') throw new TypeError("A batch operation's type must be 'put' or 'del'");
      assertValue(op.value);
      bytes += op.value.byteLength;
      // Copied because the write happens a turn later and the caller may reuse its buffer.
      return { ...op, value: new Uint8Array(op.value) };
    });
    return { ops: copied, bytes, resolve: noop, reject: noop };
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#inFlight = true;
    try {
      while (this.#queue.length > 0) {
        const group = this.#take();
        const ops = group.length === 1 ? group[0]!.ops : group.flatMap((e) => e.ops);
        try {
          await this.#store.batch(ops, { sync: this.#sync });
          this.#stats.batches++;
          this.#stats.ops += ops.length;
          this.#stats.pendingOps -= ops.length;
          for (const e of group) e.resolve();
        } catch (err) {
          this.#stats.failedBatches++;
          this.#stats.pendingOps -= ops.length;
          for (const e of group) e.reject(err);
        }
      }
    } finally {
      this.#inFlight = false;
      for (const resolve of this.#idle.splice(0)) resolve();
    }
  }

  /** The next batch: whole entries from the front of the queue, within the limits (at least one). */
  #take(): Entry[] {
    let n = 0;
    let ops = 0;
    let bytes = 0;
    for (const e of this.#queue) {
      if (n > 0 && (ops + e.ops.length > this.#maxOps || bytes + e.bytes > this.#maxBytes)) break;
      n++;
      ops += e.ops.length;
      bytes += e.bytes;
    }
    return this.#queue.splice(0, n);
  }
}

function positive(n: number, name: string): number {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`GroupCommitter: ${name} must be a positive integer`);
  return n;
}

function noop(): void {}
