/** GATT value decoders and encoders against hex fixtures; byte offsets; scale layering; errors. */
import { describe, expect, it } from 'vitest';
import { parseProfile } from '../loader.js';
import type { BleDecodeType, BleProfile } from '../profile.js';
import { expandBleUuid, sameBleUuid } from './ble-uuid.js';
import { decodeBlePoint, decodeBleValue, encodeBlePoint, encodeBleValue } from './ble-value.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s/g, ''), 'hex'));

describe('BLE value codec', () => {
  const vectors: Array<[BleDecodeType, string, number]> = [
    ['uint8', 'ff', 255],
    ['int8', 'ff', -1],
    ['uint16le', '3412', 0x1234],
    ['uint16be', '1234', 0x1234],
    ['int16le', '0080', -32768],
    ['int16be', 'fffe', -2],
    ['uint24le', '010203', 0x030201],
    ['uint32le', '78563412', 0x12345678],
    ['uint32be', '12345678', 0x12345678],
    ['int32le', 'feffffff', -2],
    ['int32be', 'fffffffe', -2],
    ['float32le', '00806643', 230.5],
    ['float32be', '43668000', 230.5],
    ['float64le', '182d4454fb210940', Math.PI],
    ['sfloat16', '6cf1', 36.4],
    ['float11073', '6c0100ff', 36.4],
  ];
  it.each(vectors)('%s %s <-> %d', (type, bytes, value) => {
    expect(decodeBleValue({ type }, hex(bytes))).toBe(value);
    expect(Buffer.from(encodeBleValue({ type }, value)).toString('hex')).toBe(bytes);
  });

  it('reads at a byte offset (Health Thermometer 0x2A1C: flags, then FLOAT)', () => {
    expect(decodeBleValue({ type: 'float11073', offset: 1 }, hex('00 6c0100ff'))).toBe(36.4);
    expect(decodeBleValue({ type: 'uint16le', offset: 3, scale: 0.001 }, hex('c30a36 8c0b'))).toBe(2.956);
  });

  it('applies decode.scale without binary noise on integers', () => {
    expect(decodeBleValue({ type: 'int16le', scale: 0.01 }, hex('1b09'))).toBe(23.31);
    expect(decodeBleValue({ type: 'uint32le', scale: 0.1 }, hex('02760f00'))).toBe(101325);
    expect(Buffer.from(encodeBleValue({ type: 'int16le', scale: 0.01 }, 23.31)).toString('hex')).toBe('1b09');
  });

  it('decodes utf8 to the end or for a length, dropping trailing NULs', () => {
    expect(decodeBleValue({ type: 'utf8' }, Buffer.from('LYWSD03MMC\0\0'))).toBe('LYWSD03MMC');
    expect(decodeBleValue({ type: 'utf8', offset: 2, length: 3 }, Buffer.from('xxabcyy'))).toBe('abc');
    expect(() => decodeBleValue({ type: 'utf8', offset: 2, length: 9 }, Buffer.from('xxabc'))).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
  });

  it('refuses short values, out-of-range and wrong-kind writes with codes', () => {
    expect(() => decodeBleValue({ type: 'uint32le', offset: 1 }, hex('01020304'))).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
    expect(() => encodeBleValue({ type: 'uint8' }, 256)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    expect(() => encodeBleValue({ type: 'int8', scale: 0.5 }, 64)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    expect(() => encodeBleValue({ type: 'uint8' }, '1')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_INVALID' }));
    expect(() => encodeBleValue({ type: 'float32le' }, 1e39)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    expect(() => encodeBleValue({ type: 'utf8', length: 2 }, 'abc')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
  });

  it('expands SIG short UUIDs onto the Base UUID', () => {
    expect(expandBleUuid('181A')).toBe('0000181a-0000-1000-8000-00805f9b34fb');
    expect(expandBleUuid('0000FE95')).toBe('0000fe95-0000-1000-8000-00805f9b34fb');
    expect(expandBleUuid('EBE0CCC1-7A0A-4B0C-8A1A-6FF2997DA3A6')).toBe('ebe0ccc1-7a0a-4b0c-8a1a-6ff2997da3a6');
    expect(sameBleUuid('2a19', '00002A19-0000-1000-8000-00805F9B34FB')).toBe(true);
    expect(() => expandBleUuid('xyz')).toThrow(TypeError);
  });
});

describe('BLE point codec', () => {
  const profile = parseProfile({
    schemaVersion: 1, id: 't', name: 'T', protocol: 'ble',
    points: [
      { name: 'temp', scale: 1.8, offset: 32, ble: { service: '181a', characteristic: '2a6e', decode: { type: 'int16le', scale: 0.01 } } },
      { name: 'setpoint', writable: true, min: 5, max: 30, ble: { service: 'ff00', characteristic: 'ff01', decode: { type: 'int16le', scale: 0.1 } } },
      { name: 'label', writable: { method: true }, ble: { service: 'ff00', characteristic: 'ff02', decode: { type: 'utf8', length: 8 } } },
    ],
  }) as BleProfile;
  const [temp, setpoint, label] = profile.points as [BleProfile['points'][number], BleProfile['points'][number], BleProfile['points'][number]];

  it('layers the point scale/offset over the decoder (°C to °F)', () => {
    expect(decodeBlePoint(temp, hex('c409'))).toBe(77); // 25.00 C
  });

  it('encodes writes with min/max and writable checks', () => {
    expect(Buffer.from(encodeBlePoint(setpoint, 21.5)).toString('hex')).toBe('d700');
    expect(Buffer.from(encodeBlePoint(label, 'kitchen')).toString()).toBe('kitchen');
    expect(() => encodeBlePoint(setpoint, 31)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    expect(() => encodeBlePoint(setpoint, true)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_INVALID' }));
    expect(() => encodeBlePoint(temp, 20)).toThrow(expect.objectContaining({ code: 'FH_PROFILE_NOT_WRITABLE' }));
  });
});
