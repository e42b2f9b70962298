/** A profile point's Modbus value: scale/offset on decode, inverse scale and coded checks on write. */
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../loader.js';
import type { ModbusProfile, ModbusProfilePoint } from '../profile.js';
import { decodeModbusPoint, encodeModbusPoint, pointWidth } from './modbus-point.js';

const profile = parseProfile({
  schemaVersion: 1, id: 'test-meter', name: 'Test', protocol: 'modbus',
  defaults: { modbus: { wordOrder: 'LE' } },
  points: [
    { name: 'temperature', scale: 0.1, modbus: { table: 'input', address: 1, type: 'int16' } },
    { name: 'correction', scale: 0.1, min: -10, max: 10, writable: true, modbus: { table: 'holding', address: 0x103, type: 'int16' } },
    { name: 'setpoint', scale: 0.1, offset: -40, writable: { desired: true }, modbus: { table: 'holding', address: 10, type: 'uint16' } },
    { name: 'energy', unit: 'kWh', modbus: { table: 'input', address: 0x156, type: 'float32' } },
    { name: 'limit', writable: true, modbus: { table: 'holding', address: 20, type: 'float32', wordOrder: 'BE' } },
    { name: 'relay', writable: true, modbus: { table: 'coil', address: 0 } },
    { name: 'door', modbus: { table: 'discrete', address: 3 } },
    { name: 'mode', writable: true, modbus: { table: 'holding', address: 30, type: 'bitfield', bit: 8, bits: 4 } },
    { name: 'serial', reported: true, telemetry: false, modbus: { table: 'holding', address: 40, type: 'string', length: 4 } },
  ],
}) as ModbusProfile;
const p = (name: string): ModbusProfilePoint => profile.points.find((x) => x.name === name) as ModbusProfilePoint;
const code = (c: string) => expect.objectContaining({ code: c });

describe('modbus point codec', () => {
  it('decodes with scale and offset, rounding binary noise on integer registers', () => {
    expect(decodeModbusPoint(p('temperature'), [305])).toBe(30.5);
    expect(decodeModbusPoint(p('temperature'), [0xff33])).toBe(-20.5);
    expect(decodeModbusPoint(p('setpoint'), [653])).toBe(25.3);
    expect(decodeModbusPoint(p('energy'), [0x8000, 0x4366])).toBe(230.5); // profile default word order LE
    expect(decodeModbusPoint(p('limit'), [0x4366, 0x8000])).toBe(230.5); // point override BE
    expect(decodeModbusPoint(p('relay'), true)).toBe(true);
    expect(decodeModbusPoint(p('door'), [0])).toBe(false);
    expect(decodeModbusPoint(p('mode'), [0x0a00])).toBe(10);
    expect(decodeModbusPoint(p('serial'), [0x4142, 0x4344, 0, 0])).toBe('ABCD');
  });

  it('knows each point\'s width', () => {
    expect(['temperature', 'energy', 'relay', 'serial'].map((n) => pointWidth(p(n).modbus))).toEqual([1, 2, 1, 4]);
  });

  it('encodes writes by the inverse scale', () => {
    expect(encodeModbusPoint(p('correction'), -2.5)).toEqual([0xffe7]);
    expect(encodeModbusPoint(p('correction'), 1.3)).toEqual([13]);
    expect(encodeModbusPoint(p('setpoint'), 25.3)).toEqual([653]);
    expect(encodeModbusPoint(p('limit'), 230.5)).toEqual([0x4366, 0x8000]);
    expect(encodeModbusPoint(p('relay'), true)).toBe(true);
    expect(encodeModbusPoint(p('relay'), 0)).toBe(false);
    expect(encodeModbusPoint(p('mode'), 3, [0xffff])).toEqual([0xf3ff]);
  });

  it('refuses bad writes with coded errors', () => {
    expect(() => encodeModbusPoint(p('correction'), 10.5)).toThrow(code('FH_PROFILE_VALUE_RANGE')); // above max
    expect(() => encodeModbusPoint(p('setpoint'), 7000)).toThrow(code('FH_PROFILE_VALUE_RANGE')); // raw 70400 > uint16
    expect(() => encodeModbusPoint(p('setpoint'), -41)).toThrow(code('FH_PROFILE_VALUE_RANGE')); // raw -10 < 0
    expect(() => encodeModbusPoint(p('correction'), '2')).toThrow(code('FH_PROFILE_VALUE_INVALID'));
    expect(() => encodeModbusPoint(p('correction'), NaN)).toThrow(code('FH_PROFILE_VALUE_INVALID'));
    expect(() => encodeModbusPoint(p('relay'), 'on')).toThrow(code('FH_PROFILE_VALUE_INVALID'));
    expect(() => encodeModbusPoint(p('temperature'), 20)).toThrow(code('FH_PROFILE_NOT_WRITABLE'));
    expect(() => encodeModbusPoint(p('serial'), 'AB')).toThrow(code('FH_PROFILE_NOT_WRITABLE'));
  });

  it('refuses device data of the wrong shape with FH_PROFILE_DECODE_FAILED', () => {
    expect(() => decodeModbusPoint(p('energy'), [1])).toThrow(code('FH_PROFILE_DECODE_FAILED'));
    expect(() => decodeModbusPoint(p('temperature'), true)).toThrow(code('FH_PROFILE_DECODE_FAILED'));
    expect(() => decodeModbusPoint(p('relay'), [7])).toThrow(code('FH_PROFILE_DECODE_FAILED'));
  });
});
