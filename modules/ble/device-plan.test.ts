/**
 * The per-device plan from profiles (pure): points grouped by characteristic and mode, poll
 * intervals from the point, the device, the module or the profile, write-only points never read.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile, parseProfile } from '../../devices/loader.js';
import type { BleProfile } from '../../devices/profile.js';
import { planDevice } from './device-plan.js';

const load = (id: string): BleProfile => loadProfile(id) as BleProfile;

describe('planDevice', () => {
  it('reads one characteristic once for every point it carries (LYWSD03MMC notifies three)', () => {
    const plan = planDevice(load('xiaomi-lywsd03mmc'));
    expect(plan.reads).toEqual([]);
    expect(plan.notifies).toHaveLength(1);
    expect(plan.notifies[0]!.points.map((p) => p.name)).toEqual(['temperature', 'humidity', 'batteryVoltage']);
  });

  it('takes the interval from the device, else the module, else the profile', () => {
    const ess = load('gatt-environmental-sensing');
    expect(planDevice(ess).reads.map((g) => g.intervalMs)).toEqual([30_000, 30_000, 30_000]);
    expect(planDevice(ess, { modulePollIntervalS: 5 }).reads.map((g) => g.intervalMs)).toEqual([5000, 5000, 5000]);
    expect(planDevice(ess, { modulePollIntervalS: 5, devicePollIntervalS: 2 }).reads[0]!.intervalMs).toBe(2000);
  });

  it('keeps a point\'s own interval, and never reads a write-only point', () => {
    const profile = parseProfile({
      schemaVersion: 1, id: 'mixed', name: 'mixed', protocol: 'ble', defaults: { pollIntervalS: 60 },
      points: [
        { name: 'level', pollIntervalS: 1, ble: { service: '180f', characteristic: '2a19', decode: { type: 'uint8' } } },
        { name: 'temp', ble: { service: '181a', characteristic: '2a6e', decode: { type: 'int16le', scale: 0.01 } } },
        { name: 'alert', telemetry: false, writable: true, ble: { service: '1802', characteristic: '2a06', decode: { type: 'uint8' } } },
      ],
    }) as BleProfile;
    const plan = planDevice(profile, { devicePollIntervalS: 10 });
    expect(plan.reads.map((g) => [g.points.map((p) => p.name), g.intervalMs])).toEqual([[['level'], 1000], [['temp'], 10_000]]);
    expect(plan.points.has('alert')).toBe(true);
  });
});
