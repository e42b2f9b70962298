/**
 * A device's poll plan from its profile (the shipped Eastron SDM120 and an inline profile): groups
 * by interval, the device's own interval replacing the profile default, write-only points left
 * out, and the number of requests per group with and without coalescing.
 */
import { describe, expect, it } from 'vitest';
import { loadProfile, parseProfile } from '../../devices/loader.js';
import type { ModbusProfile } from '../../devices/profile.js';
import { planDevice } from './device-plan.js';

const sdm120 = loadProfile('eastron-sdm120') as ModbusProfile;

describe('planDevice', () => {
  it('groups the SDM120 map by interval and coalesces each group within its 60-register limit', () => {
    const plan = planDevice(sdm120, { coalesce: true });
    expect(plan.groups.map((g) => g.intervalMs)).toEqual([10_000, 60_000, 3_600_000]);
    const fast = plan.groups[0]!;
    // voltage..phaseAngle (0..0x25) in one request; frequency (0x46) is 32 registers further.
    expect(fast.requests.map((r) => [r.fc, r.address, r.count])).toEqual([[4, 0, 38], [4, 0x46, 2]]);
    expect(plan.groups.every((g) => g.requests.every((r) => r.count <= 60))).toBe(true);
    const uncoalesced = planDevice(sdm120, { coalesce: false });
    expect(uncoalesced.groups.map((g) => g.requests.length)).toEqual(plan.groups.map((g) => g.requests.reduce((n, r) => n + r.items.length, 0)));
  });

  it('replaces the profile default interval with the device one; points with their own keep theirs', () => {
    const plan = planDevice(sdm120, { coalesce: true, pollIntervalS: 2 });
    expect(plan.groups.map((g) => g.intervalMs)).toEqual([2000, 60_000, 3_600_000]);
  });

  it('leaves out points that are neither telemetry nor reported, and honours a maxGap override', () => {
    const profile = parseProfile({
      schemaVersion: 1, id: 'inline', name: 'inline', protocol: 'modbus',
      points: [
        { name: 'a', modbus: { table: 'holding', address: 0, type: 'uint16' } },
        { name: 'b', modbus: { table: 'holding', address: 4, type: 'uint16' } },
        { name: 'cmd', telemetry: false, writable: true, modbus: { table: 'holding', address: 2, type: 'uint16' } },
      ],
    }) as ModbusProfile;
    const plan = planDevice(profile, { coalesce: true });
    expect(plan.points.has('cmd')).toBe(true);
    expect(plan.groups[0]!.requests.flatMap((r) => r.items.map((i) => i.point))).toEqual(['a', 'b']);
    expect(plan.groups[0]!.requests).toHaveLength(1);
    expect(planDevice(profile, { coalesce: true, maxGap: 2 }).groups[0]!.requests).toHaveLength(2);
  });
});
