/**
 * From parsed frames to messages on a fake clock: point values by profile (sentence filter,
 * scale, dotted JSON paths, decode errors), interval aggregation (latest value per point, one
 * message per interval group, nothing when nothing new), frame mode, reported patches only on
 * change, and the bounded queue dropping the oldest message.
 */
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../../devices/loader.js';
import type { SerialProfile } from '../../devices/profile.js';
import { FakeClock } from '../../hub-core/core/clock.js';
import type { JsonObject } from '../../hub-core/core/types.js';
import { silentLogger } from '../../hub-core/log.js';
import { frameMatches, readPoints } from './point-values.js';
import { TelemetryBatcher, type TelemetryTarget } from './telemetry-batcher.js';

const profile = parseProfile({
  schemaVersion: 1, id: 'weather', name: 'Weather station', protocol: 'serial',
  defaults: { pollIntervalS: 10, serial: { parser: 'json' } },
  points: [
    { name: 'temperature', unit: 'degC', scale: 0.1, serial: { field: 't', type: 'number' } },
    { name: 'wind', unit: 'm/s', pollIntervalS: 60, serial: { field: 'wind.speed', type: 'number' } },
    { name: 'status', telemetry: false, reported: true, serial: { field: 'st', type: 'string' } },
  ],
}) as SerialProfile;

const gps = parseProfile({
  schemaVersion: 1, id: 'gps', name: 'GPS', protocol: 'serial', defaults: { serial: { parser: 'nmea' } },
  points: [
    { name: 'altitude', serial: { field: 'altitude', type: 'number', sentence: 'GGA' } },
    { name: 'speed', unit: 'km/h', scale: 1.852, serial: { field: 'speedKnots', type: 'number', sentence: 'RMC' } },
  ],
}) as SerialProfile;

function recorder(): TelemetryTarget & { sent: JsonObject[]; patches: JsonObject[]; gate?: Promise<void> } {
  const r: TelemetryTarget & { sent: JsonObject[]; patches: JsonObject[]; gate?: Promise<void> } = {
    sent: [], patches: [],
    async sendTelemetry(body) {
      await r.gate;
      r.sent.push(body);
    },
    async updateReported(patch) {
      r.patches.push(patch);
    },
  };
  return r;
}

describe('readPoints', () => {
  it('takes each point from its field, scaled, and only from its sentence', () => {
    expect([...readPoints(profile.points, { fields: { t: 215, wind: { speed: 3.5 }, st: 'OK' } }).values]).toEqual([['temperature', 21.5], ['wind', 3.5], ['status', 'OK']]);
    expect([...readPoints(gps.points, { sentence: 'GGA', fields: { altitude: 545.4, speedKnots: 1 } }).values]).toEqual([['altitude', 545.4]]);
    expect([...readPoints(gps.points, { sentence: 'RMC', fields: { speedKnots: 10 } }).values]).toEqual([['speed', 18.52]]);
    expect(readPoints(gps.points, { sentence: 'GGA', fields: { altitude: null } }).values.size).toBe(0); // no fix: no value
  });

  it('reports a field that does not convert, and keeps the others', () => {
    const r = readPoints(profile.points, { fields: { t: 'warm', st: 'OK' } });
    expect([...r.values]).toEqual([['status', 'OK']]);
    expect(r.errors.map((e) => (e as { code?: string }).code)).toEqual(['FH_PROFILE_DECODE_FAILED']);
  });

  it('matches frames to devices by field values', () => {
    expect(frameMatches({ id: 2 }, { fields: { id: '2' } })).toBe(true);
    expect(frameMatches({ id: 2 }, { fields: { id: '3' } })).toBe(false);
    expect(frameMatches({ id: 2 }, { fields: {} })).toBe(false);
    expect(frameMatches(undefined, { fields: {} })).toBe(true);
  });
});

function batcher(mode: 'interval' | 'frame', target: TelemetryTarget, clock: FakeClock, extra: { maxPending?: number; pollIntervalS?: number } = {}): TelemetryBatcher {
  return new TelemetryBatcher({
    deviceId: 'ws-1', points: profile.points, mode, maxPending: extra.maxPending ?? 100, clock, target, logger: silentLogger(),
    ...(extra.pollIntervalS !== undefined ? { pollIntervalS: extra.pollIntervalS } : {}),
  });
}

const v = (o: Record<string, number | string>): Map<string, number | string> => new Map(Object.entries(o));

describe('TelemetryBatcher', () => {
  it('interval mode: the latest value per point, one message per interval group, nothing when nothing came', async () => {
    const clock = new FakeClock();
    const target = recorder();
    const b = batcher('interval', target, clock);
    b.start();
    b.accept(v({ temperature: 20, wind: 1, status: 'OK' }));
    b.accept(v({ temperature: 21 }));
    await clock.advance(10_000);
    expect(target.sent).toEqual([{ temperature: 21 }]); // wind is in the 60 s group
    expect(target.patches).toEqual([{ status: 'OK' }]);
    await clock.advance(10_000); // nothing new
    expect(target.sent).toHaveLength(1);
    b.accept(v({ temperature: 22, status: 'OK' }));
    await clock.advance(40_000);
    expect(target.sent).toEqual([{ temperature: 21 }, { temperature: 22 }, { wind: 1 }]);
    expect(target.patches).toEqual([{ status: 'OK' }]); // unchanged: not patched again
    b.accept(v({ status: 'NOK' }));
    await clock.advance(10_000);
    expect(target.patches).toEqual([{ status: 'OK' }, { status: 'NOK' }]);
    await b.stop();
    expect(b.counters).toMatchObject({ messages: 3, dropped: 0, reportedPatches: 2 });
  });

  it('a device pollIntervalS puts every point on one interval', async () => {
    const clock = new FakeClock();
    const target = recorder();
    const b = batcher('interval', target, clock, { pollIntervalS: 1 });
    b.start();
    b.accept(v({ temperature: 20, wind: 2, status: 'A' }));
    await clock.advance(1000);
    expect(target.sent).toEqual([{ temperature: 20, wind: 2 }]);
    expect(target.patches).toEqual([{ status: 'A' }]);
    await b.stop();
  });

  it('frame mode: one message per frame with its telemetry points; reported on ticks', async () => {
    const clock = new FakeClock();
    const target = recorder();
    const b = batcher('frame', target, clock);
    b.start();
    b.accept(v({ temperature: 20, status: 'A' }));
    b.accept(v({ status: 'B' })); // no telemetry point: no message
    b.accept(v({ wind: 3 }));
    await clock.advance(1);
    expect(target.sent).toEqual([{ temperature: 20 }, { wind: 3 }]);
    await clock.advance(60_000);
    expect(target.patches).toEqual([{ status: 'B' }]);
    await b.stop();
  });

  it('drops the oldest queued message when the store is slower than the line', async () => {
    const clock = new FakeClock();
    const target = recorder();
    let open!: () => void;
    target.gate = new Promise((r) => {
      open = r;
    });
    const b = batcher('frame', target, clock, { maxPending: 3 });
    for (let i = 1; i <= 10; i++) b.accept(v({ temperature: i }));
    expect(b.pending).toBeLessThanOrEqual(3);
    open();
    await clock.advance(1);
    // The first was already being stored; of the rest only the newest three were kept.
    expect(target.sent.map((m) => m.temperature)).toEqual([1, 8, 9, 10]);
    expect(b.counters).toMatchObject({ messages: 4, dropped: 6 });
    await b.stop();
  });
});
