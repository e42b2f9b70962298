/**
 * The route pipeline: reads the hub core's telemetry log in order from a persisted checkpoint,
 * asks the router where each message goes, hands each sink's share of the batch to its
 * {@link RouteTarget}, waits until every target accepted the batch, and only then writes the new
 * checkpoint. So a restart (even after kill -9) resumes after the last batch all targets took:
 * at-least-once, and no stored message is skipped. A target that rejects is retried with capped,
 * jittered backoff without advancing; the targets that already took the batch are not called
 * again in this run (after a restart they may see it again).
 *
 * Where a batch comes from: `onAppend` wakes the pipeline and hands it each message once it is
 * durable. While the pipeline keeps up, those messages continue its checkpoint and are routed
 * from memory (the tail: at most one batch, {@link TAIL_MAX_BYTES} of bodies); otherwise (behind,
 * after a restart, a gap, or a tail that overflowed) the batch is read from `telemetry.read`. The
 * tail is only taken when its first seq is the one after the checkpoint and only up to its first
 * hole, so both ways route the same messages in the same order, and memory stays bounded.
 */
import type { Clock, TelemetryService } from '../../hub-core/core/api.js';
import { systemClock } from '../../hub-core/core/clock.js';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { childLogger, silentLogger, type Logger } from '../../hub-core/log.js';
import type { BatchOp, Store } from '../../hub-core/store/store.js';
import { Checkpoint } from './checkpoint.js';
import { sinkKey, type RouteSink } from './route-parser.js';
import type { Router } from './router.js';

/** Where the sinks of one kind or name deliver: the outbox, a module input, a file... */
export interface RouteTarget {
  /**
   * Takes this target's messages of one batch, in seq order. Resolve once they are accepted
   * (as durable as the target promises); reject (for example FH_OUTBOX_FULL, FH_SINK_FAILED) to
   * be called again with the same items after a backoff: the pipeline does not move on until it
   * resolves. A message the target can never take (too large, unknown module) must not make it
   * reject forever: drop it and count it inside the target.
   */
  deliver(items: readonly StoredTelemetry[]): Promise<void>;
}

/** Options of {@link createRoutePipeline}. */
export interface RoutePipelineOptions {
  /** The hub core's telemetry log (`core.telemetry`). */
  telemetry: Pick<TelemetryService, 'read' | 'onAppend' | 'lastSeq' | 'holdRetention'>;
  router: Router;
  /** A store namespace for the pipeline alone (e.g. `root.sublevel('routes')`): it holds the checkpoint. Must stay open until close() resolved. */
  store: Store;
  /** The target of each sink, asked once per sink of `router.sinks` when the pipeline is created. */
  targetFor(sink: RouteSink): RouteTarget;
  /** Timers for the backoff. Default the system clock. */
  clock?: Clock;
  /** Default silent. The pipeline logs under `fieldhub:routes`. */
  logger?: Logger;
  /** Most messages read and routed per batch. Default 512. */
  batchSize?: number;
  /** First retry delay after a rejection, ms. Default 100. */
  retryInitialMs?: number;
  /** Longest retry delay, ms. Default 30000. */
  retryMaxMs?: number;
  /** fsync each checkpoint write. Default false (a lost checkpoint only means messages routed again). */
  syncCheckpoint?: boolean;
  /**
   * Writes the checkpoint (an atomic batch, e.g. through the hub's group commit, which then decides
   * about fsync instead of syncCheckpoint). Default `store.put`.
   */
  writeCheckpoint?: (ops: BatchOp[]) => Promise<void>;
  /**
   * Write the checkpoint at most once per this many ms instead of after every batch. Only for
   * targets that skip a batch they already took (the outbox, by hub seq): after a crash what was
   * routed since the last write is routed again. Default 0 (after every batch).
   */
  checkpointIntervalMs?: number;
  /** Where a pipeline with no stored checkpoint starts: every stored message, or only new ones. Default `oldest`. */
  startAt?: 'oldest' | 'latest';
}

/** One target in {@link RoutePipelineStatus}. */
export interface RouteTargetStatus {
  /** The sink's key, e.g. `$upstream`, `Sink("archive")`. */
  sink: string;
  /** Messages it accepted since start. */
  delivered: number;
  /** Rejections in a row (0 when healthy). */
  failures: number;
  /** The last rejection, kept until the target accepts again. */
  lastError?: { code?: string; message: string; at: string };
}

