/**
 * One configured Modbus device as a hub identity: it registers the leaf device, polls (device-
 * poller.ts) and turns each cycle into one telemetry message (the telemetry points read, JSON) and
 * a reported-properties patch of the `reported` points that changed. Writes come from desired
 * properties (a writable point's name; the outcome reported back as `{<point>: value}` plus
 * `_write.<point>` = {status, desired, version, at[, code, message, exceptionCode, exceptionName]})
 * and from direct method `write` `{point, value}` (200 `{point, value}`, or 400/502/503/504 with
 * `{code, message}`). At start, writable desired values the device does not hold yet are applied.
 */
import type { PointValue } from '../../devices/codecs/modbus-point.js';
import type { ModbusProfile, ModbusProfilePoint } from '../../devices/profile.js';
import { FieldhubError } from '../../hub-core/errors.js';
import type { JsonObject, JsonValue, LeafDevice, Logger, MethodAnswer, ModuleContext } from '../../runtime/modules/api.js';
import type { PortArbiter } from './arbiter.js';
import { planDevice } from './device-plan.js';
import { DevicePoller, type CycleResult, type PollerStatus } from './device-poller.js';
import { methodStatusFor, ModbusError } from './errors.js';
import type { DeviceConfig } from './manifest.js';
import { PointWriter, type WriteVia } from './point-writer.js';

/** Twin key of the write outcomes (a point name cannot start with `_`, and twin keys cannot hold `$`). */
export const WRITE_STATUS_KEY = '_write';

export interface ModbusDeviceOptions {
  readonly config: DeviceConfig;
  readonly profile: ModbusProfile;
  readonly arbiter: PortArbiter;
  readonly coalesce: boolean;
  readonly maxGap?: number;
  readonly backoff: { readonly afterFailures: number; readonly maxDelayS: number };
  readonly logger: Logger;
  /** Health may have changed. */
  readonly onStatus: () => void;
}

