/**
 * The port arbiter: the one owner of a Modbus port (an RS-485 line or a TCP connection). Requests
 * to the slaves on it never overlap: one transaction at a time, with the inter-frame silence
 * (t3.5, frame-timing.ts) between the end of one and the start of the next. Each slave (unit id)
 * has its own bounded queue, writes ahead of reads, and the arbiter serves the slaves round-robin,
 * one transaction per turn; a retry goes back to the front of its slave's queue, so a slave that
 * times out costs the others at most one timeout per turn, never its whole retry series. The port
 * is opened at start and reopened with capped exponential backoff whenever it cannot be opened or
 * is lost; while it is down, requests fail at once with FH_MODBUS_PORT.
 */
import type { Logger } from '../../runtime/modules/api.js';
import { ModbusError } from './errors.js';
import type { ModbusConnection } from './modbus-client.js';

export type PortState = 'opening' | 'open' | 'down' | 'closed';

export interface ArbiterOptions {
  readonly name: string;
  /** Opens the connection (FH_MODBUS_PORT when it cannot). */
  readonly open: () => Promise<ModbusConnection>;
  /** Silence between transactions, ms (0 on TCP). */
  readonly gapMs: number;
  readonly reopen: { readonly minDelayMs: number; readonly maxDelayMs: number };
  /** Requests one slave may have queued (default 32); more are refused with FH_MODBUS_BUSY. */
  readonly maxQueuedPerUnit?: number;
  readonly logger: Logger;
  /** The port's state changed (down carries the error). */
  readonly onState?: (state: PortState, err?: ModbusError) => void;
}

export interface SubmitOptions {
  /** Writes go ahead of reads in the slave's queue. */
  readonly kind: 'read' | 'write';
  /** Further attempts after FH_MODBUS_TIMEOUT or FH_MODBUS_CRC. */
  readonly retries: number;
}

interface Job {
  readonly unitId: number;
  readonly kind: 'read' | 'write';
  readonly run: (conn: ModbusConnection) => Promise<unknown>;
  attemptsLeft: number;
  resolve(value: unknown): void;
  reject(err: ModbusError): void;
}

/** Transactions and failures of a port, for health and the benchmark. */
export interface ArbiterCounters {
  transactions: number;
  retries: number;
  failures: Record<string, number>;
  opens: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export class PortArbiter {
  readonly counters: ArbiterCounters = { transactions: 0, retries: 0, failures: {}, opens: 0 };
  private portState: PortState = 'opening';
  private conn: ModbusConnection | undefined;
  private lastError: ModbusError | undefined;
  /** Per-unit queues; `order` is the round-robin ring of units with work. */
  private readonly queues = new Map<number, Job[]>();
  private order: number[] = [];
  private pumping = false;
  private lastEnd = 0;
  private reopenDelay: number;
  private reopenTimer: NodeJS.Timeout | undefined;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly options: ArbiterOptions) {
    this.reopenDelay = options.reopen.minDelayMs;
  }

  get state(): PortState {
    return this.portState;
  }

  get error(): ModbusError | undefined {
    return this.lastError;
  }

  /** Bytes and frames on the wire, when the connection counts them (RTU). */
  get wire(): ModbusConnection['counters'] {
    return this.conn?.counters;
  }

  /** Opens the port in the background; requests queue meanwhile. */
  start(): void {
    void this.tryOpen();
  }

  /** Queues one transaction for `unitId`; resolves with its result or rejects with a ModbusError. */
  submit<T>(unitId: number, run: (conn: ModbusConnection) => Promise<T>, options: SubmitOptions): Promise<T> {
    if (this.portState === 'closed') return Promise.reject(new ModbusError('FH_MODBUS_PORT', `port ${this.options.name} is closed`));
    if (this.portState === 'down') {
      return Promise.reject(new ModbusError('FH_MODBUS_PORT', `port ${this.options.name} is down: ${this.lastError?.message ?? 'not open'}`));
    }
    const queue = this.queueOf(unitId);
    if (queue.length >= (this.options.maxQueuedPerUnit ?? 32)) {
      return Promise.reject(new ModbusError('FH_MODBUS_BUSY', `port ${this.options.name} unit ${unitId}: too many requests queued`));
    }
    return new Promise<T>((resolve, reject) => {
      const job: Job = { unitId, kind: options.kind, run, attemptsLeft: options.retries + 1, resolve: resolve as (v: unknown) => void, reject };
      // Writes go after the writes already queued, ahead of every read.
      const at = job.kind === 'write' ? queue.findIndex((j) => j.kind === 'read') : -1;
      if (at < 0) queue.push(job);
      else queue.splice(at, 0, job);
      if (!this.order.includes(unitId)) this.order.push(unitId);
      this.pump();
    });
  }

  /** Rejects what is queued, waits for the transaction on the line, closes the port. */
  async close(): Promise<void> {
    if (this.portState === 'closed') return;
    this.setState('closed');
    clearTimeout(this.reopenTimer);
    this.failAll(new ModbusError('FH_MODBUS_PORT', `port ${this.options.name} is closed`));
    await this.idle;
    await this.conn?.close();
    this.conn = undefined;
  }