/** What `status()` reports (health). */
export interface RoutePipelineStatus {
  /** `retrying`: a target or the store failed and the batch waits for a retry. */
  state: 'stopped' | 'running' | 'retrying' | 'closed';
  /** The last seq all targets accepted, as persisted. */
  checkpoint: number;
  /** `telemetry.lastSeq() - checkpoint`: messages not yet routed (includes seqs whose write failed). */
  lag: number;
  /** Messages routed since start, and how many of them matched no route. */
  routed: number;
  unrouted: number;
  /**
   * Sequence numbers never seen between checkpoints: messages retention removed before they were
   * routed (older than limits.telemetryMaxHoldMs, or from before this pipeline existed), or writes
   * that failed.
   */
  gaps: number;
  /** Batches routed since start: `fromTail` as announced by the log's appends, `fromLog` read back from it. */
  batches: { fromTail: number; fromLog: number };
  targets: RouteTargetStatus[];
  /** The last failure to read the log or write the checkpoint, kept until the next success. */
  storeError?: { code?: string; message: string; at: string };
}

/** Most body bytes the tail holds; past that (or past batchSize messages) appends are read from the log. */
const TAIL_MAX_BYTES = 4 * 1024 * 1024;

interface TargetState {
  key: string;
  target: RouteTarget;
  status: RouteTargetStatus;
}

function describeError(err: unknown, at: number): { code?: string; message: string; at: string } {
  const e = err as { code?: unknown; message?: unknown };
  const out: { code?: string; message: string; at: string } = { message: typeof e?.message === 'string' ? e.message : String(err), at: new Date(at).toISOString() };
  if (typeof e?.code === 'string') out.code = e.code;
  return out;
}

/** The pipeline. Create with {@link createRoutePipeline}, then `start()`; `close()` before closing the store. */
export class RoutePipeline {
  readonly #o: Required<Omit<RoutePipelineOptions, 'logger' | 'syncCheckpoint' | 'writeCheckpoint' | 'checkpointIntervalMs'>>;
  readonly #log: Logger;
  readonly #targets = new Map<RouteSink, TargetState>();
  #state: RoutePipelineStatus['state'] = 'stopped';
  readonly #checkpoint: Checkpoint;
  #routed = 0;
  #unrouted = 0;
  #gaps = 0;
  #storeError: RoutePipelineStatus['storeError'];
  #starting: Promise<void> | undefined;
  #loop: Promise<void> | undefined;
  #closing = false;
  #appended = false;
  #wake: (() => void) | undefined;
  #cancelSleep: (() => void) | undefined;
  #unsubscribe: (() => void) | undefined;
  #releaseHold: (() => void) | undefined;
  /** Messages announced by onAppend and not routed yet, in the order announced (see the file comment). */
  #tail: StoredTelemetry[] = [];
  #tailBytes = 0;
  /** Batches routed from the tail and read from the log (status). */
  #fromTail = 0;
  #fromLog = 0;

