/** Register words <-> raw values against known vectors, in all four byte/word orders. */
import { describe, expect, it } from 'vitest';
import type { ByteOrder, ModbusType } from '../profile.js';
import { decodeRegisters, encodeRegisters, needsCurrentValue, registerCount, type RegisterLayout } from './modbus-registers.js';

const ORDERS: Record<string, [ByteOrder, ByteOrder]> = { ABCD: ['BE', 'BE'], CDAB: ['BE', 'LE'], BADC: ['LE', 'BE'], DCBA: ['LE', 'LE'] };
const layout = (type: ModbusType, order = 'ABCD', extra: Partial<RegisterLayout> = {}): RegisterLayout => {
  const [byteOrder, wordOrder] = ORDERS[order] as [ByteOrder, ByteOrder];
  return { type, byteOrder, wordOrder, ...extra };
};

describe('modbus registers', () => {
  const vectors: Array<[ModbusType, string, number[], number]> = [
    // float32 230.5 = 0x43668000
    ['float32', 'ABCD', [0x4366, 0x8000], 230.5],
    ['float32', 'CDAB', [0x8000, 0x4366], 230.5],
    ['float32', 'BADC', [0x6643, 0x0080], 230.5],
    ['float32', 'DCBA', [0x0080, 0x6643], 230.5],
    // uint32 0x12345678
    ['uint32', 'ABCD', [0x1234, 0x5678], 0x12345678],
    ['uint32', 'CDAB', [0x5678, 0x1234], 0x12345678],
    ['uint32', 'BADC', [0x3412, 0x7856], 0x12345678],
    ['uint32', 'DCBA', [0x7856, 0x3412], 0x12345678],
    ['int32', 'ABCD', [0xffff, 0xfffe], -2],
    ['int32', 'CDAB', [0xfffe, 0xffff], -2],
    // float64 pi = 0x400921FB54442D18
    ['float64', 'ABCD', [0x4009, 0x21fb, 0x5444, 0x2d18], Math.PI],
    ['float64', 'CDAB', [0x2d18, 0x5444, 0x21fb, 0x4009], Math.PI],
    ['float64', 'DCBA', [0x182d, 0x4454, 0xfb21, 0x0940], Math.PI],
    ['int16', 'ABCD', [0xffff], -1],
    ['int16', 'ABCD', [0x8000], -32768],
    ['uint16', 'ABCD', [0x0102], 0x0102],
    ['uint16', 'BADC', [0x0102], 0x0201],
    ['int16', 'BADC', [0x0080], -32768],
  ];
  it.each(vectors)('%s %s %j <-> %d', (type, order, words, value) => {
    expect(decodeRegisters(layout(type, order), words)).toBe(value);
    expect(encodeRegisters(layout(type, order), value)).toEqual(words);
  });

  it('counts registers per type', () => {
    expect([registerCount(layout('int16')), registerCount(layout('float32')), registerCount(layout('float64')), registerCount(layout('string', 'ABCD', { length: 5 }))]).toEqual([1, 2, 4, 5]);
  });

  it('strings: 2 characters per register, byte order applies, word order does not, NUL/space padding dropped', () => {
    const words = [0x5344, 0x4d31, 0x3230, 0x0000]; // "SDM120" NUL NUL
    expect(decodeRegisters(layout('string', 'ABCD', { length: 4 }), words)).toBe('SDM120');
    expect(decodeRegisters(layout('string', 'CDAB', { length: 4 }), words)).toBe('SDM120');
    expect(decodeRegisters(layout('string', 'BADC', { length: 4 }), [0x4453, 0x314d, 0x3032, 0x0000])).toBe('SDM120');
    expect(decodeRegisters(layout('string', 'ABCD', { length: 2 }), [0x4142, 0x2020])).toBe('AB');
    expect(encodeRegisters(layout('string', 'ABCD', { length: 4 }), 'SDM120')).toEqual(words);
    expect(() => encodeRegisters(layout('string', 'ABCD', { length: 1 }), 'abc')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    expect(() => encodeRegisters(layout('string', 'ABCD', { length: 2 }), 'π')).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_INVALID' }));
  });

  it('bool on a register bit and bitfields (first bit, width)', () => {
    expect(decodeRegisters(layout('bool', 'ABCD', { bit: 3 }), [0x0008])).toBe(true);
    expect(decodeRegisters(layout('bool', 'ABCD', { bit: 2 }), [0x0008])).toBe(false);
    expect(decodeRegisters(layout('bool', 'BADC', { bit: 11 }), [0x0008])).toBe(true); // LE register: 0x0800
    expect(decodeRegisters(layout('bitfield'), [0xabcd])).toBe(0xabcd);
    expect(decodeRegisters(layout('bitfield', 'ABCD', { bit: 4, bits: 4 }), [0x00f0])).toBe(15);
    expect(decodeRegisters(layout('bitfield', 'ABCD', { bit: 15 }), [0x8000])).toBe(1);
  });

  it('writes some bits of a register over its current value (read-modify-write)', () => {
    const nibble = layout('bitfield', 'ABCD', { bit: 4, bits: 4 });
    expect(needsCurrentValue(nibble)).toBe(true);
    expect(needsCurrentValue(layout('bitfield'))).toBe(false);
    expect(encodeRegisters(nibble, 5, [0xffff])).toEqual([0xff5f]);
    expect(encodeRegisters(layout('bool', 'ABCD', { bit: 0 }), false, [0x00ff])).toEqual([0x00fe]);
    expect(encodeRegisters(layout('bitfield'), 0x1234)).toEqual([0x1234]);
    expect(() => encodeRegisters(nibble, 5)).toThrow(TypeError);
    expect(() => encodeRegisters(nibble, 16, [0])).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
  });

  it('refuses raw values outside the type with FH_PROFILE_VALUE_RANGE', () => {
    for (const [type, raw] of [['int16', 32768], ['int16', -32769], ['uint16', -1], ['uint32', 2 ** 32], ['int32', 1.5], ['float32', 1e39], ['float64', Infinity]] as const) {
      expect(() => encodeRegisters(layout(type), raw), `${type} ${raw}`).toThrow(expect.objectContaining({ code: 'FH_PROFILE_VALUE_RANGE' }));
    }
  });

  it('refuses a wrong register count with FH_PROFILE_DECODE_FAILED', () => {
    expect(() => decodeRegisters(layout('float32'), [0x4366])).toThrow(expect.objectContaining({ code: 'FH_PROFILE_DECODE_FAILED' }));
    expect(() => decodeRegisters(layout('int16'), [0x10000])).toThrow(RangeError);
  });
});
