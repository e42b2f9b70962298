/**
 * Validation of in-memory profiles (parseProfile): schema errors and cross-field errors each with
 * their JSON path, per-protocol requirements, and the defaults filled and inherited.
 */
import { describe, expect, it } from 'vitest';
import { isProfileError } from './errors.js';
import { parseProfile } from './loader.js';
import { findPoint, writablePoint } from './points.js';
import type { BleProfile, ModbusProfile, SerialProfile } from './profile.js';

const modbus = (points: unknown[], extra: object = {}) => ({ schemaVersion: 1, id: 'm', name: 'M', protocol: 'modbus', points, ...extra });
const reg = (name: string, modbusSpec: object, extra: object = {}) => ({ name, modbus: modbusSpec, ...extra });

/** The problems parseProfile reports, or [] when it accepts the document. */
function problems(doc: unknown): readonly string[] {
  try {
    parseProfile(doc);
    return [];
  } catch (err) {
    if (!isProfileError(err, 'FH_PROFILE_INVALID')) throw err;
    return err.problems;
  }
}

describe('profile schema', () => {
  it('accepts a minimal profile and fills every default', () => {
    const p = parseProfile(modbus([reg('v', { table: 'input', address: 0, type: 'float32' })])) as ModbusProfile;
    expect(p.defaults).toEqual({ pollIntervalS: 10, modbus: { byteOrder: 'BE', wordOrder: 'BE', maxRegistersPerRead: 125, maxGap: 8 } });
    expect(p.points[0]).toEqual({
      name: 'v', scale: 1, offset: 0, telemetry: true, reported: false, pollIntervalS: 10, writable: false,
      modbus: { table: 'input', address: 0, type: 'float32', byteOrder: 'BE', wordOrder: 'BE' },
    });
    expect(Object.isFrozen(p.points[0]?.modbus)).toBe(true);
  });

  it('inherits protocol defaults and normalises writable', () => {
    const p = parseProfile(modbus([
      reg('a', { table: 'holding', address: 0, type: 'int32' }, { writable: true }),
      reg('b', { table: 'holding', address: 2, type: 'int32', wordOrder: 'BE' }, { writable: { desired: true }, pollIntervalS: 1 }),
      reg('c', { table: 'coil', address: 0 }, { writable: { desired: false, method: false } }),
    ], { defaults: { pollIntervalS: 5, modbus: { wordOrder: 'LE' } } })) as ModbusProfile;
    expect(p.points.map((x) => [x.modbus.wordOrder, x.pollIntervalS, x.writable])).toEqual([
      ['LE', 5, { desired: true, method: true }], ['BE', 1, { desired: true, method: false }], ['LE', 5, false],
    ]);
    expect(p.points[2]?.modbus.type).toBe('bool');
  });

  it('does not modify the document it is given', () => {
    const doc = modbus([reg('v', { table: 'input', address: 0, type: 'int16' })]);
    const copy = structuredClone(doc);
    parseProfile(doc);
    expect(doc).toEqual(copy);
  });

  it('requires each point to have its protocol\'s section, and refuses the others\'', () => {
    expect(problems(modbus([{ name: 'x' }, { name: 'y', ble: { service: '180f', characteristic: '2a19', decode: { type: 'uint8' } }, modbus: { table: 'coil', address: 1 } }]))).toEqual([
      '/points/0/modbus: required for protocol modbus',
      '/points/1/ble: not allowed for protocol modbus',
    ]);
    expect(problems({ schemaVersion: 1, id: 'b', name: 'B', protocol: 'ble', defaults: { modbus: {} }, points: [{ name: 'x', serial: { field: 'a', type: 'number' } }] })).toEqual([
      '/defaults/modbus: not allowed for protocol ble',
      '/points/0/ble: required for protocol ble',
      '/points/0/serial: not allowed for protocol ble',
    ]);
  });

  it('reports schema errors by JSON path', () => {
    expect(problems({ schemaVersion: 2, id: 'Bad_Id', protocol: 'can', points: [] })).toEqual([
      '/name: required',
      '/schemaVersion: must be equal to constant',
      '/id: must match pattern "^[a-z0-9]+(-[a-z0-9]+)*$"',
      '/protocol: must be one of "modbus", "ble", "serial"',
      '/points: must NOT have fewer than 1 items',
    ]);
    expect(problems(modbus([reg('2bad', { table: 'input', address: 70000, type: 'int8' }, { colour: 'red', writable: 'yes' })]))).toEqual([
      '/points/0/colour: unknown key',
      '/points/0/name: must match pattern "^[A-Za-z][A-Za-z0-9_]*$"',
      '/points/0/writable: must be true, false or { desired: bool, method: bool }',
      '/points/0/modbus/address: must be <= 65535',
      '/points/0/modbus/type: must be one of "bool", "int16", "uint16", "int32", "uint32", "float32", "float64", "string", "bitfield"',
    ]);
    expect(problems('nope')).toEqual(['/: must be an object (a profile document)']);
  });
});

