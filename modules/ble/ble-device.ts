/**
 * One configured BLE device as a hub identity: it registers the leaf device, learns its peripheral
 * from discovery (`bind`; reported as `_ble: {address, name, profile}`), says when it wants a
 * connection (`demand`: notify points always, read points when due, writes urgently), and turns
 * the values a session hands it into telemetry (one JSON message per read round or notification:
 * the telemetry points decoded) and reported properties (the `reported` points that changed).
 * Telemetry and reported patches go out in order through one queue of at most
 * `maxPendingTelemetry` (beyond: the newest is dropped and counted). Writes (from the `write`
 * method and desired properties, twin-writes.ts) are checked and encoded by the profile at once,
 * then wait (at most `writeTimeoutMs`, at most `maxPendingWrites`) for a session to perform them.
 */
import { decodeBlePoint, encodeBlePoint } from '../../devices/codecs/ble-value.js';
import { ProfileError } from '../../devices/errors.js';
import { writablePoint } from '../../devices/points.js';
import type { BleProfile, BleProfilePoint } from '../../devices/profile.js';
import type { Clock } from '../../hub-core/core/api.js';
import { RuntimeError } from '../../runtime/errors.js';
import type { JsonObject, JsonValue, LeafDevice, Logger, ModuleContext } from '../../runtime/modules/api.js';
import type { SeenPeripheral } from './allow-list.js';
import type { CharGroup, DevicePlan } from './device-plan.js';
import { BleError, errorJson } from './errors.js';
import type { BleDeviceConfig } from './manifest.js';
import type { Demand } from './scheduler.js';
import { answerWriteMethod, applyDesiredWrites, pendingDesired } from './twin-writes.js';

export type WriteVia = 'desired' | 'method';

/** A write waiting for (or in) a session. */
export interface PendingWrite {
  readonly point: BleProfilePoint;
  readonly bytes: Uint8Array;
  resolve(value: number | string): void;
  reject(err: Error): void;
}

export interface BleDeviceOptions {
  readonly config: BleDeviceConfig;
  readonly profile: BleProfile;
  readonly plan: DevicePlan;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly writeTimeoutMs: number;
  /** Default 8. */
  readonly maxPendingWrites?: number;
  /** Default 64. */
  readonly maxPendingTelemetry?: number;
  /** The device wants a connection sooner than before (bound, write queued). */
  readonly onDemand: () => void;
  /** Health may have changed. */
  readonly onStatus: () => void;
}

/** Counters and last events, for health. */
export interface BleDeviceStatus {
  connected: boolean;
  reads: number;
  notifications: number;
  writes: number;
  droppedTelemetry: number;
  lastError?: Error;
  lastErrorAt?: number;
  lastValueAt?: number;
  lastConnectedAt?: number;
}

export class BleDevice {
  binding: SeenPeripheral | undefined;
  readonly status: BleDeviceStatus = { connected: false, reads: 0, notifications: 0, writes: 0, droppedTelemetry: 0 };
  private leaf: LeafDevice | undefined;
  private readonly lastRead = new Map<string, number>();
  private readonly writes: PendingWrite[] = [];
  private wakeSession: (() => void) | undefined;
  private readonly lastReported = new Map<string, JsonValue>();
  private readonly problems = new Map<string, { error: Error; at: number }>();
  private outChain: Promise<void> = Promise.resolve();
  private outPending = 0;

  constructor(private readonly o: BleDeviceOptions) {}

  get deviceId(): string {
    return this.o.config.deviceId;
  }

  get plan(): DevicePlan {
    return this.o.plan;
  }

  get clock(): Clock {
    return this.o.clock;
  }

  /** Registers the identity and wires methods and desired properties. */
  async start(ctx: ModuleContext): Promise<void> {
    const leaf = await ctx.registerDevice(this.deviceId);
    this.leaf = leaf;
    const twin = await leaf.getTwin();
    for (const p of this.o.plan.points.values()) {
      const v = twin.reported[p.name];
      if (p.reported && v !== undefined) this.lastReported.set(p.name, v);
    }
    leaf.onMethod('write', (payload) => answerWriteMethod(this, payload, this.o.logger));
    leaf.onDesired((patch) => applyDesiredWrites(this, patch, Object.keys(patch), this.o.logger));
    const pending = pendingDesired(this.o.plan.points, twin);
    if (pending.length > 0) void applyDesiredWrites(this, twin.desired, pending, this.o.logger);
  }

