/** IEEE-11073 SFLOAT-16 and FLOAT-32 against known vectors, special values, and round trips. */
import { describe, expect, it } from 'vitest';
import { decodeFloat11073, decodeSfloat16, encodeFloat11073, encodeSfloat16 } from './ieee11073.js';

describe('IEEE-11073 SFLOAT-16', () => {
  it.each([
    [0xf16c, 36.4], // exponent -1, mantissa 364 (a body temperature)
    [0x0072, 114], // exponent 0 (a systolic pressure in mmHg)
    [0xffff, -0.1], // exponent -1, mantissa -1
    [0x1005, 50], // exponent 1, mantissa 5
    [0xe7d0, 20], // exponent -2, mantissa 2000
  ])('0x%s decodes to %d', (raw, value) => {
    expect(decodeSfloat16(raw)).toBe(value);
  });

  it('decodes the special values', () => {
    expect(decodeSfloat16(0x07ff)).toBeNaN(); // NaN
    expect(decodeSfloat16(0x0800)).toBeNaN(); // NRes
    expect(decodeSfloat16(0x0801)).toBeNaN(); // reserved
    expect(decodeSfloat16(0x07fe)).toBe(Infinity);
    expect(decodeSfloat16(0x0802)).toBe(-Infinity);
  });

  it('encodes in the shortest form and round-trips', () => {
    expect(encodeSfloat16(36.4)).toBe(0xf16c);
    expect(encodeSfloat16(-0.1)).toBe(0xffff);
    expect(encodeSfloat16(114)).toBe(0x0072);
    expect(encodeSfloat16(NaN)).toBe(0x07ff);
    expect(encodeSfloat16(-Infinity)).toBe(0x0802);
    expect(encodeSfloat16(0)).toBe(0);
    for (const v of [0.5, -12.34, 2045, 98.6, 1e-6, 37000]) expect(decodeSfloat16(encodeSfloat16(v))).toBeCloseTo(v, 6);
    expect(() => encodeSfloat16(1e12)).toThrow(RangeError);
  });
});

describe('IEEE-11073 FLOAT-32', () => {
  it('decodes known vectors and special values', () => {
    expect(decodeFloat11073(0xff00016c)).toBe(36.4);
    expect(decodeFloat11073(0xfe0927c0)).toBe(6000); // exponent -2, mantissa 600000
    expect(decodeFloat11073(0x00ffffff)).toBe(-1); // exponent 0, mantissa -1
    expect(decodeFloat11073(0x007fffff)).toBeNaN();
    expect(decodeFloat11073(0x00800000)).toBeNaN();
    expect(decodeFloat11073(0x007ffffe)).toBe(Infinity);
    expect(decodeFloat11073(0x00800002)).toBe(-Infinity);
  });

  it('encodes in the shortest form and round-trips', () => {
    expect(encodeFloat11073(36.4)).toBe(0xff00016c);
    expect(encodeFloat11073(-1)).toBe(0x00ffffff);
    expect(encodeFloat11073(Infinity)).toBe(0x007ffffe);
    for (const v of [101325.5, -0.00123, 8388605, 37.25]) expect(decodeFloat11073(encodeFloat11073(v))).toBe(v);
  });
});
