/** Scale arithmetic, serial field values and NMEA sentences (checksums, hemispheres, empty fields). */
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../loader.js';
import type { SerialProfile, SerialProfilePoint } from '../profile.js';
import { nmeaCoordinate, nmeaFields, parseNmeaSentence } from './nmea-fields.js';
import { applyScale, decimalsOf, invertScale } from './scale.js';
import { decodeSerialPoint } from './serial-value.js';

describe('scale', () => {
  it('counts decimals and rounds exact raw values to them', () => {
    expect([decimalsOf(0.1), decimalsOf(0.01), decimalsOf(1e-7), decimalsOf(12), decimalsOf(1.5e-10)]).toEqual([1, 2, 7, 0, 11]);
    expect(3 * 0.1).not.toBe(0.3); // why applyScale rounds
    expect(applyScale(3, 0.1, 0, true)).toBe(0.3);
    expect(applyScale(3, 0.1, 0, false)).toBe(3 * 0.1);
    expect(applyScale(305, 0.1, 0, true)).toBe(30.5);
    expect(applyScale(2956, 0.001, 0, true)).toBe(2.956);
    expect(applyScale(653, 0.1, -40, true)).toBe(25.3);
    expect(applyScale(230.5, 1, 0, false)).toBe(230.5);
    expect(invertScale(30.5, 0.1, 0, true)).toBe(305);
    expect(() => invertScale(1, 0, 0, true)).toThrow(RangeError);
  });
});

describe('serial point values', () => {
  const profile = parseProfile({
    schemaVersion: 1, id: 'meter-line', name: 'Line', protocol: 'serial',
    defaults: { serial: { parser: 'regex', pattern: 'T=(?<t>[-0-9.]+) (?<ok>\\w+) (?<id>\\w+)' } },
    points: [
      { name: 'temperature', scale: 2, serial: { field: 't', type: 'number' } },
      { name: 'ok', serial: { field: 'ok', type: 'bool' } },
      { name: 'id', serial: { field: 'id', type: 'string' } },
    ],
  }) as SerialProfile;
  const [t, ok, id] = profile.points as [SerialProfilePoint, SerialProfilePoint, SerialProfilePoint];

  it('converts fields to the point type, scaled, null when absent', () => {
    expect(decodeSerialPoint(t, '12.05')).toBe(24.1);
    expect(decodeSerialPoint(t, 3)).toBe(6);
    expect(decodeSerialPoint(t, '')).toBeNull();
    expect(decodeSerialPoint(t, undefined)).toBeNull();
    expect(decodeSerialPoint(ok, 'TRUE')).toBe(true);
    expect(decodeSerialPoint(ok, '0')).toBe(false);
    expect(decodeSerialPoint(id, 42)).toBe('42');
  });

  it('refuses values that are not of the type with FH_PROFILE_DECODE_FAILED', () => {
    expect(() => decodeSerialPoint(t, 'abc')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
    expect(() => decodeSerialPoint(ok, 'maybe')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
    expect(() => decodeSerialPoint(id, { a: 1 })).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
  });
});

describe('NMEA sentences', () => {
  it('parses and names GGA fields', () => {
    const s = parseNmeaSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n');
    expect([s.talker, s.type]).toEqual(['GP', 'GGA']);
    expect(nmeaFields(s.type, s.fields)).toEqual({
      time: '123519', latitude: 48.1173, longitude: 11.5166667, fixQuality: 1, fix: true, satellites: 8, hdop: 0.9, altitude: 545.4, geoidSeparation: 46.9,
    });
  });

  it('parses RMC with a southern/western position and an ISO datetime', () => {
    const body = 'GNRMC,083559.00,A,4717.11437,S,00833.91522,W,0.004,77.52,091202,,,A';
    let sum = 0;
    for (const ch of body) sum ^= ch.charCodeAt(0);
    const s = parseNmeaSentence(`$${body}*${sum.toString(16).toUpperCase().padStart(2, '0')}`);
    expect(s.talker).toBe('GN');
    expect(nmeaFields(s.type, s.fields)).toMatchObject({ valid: true, latitude: -47.2852395, longitude: -8.5652537, speedKnots: 0.004, course: 77.52, datetime: '2002-12-09T08:35:59.000Z' });
  });

  it('gives null for empty fields (no fix yet)', () => {
    const s = parseNmeaSentence('$GPGGA,,,,,,0,00,99.99,,,,,,');
    expect(nmeaFields(s.type, s.fields)).toMatchObject({ latitude: null, longitude: null, fixQuality: 0, fix: false, altitude: null });
    expect(nmeaCoordinate('', 'N')).toBeNull();
  });

  it('refuses a bad checksum or a line that is no sentence with FH_PROFILE_DECODE_FAILED', () => {
    expect(() => parseNmeaSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
    expect(() => parseNmeaSentence('hello')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
  });

  it('names fields of other sentences f1, f2, … and reads proprietary addresses', () => {
    const s = parseNmeaSentence('$PUBX,00,081350.00');
    expect([s.talker, s.type]).toEqual(['P', 'UBX']);
    expect(nmeaFields(s.type, s.fields)).toEqual({ f1: '00', f2: '081350.00' });
  });
});
