/**
 * The outbox's write queue: every change (appends, acks, drops, dead letters) is submitted here
 * and written one batch at a time, in submission order; submissions that arrive while a batch is
 * in flight are merged into the next one. Serial writes are what keep per-identity order without
 * further bookkeeping: a record becomes leasable (its `commit` runs) only after every earlier
 * submission was written, and a delete can never overtake the put of the same key.
 */
import type { BatchOp } from '../../hub-core/store/index.js';
import type { OutboxWriteFn } from './outbox-types.js';

/** Ops merged into one batch at most (a single submission is never split). */
const MAX_BATCH_OPS = 4096;

interface Job {
  ops: BatchOp[];
  commit: (() => void) | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Serial, merging writer over an {@link OutboxWriteFn}. */
export class SerialWriter {
  readonly #write: OutboxWriteFn;
  #queue: Job[] = [];
  #running = false;
  #idle: (() => void)[] = [];

  constructor(write: OutboxWriteFn) {
    this.#write = write;
  }

  /**
   * Queues `ops`; resolves once they are written. `commit` runs synchronously right after the
   * batch holding them was written and before this resolves (in submission order), so memory
   * follows the store in the store's order. A failed batch rejects every submission in it and
   * runs no commit.
   */
  submit(ops: BatchOp[], commit?: () => void): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, commit, resolve, reject });
      if (!this.#running) {
        this.#running = true;
        // A microtask later: every submission of this synchronous turn joins the first batch.
        queueMicrotask(() => void this.#run());
      }
    });
  }

  /** Resolves when everything submitted so far is written (or failed). */
  idle(): Promise<void> {
    if (!this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #run(): Promise<void> {
    while (this.#queue.length > 0) {
      const group = this.#take();
      const ops = group.length === 1 ? group[0]!.ops : group.flatMap((j) => j.ops);
      let failure: { err: unknown } | undefined;
      try {
        if (ops.length > 0) await this.#write(ops);
      } catch (err) {
        failure = { err };
      }
      for (const job of group) {
        if (failure !== undefined) {
          job.reject(failure.err);
          continue;
        }
        try {
          job.commit?.();
          job.resolve();
        } catch (err) {
          job.reject(err);
        }
      }
    }
    this.#running = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  /** Whole jobs from the front of the queue, up to the op limit (at least one job). */
  #take(): Job[] {
    let n = 0;
    let ops = 0;
    for (const job of this.#queue) {
      if (n > 0 && ops + job.ops.length > MAX_BATCH_OPS) break;
      n++;
      ops += job.ops.length;
    }
    return this.#queue.splice(0, n);
  }
}