  constructor(options: RoutePipelineOptions) {
    const batchSize = options.batchSize ?? 512;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('RoutePipeline: batchSize must be a positive integer');
    this.#o = {
      telemetry: options.telemetry, router: options.router, store: options.store, targetFor: options.targetFor,
      clock: options.clock ?? systemClock, batchSize, retryInitialMs: Math.max(1, options.retryInitialMs ?? 100),
      retryMaxMs: Math.max(1, options.retryMaxMs ?? 30_000), startAt: options.startAt ?? 'oldest',
    };
    this.#log = childLogger(options.logger ?? silentLogger(), 'routes');
    this.#checkpoint = new Checkpoint({
      store: options.store, clock: this.#o.clock, sync: options.syncCheckpoint ?? false, intervalMs: Math.max(0, options.checkpointIntervalMs ?? 0),
      ...(options.writeCheckpoint !== undefined ? { write: options.writeCheckpoint } : {}),
      // A lazy write runs beside the loop: it reports the store's health, never the loop's state.
      onWriteResult: (err) => {
        if (err !== undefined) this.#noteStoreError(err, 'write the route checkpoint');
        else this.#clearStoreError();
      },
    });
    for (const sink of options.router.sinks) this.#stateFor(sink);
  }

  #stateFor(sink: RouteSink): TargetState {
    let state = this.#targets.get(sink);
    if (state === undefined) {
      const key = sinkKey(sink);
      state = { key, target: this.#o.targetFor(sink), status: { sink: key, delivered: 0, failures: 0 } };
      this.#targets.set(sink, state);
    }
    return state;
  }

  /** Loads the checkpoint and starts routing; resolves once running. Idempotent. */
  start(): Promise<void> {
    if (this.#closing) return Promise.reject(new Error('RoutePipeline: closed'));
    this.#starting ??= this.#start();
    return this.#starting;
  }

  async #start(): Promise<void> {
    const stored = await this.#checkpoint.load();
    const lastSeq = this.#o.telemetry.lastSeq();
    if (stored !== undefined) {
      if (stored > lastSeq) {
        // Not from this log (its store was replaced): new messages would get seqs at or below the
        // checkpoint and be skipped. Start over at the log's end instead.
        this.#log.warn({ checkpoint: stored, lastSeq }, 'route checkpoint is past the end of the telemetry log; starting at its end');
        await this.#checkpoint.reset(lastSeq);
      }
    } else if (this.#o.startAt === 'latest') {
      await this.#checkpoint.reset(lastSeq);
    }
    if (this.#closing) return;
    // What this sink has not taken yet outlives the retention (up to telemetryMaxHoldMs): a sink
    // that is away for a while loses nothing.
    this.#releaseHold = this.#o.telemetry.holdRetention(() => this.#checkpoint.value + 1);
    this.#unsubscribe = this.#o.telemetry.onAppend((message) => {
      this.#remember(message);
      this.#appended = true;
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    });
    this.#state = 'running';
    this.#log.info({ checkpoint: this.#checkpoint.value, lastSeq: this.#o.telemetry.lastSeq() }, 'route pipeline started');
    this.#loop = this.#run().catch((err: unknown) => {
      // Not expected (every step retries); logged so a bug cannot stop routing silently.
      this.#log.error({ err }, 'route pipeline stopped on an unexpected error');
      this.#state = 'stopped';
    });
  }

  /** Stops: waits for the batch in flight (and its checkpoint), then returns. Idempotent. */
  async close(): Promise<void> {
    this.#closing = true;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#releaseHold?.();
    this.#releaseHold = undefined;
    this.#wake?.();
    this.#cancelSleep?.();
    await this.#starting?.catch(() => undefined);
    await this.#loop;
    // A lazy checkpoint's last value; if this write fails, a restart routes those messages again.
    await this.#checkpoint.flush().catch((err: unknown) => this.#noteStoreError(err, 'write the route checkpoint'));
    this.#state = 'closed';
  }

  /** Health: checkpoint, lag, per-target errors. */
  status(): RoutePipelineStatus {
    const out: RoutePipelineStatus = {
      state: this.#state, checkpoint: this.#checkpoint.value, lag: Math.max(0, this.#o.telemetry.lastSeq() - this.#checkpoint.value),
      routed: this.#routed, unrouted: this.#unrouted, gaps: this.#gaps, batches: { fromTail: this.#fromTail, fromLog: this.#fromLog },
      targets: [...this.#targets.values()].map((t) => ({ ...t.status })),
    };
    if (this.#storeError !== undefined) out.storeError = this.#storeError;
    return out;
  }

  async #run(): Promise<void> {
    let attempt = 0;
    while (!this.#closing) {
      this.#appended = false;
      let batch: StoredTelemetry[];
      try {
        batch = await this.#read();
      } catch (err) {
        await this.#storeFailed(err, 'read the telemetry log', attempt++);
        continue;
      }
      if (this.#closing) return;
      if (batch.length === 0) {
        this.#storeRecovered();
        attempt = 0;
        await this.#idle();
        continue;
      }
      if (!(await this.#deliver(batch))) return; // closing before every target took it
      const last = (batch[batch.length - 1] as StoredTelemetry).seq;
      const gaps = this.#countGaps(batch);
      try {
        await this.#checkpoint.advance(last);
      } catch (err) {
        // The batch is routed again after the backoff: duplicates, never a gap.
        await this.#storeFailed(err, 'write the route checkpoint', attempt++);
        continue;
      }
      this.#gaps += gaps;
      this.#routed += batch.length;
      this.#storeRecovered();
      attempt = 0;
    }
  }

  #remember(message: StoredTelemetry): void {
    const bytes = message.message.body.byteLength;
    if (this.#tail.length >= this.#o.batchSize || this.#tailBytes + bytes > TAIL_MAX_BYTES) return; // read from the log instead
    this.#tail.push(message);
    this.#tailBytes += bytes;
  }

  /** The next batch after the checkpoint: from the tail when it continues the checkpoint, else from the log. */
  async #read(): Promise<StoredTelemetry[]> {
    const next = this.#checkpoint.value + 1;
    let routed = 0;
    while (routed < this.#tail.length && (this.#tail[routed] as StoredTelemetry).seq < next) routed++;
    if (routed > 0) this.#takeTail(routed);
    const first = this.#tail[0];
    if (first !== undefined && first.seq === next) {
      let n = 1;
      while (n < this.#tail.length && (this.#tail[n] as StoredTelemetry).seq === (this.#tail[n - 1] as StoredTelemetry).seq + 1) n++;
      this.#fromTail++;
      return this.#takeTail(n);
    }
    if (this.#o.telemetry.lastSeq() < next) return []; // nothing appended since the checkpoint
    const batch: StoredTelemetry[] = [];
    for await (const item of this.#o.telemetry.read({ afterSeq: this.#checkpoint.value, limit: this.#o.batchSize })) batch.push(item);
    if (batch.length > 0) this.#fromLog++;
    return batch;
  }

  #takeTail(n: number): StoredTelemetry[] {
    const taken = this.#tail.splice(0, n);
    for (const item of taken) this.#tailBytes -= item.message.body.byteLength;
    return taken;
  }

  #countGaps(batch: readonly StoredTelemetry[]): number {
    let expected = this.#checkpoint.value + 1;
    let gaps = 0;
    for (const item of batch) {
      if (item.seq > expected) gaps += item.seq - expected;
      expected = item.seq + 1;
    }
    return gaps;
  }

  /** Waits for an append (or close), unless one came since the last read started. */
  async #idle(): Promise<void> {
    if (this.#appended || this.#closing) return;
    await new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  /** Routes one batch; resolves true once every target accepted its share, false when closing first. */
  async #deliver(batch: readonly StoredTelemetry[]): Promise<boolean> {
    const groups = new Map<TargetState, StoredTelemetry[]>();
    for (const item of batch) {
      const sinks = this.#o.router.match(item);
      if (sinks.length === 0) this.#unrouted++;
      for (const sink of sinks) {
        const state = this.#stateFor(sink);
        const items = groups.get(state);
        if (items === undefined) groups.set(state, [item]);
        else items.push(item);
      }
    }
    let pending = [...groups];
    for (let attempt = 0; ; attempt++) {
      const results = await Promise.allSettled(pending.map(([state, items]) => this.#call(state, items)));
      const failed: [TargetState, StoredTelemetry[]][] = [];
      results.forEach((result, i) => {
        const entry = pending[i] as [TargetState, StoredTelemetry[]];
        if (result.status === 'fulfilled') this.#accepted(entry[0], entry[1].length);
        else {
          this.#rejected(entry[0], result.reason);
          failed.push(entry);
        }
      });
      if (failed.length === 0) {
        if (this.#state === 'retrying') this.#state = 'running';
        return true;
      }
      pending = failed;
      if (this.#closing) return false;
      this.#state = 'retrying';
      await this.#sleep(this.#backoff(attempt));
      if (this.#closing) return false;
    }
  }

  async #call(state: TargetState, items: readonly StoredTelemetry[]): Promise<void> {
    await state.target.deliver(items);
  }

  #accepted(state: TargetState, count: number): void {
    const s = state.status;
    if (s.failures > 0) this.#log.info({ sink: state.key, failures: s.failures }, 'route target accepts messages again');
    s.delivered += count;
    s.failures = 0;
    delete s.lastError;
  }

  #rejected(state: TargetState, err: unknown): void {
    const s = state.status;
    s.lastError = describeError(err, this.#o.clock.now());
    // Once per episode: a target that is down for an hour must not fill the log.
    if (s.failures++ === 0) this.#log.warn({ sink: state.key, code: s.lastError.code, err: s.lastError.message }, 'route target refused a batch; retrying with backoff');
  }

  async #storeFailed(err: unknown, what: string, attempt: number): Promise<void> {
    this.#noteStoreError(err, what);
    this.#state = 'retrying';
    await this.#sleep(this.#backoff(attempt));
  }

  #noteStoreError(err: unknown, what: string): void {
    if (this.#storeError === undefined) this.#log.warn({ err }, `route pipeline could not ${what}; retrying with backoff`);
    this.#storeError = describeError(err, this.#o.clock.now());
  }

  #storeRecovered(): void {
    this.#clearStoreError();
    if (this.#state === 'retrying') this.#state = 'running';
  }

  #clearStoreError(): void {
    if (this.#storeError !== undefined) this.#log.info('route pipeline reads and writes its store again');
    this.#storeError = undefined;
  }

  /** Capped exponential backoff with jitter: between half and all of min(max, initial * 2^attempt). */
  #backoff(attempt: number): number {
    const ceiling = Math.min(this.#o.retryMaxMs, this.#o.retryInitialMs * 2 ** Math.min(attempt, 30));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  #sleep(ms: number): Promise<void> {
    if (this.#closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = this.#o.clock.setTimeout(() => {
        this.#cancelSleep = undefined;
        resolve();
      }, ms);
      this.#cancelSleep = () => {
        this.#cancelSleep = undefined;
        timer.cancel();
        resolve();
      };
    });
  }
}

/** Creates a route pipeline (not started: call `start()`). Asks `targetFor` for every sink of the router now. */
export function createRoutePipeline(options: RoutePipelineOptions): RoutePipeline {
  return new RoutePipeline(options);
}
