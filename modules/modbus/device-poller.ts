/**
 * The poll schedule of one Modbus device: its points grouped by poll interval, each group read by
 * its planned requests (planner.ts) through the port arbiter at a fixed rate (a late cycle starts
 * at once, missed ticks are skipped and counted, cycles never overlap). A cycle whose slave does not
 * answer (timeout, bad answers, port down) stops at the first such request and counts as failed;
 * an exception answer fails only its own request. After `afterFailures` failed cycles in a row the
 * device is backed off: its next cycles wait interval x 2^n (capped at `maxDelayS`) and try each
 * request once; the first answer ends the backoff. Cycles failed by a port that is down (the
 * arbiter reopens it) do not count towards the backoff.
 */
import { decodeModbusPoint, type PointValue } from '../../devices/codecs/modbus-point.js';
import type { ModbusProfilePoint } from '../../devices/profile.js';
import { FieldhubError } from '../../hub-core/errors.js';
import type { PortArbiter } from './arbiter.js';
import { ModbusError } from './errors.js';
import type { ReadRequest } from './planner.js';

export interface PollGroup {
  readonly intervalMs: number;
  readonly requests: readonly ReadRequest[];
}

export interface CycleResult {
  readonly intervalMs: number;
  /** Values read in this cycle, by point name (points of failed requests are absent). */
  readonly values: ReadonlyMap<string, PointValue>;
  /** Exception answers (FH_MODBUS_EXCEPTION) and decode failures (FH_PROFILE_DECODE_FAILED) of single requests. */
  readonly errors: readonly FieldhubError[];
  /** The slave did not answer (timeout, CRC, port): the cycle stopped there. */
  readonly failure?: ModbusError;
}

export interface PollerOptions {
  readonly deviceId: string;
  readonly unitId: number;
  readonly timeoutMs: number;
  readonly retries: number;
  readonly points: ReadonlyMap<string, ModbusProfilePoint>;
  readonly groups: readonly PollGroup[];
  readonly arbiter: PortArbiter;
  readonly backoff: { readonly afterFailures: number; readonly maxDelayS: number };
  readonly onCycle: (result: CycleResult) => Promise<void> | void;
}

/** How the device is doing, for health. */
export interface PollerStatus {
  cycles: number;
  failedCycles: number;
  consecutiveFailures: number;
  /** Ticks skipped because the previous cycle ran late. */
  overruns: number;
  /** Present while backed off: the delay between cycles, ms. */
  backoffMs?: number;
  lastError?: FieldhubError;
  lastSuccessAt?: string;
}

const isUnanswered = (err: ModbusError): boolean => err.code === 'FH_MODBUS_TIMEOUT' || err.code === 'FH_MODBUS_CRC' || err.code === 'FH_MODBUS_PORT';

export class DevicePoller {
  readonly status: PollerStatus = { cycles: 0, failedCycles: 0, consecutiveFailures: 0, overruns: 0 };
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly running = new Set<Promise<void>>();
  private stopped = false;

  constructor(private readonly o: PollerOptions) {}

  /** Starts every group; the first cycles run at once. */
  start(): void {
    for (const group of this.o.groups) this.schedule(group, performance.now());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    await Promise.allSettled([...this.running]);
  }

  /** The delay between cycles while backed off, or undefined when not backed off. */
  private backoffMs(intervalMs: number): number | undefined {
    const over = this.status.consecutiveFailures - this.o.backoff.afterFailures;
    if (over < 0) return undefined;
    return Math.min(intervalMs * 2 ** (over + 1), this.o.backoff.maxDelayS * 1000);
  }

  private schedule(group: PollGroup, at: number): void {
    if (this.stopped) return;
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      const started = performance.now();
      const run = this.cycle(group).finally(() => this.running.delete(run));
      this.running.add(run);
      void run.then(() => {
        const backoff = this.backoffMs(group.intervalMs);
        let next = started + (backoff ?? group.intervalMs);
        const now = performance.now();
        if (next < now) {
          this.status.overruns += Math.floor((now - next) / group.intervalMs) + 1;
          next = now;
        }
        this.schedule(group, next);
      });
    }, Math.max(0, at - performance.now()));
    timer.unref();
    this.timers.add(timer);
  }

  /** One read cycle of a group; never throws. */
  private async cycle(group: PollGroup): Promise<void> {
    const { arbiter, unitId, timeoutMs } = this.o;
    const backedOff = this.backoffMs(group.intervalMs) !== undefined;
    const values = new Map<string, PointValue>();
    const errors: FieldhubError[] = [];
    let failure: ModbusError | undefined;
    for (const req of group.requests) {
      if (this.stopped) return;
      try {
        const data = await arbiter.submit(unitId, (conn) => conn.read(unitId, req.fc, req.address, req.count, timeoutMs), {
          kind: 'read', retries: backedOff ? 0 : this.o.retries,
        });
        for (const item of req.items) {
          const point = this.o.points.get(item.point)!;
          try {
            values.set(item.point, decodeModbusPoint(point, data.slice(item.offset, item.offset + item.count) as number[] | boolean[]));
          } catch (err) {
            errors.push(err instanceof FieldhubError ? err : new FieldhubError('FH_PROFILE_DECODE_FAILED', String(err)));
          }
        }
      } catch (e) {
        const err = e instanceof ModbusError ? e : new ModbusError('FH_MODBUS_PORT', String(e), { cause: e });
        if (isUnanswered(err)) {
          failure = err;
          break;
        }
        errors.push(err);
      }
    }
    if (this.stopped) return;
    const s = this.status;
    s.cycles++;
    if (failure !== undefined && values.size === 0) {
      s.failedCycles++;
      // A port that is down is not the slave's fault: the port has its own reopen backoff.
      if (failure.code !== 'FH_MODBUS_PORT') s.consecutiveFailures++;
    } else {
      s.consecutiveFailures = 0;
      s.lastSuccessAt = new Date().toISOString();
    }
    const backoff = this.backoffMs(group.intervalMs);
    if (backoff === undefined) delete s.backoffMs;
    else s.backoffMs = backoff;
    s.lastError = failure ?? errors[0];
    if (failure === undefined && errors.length === 0) delete s.lastError;
    try {
      await this.o.onCycle({ intervalMs: group.intervalMs, values, errors, ...(failure !== undefined ? { failure } : {}) });
    } catch {
      // onCycle reports its own failures (telemetry, twin); the schedule goes on.
    }
  }
}