  /** Discovery found the peripheral. */
  bind(p: SeenPeripheral): void {
    this.binding = p;
    this.o.logger.info({ event: 'ble-bound', deviceId: this.deviceId, address: p.address, name: p.name }, 'BLE device found');
    this.queueOut(() => this.leaf!.updateReported({ _ble: { address: p.address, ...(p.name !== undefined ? { name: p.name } : {}), profile: this.o.profile.id } }));
    this.o.onDemand();
  }

  /** When this device wants a session; undefined while it is not bound. */
  demand(): Demand | undefined {
    if (this.binding === undefined) return undefined;
    const urgent = this.writes.length > 0;
    const at = urgent || this.o.plan.notifies.length > 0 ? 0 : this.nextReadAt();
    // -Infinity: a read never made is due now; Infinity: nothing to read, nothing to listen to.
    return at === Infinity ? undefined : { at: Math.max(0, at), urgent };
  }

  /** When the next read falls due (clock ms); -Infinity when a read was never made, Infinity without read points. */
  nextReadAt(): number {
    let at = Infinity;
    for (const g of this.o.plan.reads) at = Math.min(at, (this.lastRead.get(g.key) ?? -Infinity) + g.intervalMs);
    return at;
  }

  dueReads(now: number): CharGroup[] {
    return this.o.plan.reads.filter((g) => (this.lastRead.get(g.key) ?? -Infinity) + g.intervalMs <= now);
  }

  markRead(group: CharGroup, at: number): void {
    this.lastRead.set(group.key, at);
  }

  // ---- session hooks

  /** A session connected; `wake` makes it look at queued writes. */
  attach(wake: () => void): void {
    this.wakeSession = wake;
    this.problems.delete('link');
    this.status.connected = true;
    this.status.lastConnectedAt = this.o.clock.now();
    this.o.onStatus();
  }

  detach(): void {
    this.wakeSession = undefined;
    this.status.connected = false;
    this.o.onStatus();
  }

  hasWrites(): boolean {
    return this.writes.length > 0;
  }

  /** The next write to perform (it can no longer time out waiting). */
  takeWrite(): PendingWrite | undefined {
    return this.writes.shift();
  }

  /**
   * Records a problem under `key`: `link` (connect, loss; cleared by the next connection), a
   * characteristic group's key (read, subscribe, decode; cleared when that group next decodes in
   * full), or `write:<point>` (cleared by the next good write of the point).
   */
  recordError(err: Error, key: string): void {
    const at = this.o.clock.now();
    this.status.lastError = err;
    this.status.lastErrorAt = at;
    this.problems.set(key, { error: err, at });
    this.o.onStatus();
  }

  /** The problems not cleared yet, newest first. */
  openProblems(): Error[] {
    return [...this.problems.values()].sort((a, b) => b.at - a.at).map((p) => p.error);
  }

  private clearProblem(key: string): void {
    if (this.problems.delete(key)) this.o.onStatus();
  }

  /**
   * Values of characteristics → one telemetry message (the telemetry points) and one reported
   * patch (the `reported` points that changed): a notification, or the reads of one round.
   */
  onValues(values: readonly { readonly group: CharGroup; readonly bytes: Uint8Array }[], via: 'read' | 'notify'): void {
    if (values.length === 0) return;
    if (via === 'read') this.status.reads += values.length;
    else this.status.notifications += values.length;
    this.status.lastValueAt = this.o.clock.now();
    const telemetry: JsonObject = {};
    const changed: JsonObject = {};
    for (const { group, bytes } of values) {
      let complete = true;
      for (const p of group.points) {
        let value: number | string;
        try {
          value = decodeBlePoint(p, bytes);
        } catch (err) {
          const e = err instanceof ProfileError ? err : new ProfileError('FH_PROFILE_DECODE_FAILED', String(err));
          this.o.logger.warn({ event: 'ble-decode-failed', deviceId: this.deviceId, point: p.name, bytes: Buffer.from(bytes).toString('hex'), ...errorJson(e) }, 'BLE value did not decode');
          this.recordError(new ProfileError(e.code, `${this.deviceId}: ${e.message}`, { cause: e }), group.key);
          complete = false;
          continue;
        }
        if (p.telemetry) telemetry[p.name] = value;
        if (p.reported && this.lastReported.get(p.name) !== value) changed[p.name] = value;
      }
      if (complete) this.clearProblem(group.key);
    }
    if (Object.keys(telemetry).length > 0) this.queueOut(() => this.leaf!.sendTelemetry({ body: telemetry, contentType: 'application/json' }));
    if (Object.keys(changed).length > 0) this.report(changed);
    this.o.onStatus();
  }

