/**
 * A route pipeline's checkpoint: the last telemetry seq every target of the pipeline accepted,
 * and how it is persisted.
 *
 * - Eager (`intervalMs` 0, the default): `advance` resolves once the new value is written; if the
 *   write fails the value does not move, and the pipeline routes the batch again.
 * - Lazy (`intervalMs` > 0): `advance` moves the value at once and writes it at most once per
 *   interval (and on `flush`). A crash then routes again what was accepted since the last write:
 *   only for targets that recognise a batch they already took (the outbox, by hub seq).
 *
 * Writes never overtake each other: one is in flight at a time, and each writes the newest value.
 */
import type { Clock } from '../../hub-core/core/api.js';
import type { TimerHandle } from '../../hub-core/core/clock.js';
import { decodeJson, encodeJson, type BatchOp, type Store } from '../../hub-core/store/store.js';

const KEY = 'checkpoint';

/** Options of {@link Checkpoint}. */
export interface CheckpointOptions {
  store: Store;
  clock: Clock;
  /** Writes the checkpoint op (e.g. through the hub's group commit); default `store.put`. */
  write?: (ops: BatchOp[]) => Promise<void>;
  /** With the default writer: fsync each write. */
  sync: boolean;
  /** 0: write with every advance; else at most once per this many ms. */
  intervalMs: number;
  /** A lazy write failed (retried at the next interval); `undefined` when one succeeded again. */
  onWriteResult(err: unknown): void;
}

/** See the file comment. */
export class Checkpoint {
  readonly #o: CheckpointOptions;
  #value = 0;
  #persisted = 0;
  #writing: Promise<void> | undefined;
  #timer: TimerHandle | undefined;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #closed = false;

  constructor(options: CheckpointOptions) {
    this.#o = options;
  }

  /** The last seq all targets accepted (in memory; persisted at most `intervalMs` later). */
  get value(): number {
    return this.#value;
  }

  /** Reads the stored value; undefined when there is none. */
  async load(): Promise<number | undefined> {
    const stored = await this.#o.store.get(KEY);
    if (stored === undefined) return undefined;
    this.#value = this.#persisted = decodeJson<number>(stored);
    return this.#value;
  }

  /** Sets the value and writes it now, whatever the mode (start-up decisions). */
  async reset(value: number): Promise<void> {
    this.#value = value;
    await this.#write(value);
  }

  /** Moves to `seq`. Eager: resolves once written (rejects, not moved, when the write fails). */
  async advance(seq: number): Promise<void> {
    if (this.#o.intervalMs <= 0) {
      await this.#write(seq);
      this.#value = seq;
      return;
    }
    this.#value = seq;
    const due = this.#lastWriteAt + this.#o.intervalMs - this.#o.clock.now();
    if (due <= 0) void this.#lazyWrite();
    else this.#timer ??= this.#o.clock.setTimeout(() => {
      this.#timer = undefined;
      void this.#lazyWrite();
    }, due);
  }

  /** Writes the current value if it is newer than the stored one; no more lazy writes after this. */
  async flush(): Promise<void> {
    this.#closed = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    await this.#writing;
    if (this.#value > this.#persisted) await this.#write(this.#value);
  }

  async #lazyWrite(): Promise<void> {
    if (this.#closed || this.#writing !== undefined || this.#value <= this.#persisted) return;
    try {
      await this.#write(this.#value);
      this.#o.onWriteResult(undefined);
    } catch (err) {
      this.#o.onWriteResult(err);
    }
    // Moved on while writing: write again once the interval allows.
    if (!this.#closed && this.#value > this.#persisted) void this.advance(this.#value);
  }

  async #write(value: number): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    this.#lastWriteAt = this.#o.clock.now();
    const write = this.#o.write === undefined
      ? this.#o.store.put(KEY, encodeJson(value), { sync: this.#o.sync })
      : this.#o.write([{ type: 'put', key: KEY, value: encodeJson(value), sublevel: this.#o.store }]);
    this.#writing = write.then(() => undefined, () => undefined);
    try {
      await write;
      this.#persisted = Math.max(this.#persisted, value);
    } finally {
      this.#writing = undefined;
    }
  }
}