/** An error as health details and payloads show it. */
export function errorJson(err: unknown): JsonObject {
  if (err instanceof ModbusError) return err.toJSON() as JsonObject;
  if (err instanceof FieldhubError) return { code: err.code, message: err.message };
  return { code: 'FH_INTERNAL', message: String(err) };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export class ModbusDevice {
  readonly poller: DevicePoller;
  private readonly writer: PointWriter;
  private leaf: LeafDevice | undefined;
  private readonly lastReported = new Map<string, JsonValue>();
  private readonly points: ReadonlyMap<string, ModbusProfilePoint>;

  constructor(private readonly o: ModbusDeviceOptions) {
    const c = o.config;
    const plan = planDevice(o.profile, { coalesce: o.coalesce, ...(c.pollIntervalS !== undefined ? { pollIntervalS: c.pollIntervalS } : {}), ...(o.maxGap !== undefined ? { maxGap: o.maxGap } : {}) });
    this.points = plan.points;
    const common = { deviceId: c.deviceId, unitId: c.unitId, timeoutMs: c.timeoutMs, retries: c.retries, points: plan.points, arbiter: o.arbiter };
    this.poller = new DevicePoller({ ...common, groups: plan.groups, backoff: o.backoff, onCycle: (r) => this.onCycle(r) });
    this.writer = new PointWriter(common);
  }

  get deviceId(): string {
    return this.o.config.deviceId;
  }

  get status(): PollerStatus {
    return this.poller.status;
  }

  /** Registers the identity, wires desired properties and methods, starts polling. */
  async start(ctx: ModuleContext): Promise<void> {
    const leaf = await ctx.registerDevice(this.deviceId);
    this.leaf = leaf;
    const twin = await leaf.getTwin();
    for (const p of this.points.values()) {
      const v = twin.reported[p.name];
      if (p.reported && v !== undefined) this.lastReported.set(p.name, v);
    }
    leaf.onMethod('write', (payload) => this.methodWrite(payload));
    leaf.onDesired((patch) => this.applyDesired(patch, Object.keys(patch)));
    this.poller.start();
    const writes = twin.reported[WRITE_STATUS_KEY];
    const pending = Object.keys(twin.desired).filter((k) => {
      const p = this.points.get(k);
      if (p === undefined || p.writable === false || !p.writable.desired || twin.desired[k] === null) return false;
      const last = isObject(writes) ? writes[k] : undefined;
      const applied = isObject(last) && last.status === 200 && JSON.stringify(last.desired) === JSON.stringify(twin.desired[k]);
      return !applied && JSON.stringify(twin.reported[k]) !== JSON.stringify(twin.desired[k]);
    });
    if (pending.length > 0) void this.applyDesired(twin.desired, pending);
  }

  async stop(): Promise<void> {
    await this.poller.stop();
  }

  private async onCycle(r: CycleResult): Promise<void> {
    this.o.onStatus();
    const leaf = this.leaf;
    if (leaf === undefined || r.values.size === 0) return;
    const telemetry: JsonObject = {};
    const changed: JsonObject = {};
    for (const [name, raw] of r.values) {
      const p = this.points.get(name)!;
      // A float register holding NaN or infinity: JSON and twins have no such numbers.
      const value = typeof raw === 'number' && !Number.isFinite(raw) ? null : raw;
      if (p.telemetry) telemetry[name] = value;
      if (p.reported && this.lastReported.get(name) !== value) changed[name] = value;
    }
    try {
      if (Object.keys(telemetry).length > 0) await leaf.sendTelemetry({ body: telemetry, contentType: 'application/json' });
    } catch (err) {
      this.o.logger.warn({ event: 'modbus-telemetry-failed', deviceId: this.deviceId, err: (err as Error).message }, 'telemetry not stored');
    }
    if (Object.keys(changed).length > 0) await this.report(changed);
  }

  /** Patches reported properties; remembers what was reported only once it is stored. */
  private async report(patch: JsonObject): Promise<void> {
    try {
      await this.leaf?.updateReported(patch);
      for (const [k, v] of Object.entries(patch)) if (this.points.get(k)?.reported) this.lastReported.set(k, v);
    } catch (err) {
      this.o.logger.warn({ event: 'modbus-reported-failed', deviceId: this.deviceId, err: (err as Error).message }, 'reported properties not stored');
    }
  }

  private async write(point: unknown, value: unknown, via: WriteVia): Promise<PointValue> {
    try {
      const written = await this.writer.write(point, value, via);
      this.o.logger.info({ event: 'modbus-write', deviceId: this.deviceId, point, via }, 'modbus point written');
      return written;
    } catch (err) {
      this.o.logger.warn({ event: 'modbus-write-failed', deviceId: this.deviceId, point, via, ...errorJson(err) }, 'modbus write failed');
      throw err;
    } finally {
      this.o.onStatus();
    }
  }

  /** Applies the writable points among `keys` of a desired patch, one after another. */
  private async applyDesired(desired: JsonObject, keys: readonly string[]): Promise<void> {
    const version = typeof desired.$version === 'number' ? desired.$version : undefined;
    for (const key of keys) {
      const p = this.points.get(key);
      const value = desired[key];
      // Not a point: some other desired setting, not ours. null deletes a desired value: nothing to write.
      if (p === undefined || value === null || value === undefined) continue;
      const status: JsonObject = { desired: value, at: new Date().toISOString(), ...(version !== undefined ? { version } : {}) };
      const patch: JsonObject = {};
      try {
        const written = await this.write(key, value, 'desired');
        patch[key] = written;
        Object.assign(status, { status: 200 });
      } catch (err) {
        Object.assign(status, { status: methodStatusFor(err), ...errorJson(err) });
      }
      patch[WRITE_STATUS_KEY] = { [key]: status };
      await this.report(patch);
    }
  }

  private async methodWrite(payload: JsonValue): Promise<MethodAnswer> {
    if (!isObject(payload) || typeof payload.point !== 'string' || !('value' in payload)) {
      return { status: 400, payload: { code: 'FH_METHOD_INVALID', message: 'method write expects {"point": "<name>", "value": <value>}' } };
    }
    try {
      const value = await this.write(payload.point, payload.value, 'method');
      if (this.points.get(payload.point)?.reported && this.lastReported.get(payload.point) !== value) await this.report({ [payload.point]: value });
      return { status: 200, payload: { point: payload.point, value } };
    } catch (err) {
      return { status: methodStatusFor(err), payload: errorJson(err) };
    }
  }
}
