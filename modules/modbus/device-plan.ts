/**
 * What one configured device polls (pure): its profile's points grouped by effective poll
 * interval, each group planned into read requests. The device's `pollIntervalS` replaces the
 * profile's default interval; a point with its own interval keeps it.
 */
import { pointWidth } from '../../devices/codecs/modbus-point.js';
import type { ModbusProfile, ModbusProfilePoint } from '../../devices/profile.js';
import type { PollGroup } from './device-poller.js';
import { planReads, type PlanItem } from './planner.js';

export interface DevicePlanOptions {
  /** The device's own poll interval, s. */
  readonly pollIntervalS?: number;
  readonly coalesce: boolean;
  /** Overrides the profile's maxGap. */
  readonly maxGap?: number;
}

export interface DevicePlan {
  readonly points: ReadonlyMap<string, ModbusProfilePoint>;
  readonly groups: readonly PollGroup[];
}

/** A point's poll interval, ms. The loader copies the profile default into points without one. */
export function pointIntervalMs(profile: ModbusProfile, point: ModbusProfilePoint, deviceIntervalS?: number): number {
  const own = point.pollIntervalS !== profile.defaults.pollIntervalS;
  return Math.round(1000 * (own || deviceIntervalS === undefined ? point.pollIntervalS : deviceIntervalS));
}

/** The device's poll groups, shortest interval first. Throws RangeError for a point no request can hold. */
export function planDevice(profile: ModbusProfile, options: DevicePlanOptions): DevicePlan {
  const points = new Map(profile.points.map((p) => [p.name, p]));
  const byInterval = new Map<number, PlanItem[]>();
  for (const p of profile.points) {
    // A point that is neither telemetry nor reported is only written: nothing to poll.
    if (!p.telemetry && !p.reported) continue;
    const ms = pointIntervalMs(profile, p, options.pollIntervalS);
    const items = byInterval.get(ms) ?? [];
    items.push({ point: p.name, table: p.modbus.table, address: p.modbus.address, count: pointWidth(p.modbus) });
    byInterval.set(ms, items);
  }
  const d = profile.defaults.modbus;
  const groups = [...byInterval.entries()].sort(([a], [b]) => a - b).map(([intervalMs, items]) => ({
    intervalMs,
    requests: planReads(items, { coalesce: options.coalesce, maxGap: options.maxGap ?? d.maxGap, maxRegisters: d.maxRegistersPerRead }),
  }));
  return { points, groups };
}
