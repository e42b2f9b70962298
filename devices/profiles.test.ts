/**
 * Every shipped profile (devices/profiles/) loads, passes the schema and the cross-field checks,
 * and says what its datasheet says: spot checks of register addresses, UUIDs and decoders, and a
 * decode of a known value through the profile's own point.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { decodeBlePoint } from './codecs/ble-value.js';
import { decodeModbusPoint } from './codecs/modbus-point.js';
import { nmeaFields, parseNmeaSentence } from './codecs/nmea-fields.js';
import { decodeSerialPoint } from './codecs/serial-value.js';
import { BUILTIN_PROFILES_DIR, loadProfile, loadProfiles, parseProfile } from './loader.js';
import type { BleProfile, ModbusProfile, SerialProfile } from './profile.js';

function point<P extends { points: readonly { name: string }[] }>(profile: P, name: string): P['points'][number] {
  const p = profile.points.find((x) => x.name === name);
  if (p === undefined) throw new Error(`no point ${name} in the profile`);
  return p;
}

describe('shipped profiles', () => {
  it('loads every file in devices/profiles, each id equal to its file name', () => {
    const files = readdirSync(BUILTIN_PROFILES_DIR).filter((f) => /\.(ya?ml|json)$/.test(f));
    const profiles = loadProfiles();
    expect(profiles.size).toBe(files.length);
    expect([...profiles.keys()].sort()).toEqual(files.map((f) => f.replace(/\.(ya?ml|json)$/, '')).sort());
    for (const [id, p] of profiles) expect(loadProfile(id)).toEqual(p);
  });

  it('covers what issue 5 asks for: a meter, a T/H sensor, battery, ESS, a BLE thermometer, a GPS', () => {
    const protocols = Object.fromEntries([...loadProfiles()].map(([id, p]) => [id, p.protocol]));
    expect(protocols).toMatchObject({
      'eastron-sdm120': 'modbus', 'xy-md02': 'modbus', 'gatt-battery': 'ble', 'gatt-environmental-sensing': 'ble',
      'xiaomi-lywsd03mmc': 'ble', 'nmea-gps': 'serial',
    });
  });

  it('eastron-sdm120: float32 input registers, 60 registers per read; 230.5 V decodes', () => {
    const p = loadProfile('eastron-sdm120') as ModbusProfile;
    expect(p.defaults.modbus).toEqual({ byteOrder: 'BE', wordOrder: 'BE', maxRegistersPerRead: 60, maxGap: 8 });
    const voltage = point(p, 'voltage');
    expect(voltage.modbus).toEqual({ table: 'input', address: 0, type: 'float32', byteOrder: 'BE', wordOrder: 'BE' });
    expect(point(p, 'totalActiveEnergy').modbus.address).toBe(0x156);
    expect(point(p, 'frequency').modbus.address).toBe(0x46);
    expect(decodeModbusPoint(voltage, [0x4366, 0x8000])).toBe(230.5);
    expect(p.points.every((x) => x.writable === false)).toBe(true);
  });

  it('xy-md02: int16 x0.1 temperature at input 1, humidity at 2; corrections writable within ±10', () => {
    const p = loadProfile('xy-md02') as ModbusProfile;
    const t = point(p, 'temperature');
    expect(t.modbus).toMatchObject({ table: 'input', address: 1, type: 'int16' });
    expect(point(p, 'humidity').modbus).toMatchObject({ table: 'input', address: 2, type: 'uint16' });
    // The manual's examples: 0x0131 = 30.5 C, 0xFF33 = -20.5 C, 0x0222 = 54.6 %RH.
    expect(decodeModbusPoint(t, [0x0131])).toBe(30.5);
    expect(decodeModbusPoint(t, [0xff33])).toBe(-20.5);
    expect(decodeModbusPoint(point(p, 'humidity'), [0x0222])).toBe(54.6);
    expect(point(p, 'temperatureCorrection')).toMatchObject({ writable: { desired: true, method: true }, min: -10, max: 10 });
  });

  it('gatt-battery and gatt-environmental-sensing: SIG UUIDs expanded, GSS decoders', () => {
    const bas = loadProfile('gatt-battery') as BleProfile;
    expect(point(bas, 'batteryLevel').ble).toEqual({
      service: '0000180f-0000-1000-8000-00805f9b34fb', characteristic: '00002a19-0000-1000-8000-00805f9b34fb',
      decode: { type: 'uint8', scale: 1, offset: 0 }, mode: 'read',
    });
    const ess = loadProfile('gatt-environmental-sensing') as BleProfile;
    expect(decodeBlePoint(point(ess, 'temperature'), Uint8Array.of(0x1b, 0x09))).toBe(23.31); // 0x091B = 2331
    expect(decodeBlePoint(point(ess, 'humidity'), Uint8Array.of(0x88, 0x13))).toBe(50); // 5000 x 0.01
    expect(decodeBlePoint(point(ess, 'pressure'), Uint8Array.of(0x02, 0x76, 0x0f, 0x00))).toBe(101325); // 1013250 x 0.1
    expect(point(ess, 'pressure').ble.characteristic).toBe('00002a6d-0000-1000-8000-00805f9b34fb');
  });

  it('xiaomi-lywsd03mmc: one notification decodes into temperature, humidity and battery voltage', () => {
    const p = loadProfile('xiaomi-lywsd03mmc') as BleProfile;
    const frame = Uint8Array.of(0xc3, 0x0a, 0x36, 0x8c, 0x0b); // 27.55 C, 54 %, 2956 mV
    expect(p.points.map((x) => [x.name, decodeBlePoint(x, frame)])).toEqual([['temperature', 27.55], ['humidity', 54], ['batteryVoltage', 2.956]]);
    expect(p.points.every((x) => x.ble.mode === 'notify' && x.ble.characteristic === 'ebe0ccc1-7a0a-4b0c-8a1a-6ff2997da3a6')).toBe(true);
  });

  it('nmea-gps: GGA and RMC fields through the profile points', () => {
    const p = loadProfile('nmea-gps') as SerialProfile;
    expect(p.defaults.serial).toEqual({ parser: 'nmea', baudRate: 9600, delimiter: '\r\n' });
    const gga = parseNmeaSentence('$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47');
    const rmc = parseNmeaSentence('$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A');
    const fields = { GGA: nmeaFields(gga.type, gga.fields), RMC: nmeaFields(rmc.type, rmc.fields) };
    const values = Object.fromEntries(p.points.map((x) => [x.name, decodeSerialPoint(x, fields[x.serial.sentence as 'GGA' | 'RMC'][x.serial.field])]));
    expect(values).toEqual({
      latitude: 48.1173, longitude: 11.5166667, fixQuality: 1, satellites: 8, hdop: 0.9, altitude: 545.4,
      speed: 41.4848, course: 84.4, gpsTime: '1994-03-23T12:35:19.000Z',
    });
  });

  it('the examples in devices/README.md are valid profiles', () => {
    const readme = readFileSync(join(import.meta.dirname, 'README.md'), 'utf8');
    const blocks = [...readme.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => parseYaml(m[1] as string) as Record<string, unknown>);
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    for (const [i, block] of blocks.entries()) {
      const p = parseProfile({ schemaVersion: 1, id: `readme-${i}`, name: `README example ${i}`, ...block });
      expect(p.points.length).toBeGreaterThan(0);
    }
  });
});