describe('cross-field checks', () => {
  it('point names are unique', () => {
    expect(problems(modbus([reg('a', { table: 'coil', address: 0 }), reg('a', { table: 'coil', address: 1 })]))).toEqual(['/points/1/name: duplicate point name "a" (also /points/0)']);
  });

  it('Modbus types fit their tables', () => {
    expect(problems(modbus([
      reg('a', { table: 'coil', address: 0, type: 'int16' }),
      reg('b', { table: 'input', address: 0, type: 'int16', bit: 3 }),
      reg('c', { table: 'holding', address: 0, type: 'bool' }),
      reg('d', { table: 'discrete', address: 0, bit: 1 }),
      reg('e', { table: 'input', address: 0 }),
      reg('f', { table: 'input', address: 0, type: 'string' }),
      reg('g', { table: 'input', address: 0, type: 'uint16', length: 2 }),
      reg('h', { table: 'input', address: 0, type: 'bitfield', bit: 12, bits: 8 }),
      reg('i', { table: 'input', address: 0, type: 'int16', bits: 2 }),
    ]))).toEqual([
      '/points/0/modbus/type: coil points are bool, not int16',
      '/points/1/modbus/bit: only for bool or bitfield on an input or holding register',
      '/points/2/modbus/bit: required for a bool on a register (which bit, 0..15)',
      '/points/3/modbus/bit: only for bool or bitfield on an input or holding register',
      '/points/4/modbus/type: required for table input',
      '/points/5/modbus/length: required for string (registers)',
      '/points/6/modbus/length: only for string',
      '/points/7/modbus/bits: bit + bits must be <= 16',
      '/points/8/modbus/bits: only for bitfield',
    ]);
  });

  it('only coils and holding registers are writable', () => {
    expect(problems(modbus([
      reg('a', { table: 'input', address: 0, type: 'int16' }, { writable: true }),
      reg('b', { table: 'discrete', address: 0 }, { writable: { method: true } }),
      reg('c', { table: 'holding', address: 0, type: 'bool', bit: 2 }, { writable: true }),
    ]))).toEqual([
      '/points/0/writable: table input is read-only (only coil and holding can be written)',
      '/points/1/writable: table discrete is read-only (only coil and holding can be written)',
    ]);
  });

  it('register ranges stay within 0..65535 including the type\'s width', () => {
    expect(problems(modbus([
      reg('a', { table: 'input', address: 65535, type: 'uint16' }),
      reg('b', { table: 'input', address: 65535, type: 'float32' }),
      reg('c', { table: 'holding', address: 65533, type: 'float64' }),
      reg('d', { table: 'holding', address: 65530, type: 'string', length: 7 }),
    ]))).toEqual([
      '/points/1/modbus/address: float32 at 65535 spans 2 registers, past the last address 65535',
      '/points/2/modbus/address: float64 at 65533 spans 4 registers, past the last address 65535',
      '/points/3/modbus/address: string at 65530 spans 7 registers, past the last address 65535',
    ]);
  });

  it('scale, offset, min and max only on numbers; scale never 0; min <= max; a point must do something', () => {
    expect(problems(modbus([
      reg('a', { table: 'coil', address: 0 }, { scale: 2, min: 0 }),
      reg('b', { table: 'input', address: 0, type: 'int16' }, { scale: 0 }),
      reg('c', { table: 'holding', address: 0, type: 'int16' }, { min: 5, max: 1 }),
      reg('d', { table: 'input', address: 0, type: 'int16' }, { telemetry: false }),
    ]))).toEqual([
      '/points/0/scale: only for numbers (this point is bool)',
      '/points/0/min: only for numbers (this point is bool)',
      '/points/1/scale: must not be 0',
      '/points/2/min: must be <= max',
      '/points/3: neither telemetry, reported nor writable: the point does nothing',
    ]);
  });

  it('BLE: utf8 is not scaled, length is for utf8, writes replace the whole value', () => {
    const ble = (points: unknown[]) => ({ schemaVersion: 1, id: 'b', name: 'B', protocol: 'ble', points });
    const at = (decode: object, extra: object = {}) => ({ name: `p${Math.random().toString(36).slice(2, 8)}`, ble: { service: 'ff00', characteristic: 'ff01', decode }, ...extra });
    expect(problems(ble([
      at({ type: 'utf8', scale: 0.1 }),
      at({ type: 'uint8', length: 2 }),
      at({ type: 'uint8', offset: 2 }, { writable: true }),
    ]))).toEqual([
      '/points/0/ble/decode/scale: only for numbers (this point is utf8)',
      '/points/1/ble/decode/length: only for utf8',
      '/points/2/writable: a write replaces the whole value, so a writable point needs decode.offset 0',
    ]);
    const p = parseProfile(ble([at({ type: 'sfloat16' }, { name: 'x' })])) as BleProfile;
    expect(p.points[0]?.ble).toEqual({ service: '0000ff00-0000-1000-8000-00805f9b34fb', characteristic: '0000ff01-0000-1000-8000-00805f9b34fb', decode: { type: 'sfloat16', scale: 1, offset: 0 }, mode: 'read' });
  });

  it('serial: read-only points, fields of the regex, sentence only for NMEA', () => {
    const serial = (defaults: object, points: unknown[]) => ({ schemaVersion: 1, id: 's', name: 'S', protocol: 'serial', defaults: { serial: defaults }, points });
    expect(problems(serial({ parser: 'regex', pattern: '(?<t>\\d+)' }, [
      { name: 'a', writable: true, serial: { field: 't', type: 'number' } },
      { name: 'b', serial: { field: 'h', type: 'number' } },
    ]))).toEqual([
      '/points/0/writable: serial points are read-only (send commands with the serial module\'s write method)',
      '/points/1/serial/field: "h" is not a named group of defaults.serial.pattern',
    ]);
    expect(problems(serial({ parser: 'regex', pattern: '(?<t' }, [{ name: 'a', serial: { field: 't', type: 'number' } }]))[0]).toMatch(/^\/defaults\/serial\/pattern: not a valid regular expression/);
    expect(problems(serial({ parser: 'regex' }, [{ name: 'a', serial: { field: 't', type: 'number' } }]))).toEqual(['/defaults/serial/pattern: required for parser regex']);
    expect(problems(serial({ parser: 'json', pattern: 'x' }, [{ name: 'a', serial: { field: 't', type: 'number', sentence: 'GGA' } }]))).toEqual([
      '/defaults/serial/pattern: only for parser regex',
      '/points/0/serial/sentence: only for parser nmea',
    ]);
    const ok = parseProfile(serial({ parser: 'nmea' }, [{ name: 'lat', serial: { field: 'latitude', type: 'number', sentence: 'GGA' } }])) as SerialProfile;
    expect(ok.points[0]?.serial).toEqual({ field: 'latitude', type: 'number', sentence: 'GGA' });
  });
});

describe('point lookup', () => {
  const p = parseProfile(modbus([
    reg('a', { table: 'holding', address: 0, type: 'int16' }, { writable: { desired: true } }),
    reg('b', { table: 'input', address: 0, type: 'int16' }),
  ])) as ModbusProfile;

  it('finds points and checks the write path', () => {
    expect(findPoint(p, 'b').modbus.table).toBe('input');
    expect(writablePoint(p, 'a', 'desired').name).toBe('a');
    expect(() => writablePoint(p, 'a', 'method')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_NOT_WRITABLE' }));
    expect(() => writablePoint(p, 'b', 'desired')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_NOT_WRITABLE' }));
    expect(() => findPoint(p, 'c')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_POINT_UNKNOWN' }));
  });
});