  // ---- writes

  /** Queues a write of `value` to point `name`; resolves to the value written (as reads decode it). */
  write(name: unknown, value: unknown, via: WriteVia): Promise<number | string> {
    let point: BleProfilePoint;
    let bytes: Uint8Array;
    try {
      if (typeof name !== 'string') throw new ProfileError('FH_PROFILE_POINT_UNKNOWN', `point must be a string, got ${JSON.stringify(name)}`);
      point = writablePoint(this.o.profile, name, via);
      bytes = encodeBlePoint(point, value);
    } catch (err) {
      return Promise.reject(err as Error);
    }
    if (this.writes.length >= (this.o.maxPendingWrites ?? 8)) {
      return Promise.reject(new BleError('FH_BLE_BUSY', `${this.deviceId}: ${this.writes.length} writes pending`));
    }
    return new Promise((resolve, reject) => {
      const timer = this.o.clock.setTimeout(() => {
        const i = this.writes.indexOf(item);
        if (i < 0) return;
        this.writes.splice(i, 1);
        const where = this.binding === undefined ? 'not discovered yet' : 'not connected in time';
        reject(new BleError('FH_BLE_TIMEOUT', `${this.deviceId}: write of ${point.name} waited ${this.o.writeTimeoutMs} ms (${where})`));
      }, this.o.writeTimeoutMs);
      const item: PendingWrite = {
        point, bytes,
        resolve: (v) => { timer.cancel(); resolve(v); },
        reject: (e) => { timer.cancel(); reject(e); },
      };
      this.writes.push(item);
      this.o.onDemand();
      this.wakeSession?.();
    });
  }

  /** A write the session performed: count it, report a `reported` point. */
  written(point: BleProfilePoint, bytes: Uint8Array): number | string {
    this.status.writes++;
    this.clearProblem(`write:${point.name}`);
    const value = decodeBlePoint(point, bytes);
    if (point.reported && this.lastReported.get(point.name) !== value) this.report({ [point.name]: value });
    return value;
  }

  /** Patches reported properties (in order with telemetry); remembers values once stored. */
  report(patch: JsonObject): void {
    this.queueOut(async () => {
      await this.leaf!.updateReported(patch);
      for (const [k, v] of Object.entries(patch)) if (this.o.plan.points.get(k)?.reported) this.lastReported.set(k, v);
    });
  }

  private queueOut(op: () => Promise<unknown>): void {
    if (this.leaf === undefined) return;
    if (this.outPending >= (this.o.maxPendingTelemetry ?? 64)) {
      if (this.status.droppedTelemetry++ === 0) this.o.logger.warn({ event: 'ble-telemetry-dropped', deviceId: this.deviceId }, 'BLE values arrive faster than they are stored; dropping the newest');
      return;
    }
    this.outPending++;
    this.outChain = this.outChain
      .then(async () => {
        await op();
      })
      .catch((err: unknown) => this.o.logger.warn({ event: 'ble-store-failed', deviceId: this.deviceId, err: (err as Error).message }, 'BLE telemetry or reported properties not stored'))
      .finally(() => this.outPending--);
  }

  /** Refuses the writes still waiting (the module stops), then waits for queued telemetry and reported patches. */
  async stop(): Promise<void> {
    for (const w of this.writes.splice(0)) w.reject(new RuntimeError('FH_MODULE_NOT_RUNNING', `${this.deviceId}: the ble module stopped before the write`));
    await this.outChain;
  }
}
