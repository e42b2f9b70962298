/**
 * When a device's point values leave: in `frame` mode every frame that carries telemetry points
 * is one message; in `interval` mode (the default) the latest value of each point is held and
 * every `pollIntervalS` (per point; points sharing an interval share a message) the values
 * received since the last message are sent, so a GPS at 10 Hz makes one message per interval, not
 * ten per second. Reported points are patched into the twin on the same ticks, only when their
 * value changed. Messages go out one at a time through a bounded queue: when the store is slower
 * than the line, the oldest queued message is dropped and counted (a reported patch is never
 * dropped: it is recomputed on the next tick instead).
 */
import type { JsonObject, Logger } from '../../runtime/modules/api.js';
import type { SerialProfilePoint } from '../../devices/profile.js';
import type { Clock, TimerHandle } from './clock.js';
import type { PointValue } from './point-values.js';

export interface TelemetryTarget {
  sendTelemetry(body: JsonObject): Promise<void>;
  updateReported(patch: JsonObject): Promise<unknown>;
}

export interface BatcherOptions {
  readonly deviceId: string;
  readonly points: readonly SerialProfilePoint[];
  readonly mode: 'interval' | 'frame';
  /** Overrides every point's pollIntervalS. */
  readonly pollIntervalS?: number;
  readonly maxPending: number;
  readonly clock: Clock;
  readonly target: TelemetryTarget;
  readonly logger: Logger;
}

export interface BatcherCounters {
  messages: number;
  /** Messages dropped because the queue was full. */
  dropped: number;
  /** Messages or patches the hub refused (logged). */
  failed: number;
  reportedPatches: number;
}

interface Group {
  readonly intervalMs: number;
  readonly points: readonly SerialProfilePoint[];
  timer?: TimerHandle;
}

export class TelemetryBatcher {
  readonly counters: BatcherCounters = { messages: 0, dropped: 0, failed: 0, reportedPatches: 0 };
  private readonly latest = new Map<string, PointValue>();
  private readonly fresh = new Set<string>();
  private readonly reported = new Map<string, PointValue>();
  private readonly groups: Group[] = [];
  private readonly byName: ReadonlyMap<string, SerialProfilePoint>;
  private queue: JsonObject[] = [];
  private pendingPatch: JsonObject | undefined;
  private sending: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly o: BatcherOptions) {
    this.byName = new Map(o.points.map((p) => [p.name, p]));
    const byInterval = new Map<number, SerialProfilePoint[]>();
    for (const p of o.points) {
      // In frame mode only reported points need ticks.
      if (!p.reported && (o.mode === 'frame' || !p.telemetry)) continue;
      const ms = Math.round((o.pollIntervalS ?? p.pollIntervalS) * 1000);
      byInterval.set(ms, [...(byInterval.get(ms) ?? []), p]);
    }
    for (const [intervalMs, points] of byInterval) this.groups.push({ intervalMs, points });
  }

  /** Messages waiting to be stored. */
  get pending(): number {
    return this.queue.length;
  }

  /** Values the twin already holds (after a restart): not reported again unless they change. */
  seedReported(values: ReadonlyMap<string, PointValue>): void {
    for (const [k, v] of values) this.reported.set(k, v);
  }

  /** Arms the interval timers. */
  start(): void {
    for (const g of this.groups) this.arm(g);
  }

  /** The values of one frame. */
  accept(values: ReadonlyMap<string, PointValue>): void {
    if (this.stopped || values.size === 0) return;
    const body: JsonObject = {};
    for (const [name, value] of values) {
      this.latest.set(name, value);
      this.fresh.add(name);
      if (this.o.mode === 'frame' && this.byName.get(name)?.telemetry === true) body[name] = value;
    }
    if (Object.keys(body).length > 0) this.enqueue(body);
  }

  /** Stops the timers and waits for the message being stored (the queue is abandoned). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const g of this.groups) g.timer?.cancel();
    this.queue = [];
    await this.sending;
  }

  private arm(group: Group): void {
    group.timer = this.o.clock.setTimeout(() => {
      if (this.stopped) return;
      this.tick(group);
      this.arm(group);
    }, group.intervalMs);
  }

  private tick(group: Group): void {
    const body: JsonObject = {};
    const patch: JsonObject = {};
    for (const p of group.points) {
      const value = this.latest.get(p.name);
      if (value === undefined) continue;
      if (this.o.mode === 'interval' && p.telemetry && this.fresh.has(p.name)) {
        body[p.name] = value;
        this.fresh.delete(p.name);
      }
      if (p.reported && this.reported.get(p.name) !== value) patch[p.name] = value;
    }
    if (Object.keys(patch).length > 0) {
      this.pendingPatch = { ...this.pendingPatch, ...patch };
      this.pump();
    }
    if (Object.keys(body).length > 0) this.enqueue(body);
  }

  private enqueue(body: JsonObject): void {
    if (this.queue.length >= this.o.maxPending) {
      this.queue.shift();
      this.counters.dropped++;
      if (this.counters.dropped === 1 || this.counters.dropped % 1000 === 0) {
        this.o.logger.warn({ event: 'serial-telemetry-dropped', deviceId: this.o.deviceId, dropped: this.counters.dropped, maxPending: this.o.maxPending }, 'telemetry queue full: oldest message dropped');
      }
    }
    this.queue.push(body);
    this.pump();
  }

  /** Sends queued work one item at a time: the reported patch first, then messages in order. */
  private pump(): void {
    if (this.sending !== undefined) return;
    const run = async (): Promise<void> => {
      while (!this.stopped) {
        if (this.pendingPatch !== undefined) {
          const patch = this.pendingPatch;
          this.pendingPatch = undefined;
          try {
            await this.o.target.updateReported(patch);
            this.counters.reportedPatches++;
            for (const [k, v] of Object.entries(patch)) this.reported.set(k, v as PointValue);
          } catch (err) {
            this.fail('reported properties not stored', err);
          }
          continue;
        }
        const body = this.queue.shift();
        if (body === undefined) break;
        try {
          await this.o.target.sendTelemetry(body);
          this.counters.messages++;
        } catch (err) {
          this.fail('telemetry not stored', err);
        }
      }
    };
    this.sending = run().finally(() => {
      this.sending = undefined;
      // Work queued between the loop's last check and here would otherwise wait for the next item.
      if (!this.stopped && (this.queue.length > 0 || this.pendingPatch !== undefined)) this.pump();
    });
  }

  private fail(what: string, err: unknown): void {
    this.counters.failed++;
    if (!this.stopped) this.o.logger.warn({ event: 'serial-store-failed', deviceId: this.o.deviceId, err: (err as Error).message }, what);
  }
}
