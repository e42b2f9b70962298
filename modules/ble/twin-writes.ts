/**
 * Writes as the hub sees them, for one {@link BleDevice}: direct method `write` `{point, value}`
 * (200 `{point, value}`, or 400/502/503/504 `{code, message}` by errors.ts `methodStatusFor`), and
 * desired properties named after writable points (outcome in reported `<point>` and
 * `_write.<point>` = {status, desired, version, at[, code, message]}). At start, the desired
 * values the device does not hold yet are written: not reported with that value, and no
 * successful write of it recorded under `_write` (the same rule as the modbus module).
 */
import type { BleProfilePoint } from '../../devices/profile.js';
import type { JsonObject, JsonValue, Logger, MethodAnswer } from '../../runtime/modules/api.js';
import type { BleDevice } from './ble-device.js';
import { errorJson, methodStatusFor } from './errors.js';

/** Twin key of the write outcomes (a point name cannot start with `_`; twin keys cannot hold `$`). */
export const WRITE_STATUS_KEY = '_write';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Names of the writable points whose desired value is still to be written. */
export function pendingDesired(points: ReadonlyMap<string, BleProfilePoint>, twin: { desired: JsonObject; reported: JsonObject }): string[] {
  const writes = twin.reported[WRITE_STATUS_KEY];
  return Object.keys(twin.desired).filter((k) => {
    const p = points.get(k);
    if (p === undefined || p.writable === false || !p.writable.desired || twin.desired[k] === null) return false;
    const last = isObject(writes) ? writes[k] : undefined;
    const applied = isObject(last) && last.status === 200 && JSON.stringify(last.desired) === JSON.stringify(twin.desired[k]);
    return !applied && JSON.stringify(twin.reported[k]) !== JSON.stringify(twin.desired[k]);
  });
}

/** The `write` direct method. */
export async function answerWriteMethod(device: BleDevice, payload: JsonValue, logger: Logger): Promise<MethodAnswer> {
  if (!isObject(payload) || typeof payload.point !== 'string' || !('value' in payload)) {
    return { status: 400, payload: { code: 'FH_PROFILE_VALUE_INVALID', message: 'method write expects {"point": "<name>", "value": <value>}' } };
  }
  const log = { deviceId: device.deviceId, point: payload.point, via: 'method' };
  try {
    const value = await device.write(payload.point, payload.value, 'method');
    logger.info({ event: 'ble-write', ...log }, 'BLE point written');
    return { status: 200, payload: { point: payload.point, value } };
  } catch (err) {
    logger.warn({ event: 'ble-write-failed', ...log, ...errorJson(err) }, 'BLE write failed');
    return { status: methodStatusFor(err), payload: errorJson(err) };
  }
}

/** Writes the writable points among `keys` of a desired patch, one after another, and reports each outcome. */
export async function applyDesiredWrites(device: BleDevice, desired: JsonObject, keys: readonly string[], logger: Logger): Promise<void> {
  const version = typeof desired.$version === 'number' ? desired.$version : undefined;
  for (const key of keys) {
    const value = desired[key];
    // Not a point: some other desired setting. null deletes a desired value: nothing to write.
    if (!device.plan.points.has(key) || value === null || value === undefined) continue;
    const status: JsonObject = { desired: value, at: new Date(device.clock.now()).toISOString(), ...(version !== undefined ? { version } : {}) };
    const patch: JsonObject = {};
    try {
      patch[key] = await device.write(key, value, 'desired');
      Object.assign(status, { status: 200 });
    } catch (err) {
      logger.warn({ event: 'ble-write-failed', deviceId: device.deviceId, point: key, via: 'desired', ...errorJson(err) }, 'BLE write failed');
      Object.assign(status, { status: methodStatusFor(err), ...errorJson(err) });
    }
    patch[WRITE_STATUS_KEY] = { [key]: status };
    device.report(patch);
  }
}
