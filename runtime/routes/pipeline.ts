/**
 * The route pipeline: reads the hub core's telemetry log in order from a persisted checkpoint,
 * asks the router where each message goes, hands each sink's share of the batch to its
 * {@link RouteTarget}, waits until every target accepted the batch, and only then writes the new
 * checkpoint. So a restart (even after kill -9) resumes after the last batch all targets took:
 * at-least-once, and no stored message is skipped. A target that rejects is retried with capped,
 * jittered backoff without advancing; the targets that already took the batch are not called
 * again in this run (after a restart they may see it again). `onAppend` only wakes the pipeline;
 * what it routes always comes from `telemetry.read`, so memory stays bounded by the batch size.
 */
import type { Clock, TelemetryService } from '../../hub-core/core/api.js';
import { systemClock } from '../../hub-core/core/clock.js';
import type { StoredTelemetry } from '../../hub-core/core/types.js';
import { childLogger, silentLogger, type Logger } from '../../hub-core/log.js';
import { decodeJson, encodeJson, type Store } from '../../hub-core/store/store.js';
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
  targets: RouteTargetStatus[];
  /** The last failure to read the log or write the checkpoint, kept until the next success. */
  storeError?: { code?: string; message: string; at: string };
}

const CHECKPOINT_KEY = 'checkpoint';

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
  readonly #o: Required<Omit<RoutePipelineOptions, 'logger'>>;
  readonly #log: Logger;
  readonly #targets = new Map<RouteSink, TargetState>();
  #state: RoutePipelineStatus['state'] = 'stopped';
  #checkpoint = 0;
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

  constructor(options: RoutePipelineOptions) {
    const batchSize = options.batchSize ?? 512;
    if (!Number.isSafeInteger(batchSize) || batchSize < 1) throw new RangeError('RoutePipeline: batchSize must be a positive integer');
    this.#o = {
      telemetry: options.telemetry, router: options.router, store: options.store, targetFor: options.targetFor,
      clock: options.clock ?? systemClock, batchSize, retryInitialMs: Math.max(1, options.retryInitialMs ?? 100),
      retryMaxMs: Math.max(1, options.retryMaxMs ?? 30_000), syncCheckpoint: options.syncCheckpoint ?? false,
      startAt: options.startAt ?? 'oldest',
    };
    this.#log = childLogger(options.logger ?? silentLogger(), 'routes');
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
    const stored = await this.#o.store.get(CHECKPOINT_KEY);
    const lastSeq = this.#o.telemetry.lastSeq();
    if (stored !== undefined) {
      this.#checkpoint = decodeJson<number>(stored);
      if (this.#checkpoint > lastSeq) {
        // Not from this log (its store was replaced): new messages would get seqs at or below the
        // checkpoint and be skipped. Start over at the log's end instead.
        this.#log.warn({ checkpoint: this.#checkpoint, lastSeq }, 'route checkpoint is past the end of the telemetry log; starting at its end');
        this.#checkpoint = lastSeq;
      }
    } else if (this.#o.startAt === 'latest') {
      this.#checkpoint = lastSeq;
      await this.#o.store.put(CHECKPOINT_KEY, encodeJson(this.#checkpoint), { sync: this.#o.syncCheckpoint });
    }
    if (this.#closing) return;
    // What this sink has not taken yet outlives the retention (up to telemetryMaxHoldMs): a sink
    // that is away for a while loses nothing.
    this.#releaseHold = this.#o.telemetry.holdRetention(() => this.#checkpoint + 1);
    this.#unsubscribe = this.#o.telemetry.onAppend(() => {
      this.#appended = true;
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    });
    this.#state = 'running';
    this.#log.info({ checkpoint: this.#checkpoint, lastSeq: this.#o.telemetry.lastSeq() }, 'route pipeline started');
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
    this.#state = 'closed';
  }

  /** Health: checkpoint, lag, per-target errors. */
  status(): RoutePipelineStatus {
    const out: RoutePipelineStatus = {
      state: this.#state, checkpoint: this.#checkpoint, lag: Math.max(0, this.#o.telemetry.lastSeq() - this.#checkpoint),
      routed: this.#routed, unrouted: this.#unrouted, gaps: this.#gaps,
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
      try {
        await this.#o.store.put(CHECKPOINT_KEY, encodeJson(last), { sync: this.#o.syncCheckpoint });
      } catch (err) {
        // The batch is routed again after the backoff: duplicates, never a gap.
        await this.#storeFailed(err, 'write the route checkpoint', attempt++);
        continue;
      }
      this.#gaps += this.#countGaps(batch);
      this.#routed += batch.length;
      this.#checkpoint = last;
      this.#storeRecovered();
      attempt = 0;
    }
  }

  async #read(): Promise<StoredTelemetry[]> {
    const batch: StoredTelemetry[] = [];
    for await (const item of this.#o.telemetry.read({ afterSeq: this.#checkpoint, limit: this.#o.batchSize })) batch.push(item);
    return batch;
  }

  #countGaps(batch: readonly StoredTelemetry[]): number {
    let expected = this.#checkpoint + 1;
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
    if (this.#storeError === undefined) this.#log.warn({ err }, `route pipeline could not ${what}; retrying with backoff`);
    this.#storeError = describeError(err, this.#o.clock.now());
    this.#state = 'retrying';
    await this.#sleep(this.#backoff(attempt));
  }

  #storeRecovered(): void {
    if (this.#storeError !== undefined) this.#log.info('route pipeline reads and writes its store again');
    this.#storeError = undefined;
    if (this.#state === 'retrying') this.#state = 'running';
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