  /** Re-reads the state after an await (TypeScript keeps the narrowing from before it). */
  private isClosed(): boolean {
    return this.portState === 'closed';
  }

  private queueOf(unitId: number): Job[] {
    let q = this.queues.get(unitId);
    if (q === undefined) {
      q = [];
      this.queues.set(unitId, q);
    }
    return q;
  }

  private setState(state: PortState, err?: ModbusError): void {
    if (state === this.portState && err === undefined) return;
    this.portState = state;
    this.options.onState?.(state, err);
  }

  private async tryOpen(): Promise<void> {
    if (this.portState === 'closed') return;
    this.setState('opening');
    try {
      const conn = await this.options.open();
      if (this.isClosed()) {
        await conn.close();
        return;
      }
      this.conn = conn;
      this.counters.opens++;
      this.reopenDelay = this.options.reopen.minDelayMs;
      this.lastError = undefined;
      conn.onLost((err) => this.lost(new ModbusError('FH_MODBUS_PORT', `port ${this.options.name} lost: ${err.message}`, { cause: err })));
      this.options.logger.info({ event: 'modbus-port-open', port: this.options.name }, 'modbus port open');
      this.setState('open');
      this.pump();
    } catch (err) {
      this.lost(err instanceof ModbusError ? err : new ModbusError('FH_MODBUS_PORT', `port ${this.options.name}: ${String(err)}`, { cause: err }));
    }
  }

  /** The port is unusable: fail what is queued, close it, and schedule a reopen. */
  private lost(err: ModbusError): void {
    if (this.portState === 'closed' || this.portState === 'down') return;
    this.lastError = err;
    const conn = this.conn;
    this.conn = undefined;
    void conn?.close().catch(() => undefined);
    this.setState('down', err);
    this.failAll(err);
    const delay = this.reopenDelay;
    this.reopenDelay = Math.min(this.reopenDelay * 2, this.options.reopen.maxDelayMs);
    this.options.logger.warn({ event: 'modbus-port-down', port: this.options.name, code: err.code, err: err.message, retryInMs: delay }, 'modbus port down');
    this.reopenTimer = setTimeout(() => void this.tryOpen(), delay);
    this.reopenTimer.unref();
  }

  private failAll(err: ModbusError): void {
    for (const q of this.queues.values()) for (const job of q.splice(0)) job.reject(err);
    this.order = [];
  }

  /** Takes the next job round-robin: the first unit of the ring, which then goes to its end. */
  private next(): Job | undefined {
    while (this.order.length > 0) {
      const unit = this.order.shift()!;
      const q = this.queues.get(unit);
      const job = q?.shift();
      if (job === undefined) continue;
      if (q!.length > 0) this.order.push(unit);
      return job;
    }
    return undefined;
  }

  private pump(): void {
    if (this.pumping || this.portState !== 'open') return;
    this.pumping = true;
    this.idle = this.runJobs();
  }

  /**
   * Runs queued jobs until none is left. `pumping` drops in the very tick the queue is found
   * empty (not in a later `finally` callback), so a job submitted right after is never stranded.
   */
  private async runJobs(): Promise<void> {
    for (;;) {
      const job = this.portState === 'open' && this.conn !== undefined ? this.next() : undefined;
      if (job === undefined) {
        this.pumping = false;
        return;
      }
      // [MODBUS-SL 2.5.1.1] at least t3.5 of silence between frames. A timer may fire a little
      // early (Node rounds to whole milliseconds): wait again until the silence really is long enough.
      for (let wait = this.lastEnd + this.options.gapMs - performance.now(); wait > 0; wait = this.lastEnd + this.options.gapMs - performance.now()) {
        await sleep(Math.max(1, Math.ceil(wait)));
      }
      if (this.portState !== 'open' || this.conn === undefined) {
        job.reject(this.lastError ?? new ModbusError('FH_MODBUS_PORT', `port ${this.options.name} is not open`));
        continue;
      }
      this.counters.transactions++;
      try {
        const result = await job.run(this.conn);
        job.resolve(result);
      } catch (e) {
        const err = e instanceof ModbusError ? e : new ModbusError('FH_MODBUS_PORT', String(e), { cause: e });
        this.counters.failures[err.code] = (this.counters.failures[err.code] ?? 0) + 1;
        job.attemptsLeft--;
        if (err.code === 'FH_MODBUS_PORT') {
          job.reject(err);
          this.lost(err);
        } else if ((err.code === 'FH_MODBUS_TIMEOUT' || err.code === 'FH_MODBUS_CRC') && job.attemptsLeft > 0) {
          // Retry at the front of its slave's queue, after the other slaves had their turn.
          this.counters.retries++;
          this.queueOf(job.unitId).unshift(job);
          if (!this.order.includes(job.unitId)) this.order.push(job.unitId);
        } else {
          job.reject(err);
        }
      } finally {
        this.lastEnd = performance.now();
      }
    }
  }
}
