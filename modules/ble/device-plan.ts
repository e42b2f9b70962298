/**
 * What one configured BLE device reads and subscribes to (pure): its profile's points grouped by
 * characteristic, since one read or one notification carries every point that shares the
 * characteristic. `read` points are grouped per characteristic and poll interval; `notify` points
 * per characteristic. The poll interval is the point's own when it has one, else the device's
 * `pollIntervalS`, else the module's, else the profile's default. Write-only points (neither
 * telemetry nor reported) are never read.
 */
import type { BleProfile, BleProfilePoint } from '../../devices/profile.js';

/** Points decoded from one characteristic. */
export interface CharGroup {
  /** Unique in the device: `<mode>:<service>/<characteristic>[@<interval ms>]`. */
  readonly key: string;
  readonly service: string;
  readonly characteristic: string;
  readonly mode: 'read' | 'notify';
  readonly points: readonly BleProfilePoint[];
  /** read: ms between reads. */
  readonly intervalMs: number;
}

export interface DevicePlan {
  readonly points: ReadonlyMap<string, BleProfilePoint>;
  readonly reads: readonly CharGroup[];
  readonly notifies: readonly CharGroup[];
}

export interface PlanOptions {
  /** The device's own poll interval, s. */
  readonly devicePollIntervalS?: number;
  /** The module's default poll interval, s. */
  readonly modulePollIntervalS?: number;
}

/** A point's poll interval, ms. The loader copies the profile default into points without one. */
export function pointIntervalMs(profile: BleProfile, point: BleProfilePoint, options: PlanOptions = {}): number {
  const own = point.pollIntervalS !== profile.defaults.pollIntervalS;
  const s = own ? point.pollIntervalS : (options.devicePollIntervalS ?? options.modulePollIntervalS ?? point.pollIntervalS);
  return Math.round(1000 * s);
}

export function planDevice(profile: BleProfile, options: PlanOptions = {}): DevicePlan {
  const groups = new Map<string, { service: string; characteristic: string; mode: 'read' | 'notify'; intervalMs: number; points: BleProfilePoint[] }>();
  for (const p of profile.points) {
    if (!p.telemetry && !p.reported) continue;
    const { service, characteristic, mode } = p.ble;
    const intervalMs = mode === 'read' ? pointIntervalMs(profile, p, options) : 0;
    const key = mode === 'read' ? `read:${service}/${characteristic}@${intervalMs}` : `notify:${service}/${characteristic}`;
    const g = groups.get(key) ?? { service, characteristic, mode, intervalMs, points: [] };
    g.points.push(p);
    groups.set(key, g);
  }
  const all = [...groups.entries()].map(([key, g]) => ({ key, ...g }));
  return {
    points: new Map(profile.points.map((p) => [p.name, p])),
    reads: all.filter((g) => g.mode === 'read').sort((a, b) => a.intervalMs - b.intervalMs),
    notifies: all.filter((g) => g.mode === 'notify'),
  };
}
