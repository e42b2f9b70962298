/**
 * IEEE-11073-20601 medical floats as GATT uses them ([IEEE-11073-20601 F.8], GATT Specification
 * Supplement "SFLOAT"/"FLOAT"): value = mantissa × 10^exponent, both two's complement.
 * SFLOAT-16: 4-bit exponent, 12-bit mantissa; FLOAT-32: 8-bit exponent, 24-bit mantissa. Special
 * values: NaN and NRes (not at this resolution) and the reserved value decode to NaN, ±INFINITY to
 * ±Infinity. Raw integers here; byte order (little-endian in GATT) belongs to the caller.
 */

interface Format {
  readonly mantissaBits: number;
  readonly exponentBits: number;
  readonly minExponent: number;
  readonly maxExponent: number;
  /** Largest |mantissa| of an ordinary value (the top codes are the special values). */
  readonly maxMantissa: number;
  readonly nan: number;
  readonly posInf: number;
  readonly negInf: number;
}

const SFLOAT: Format = { mantissaBits: 12, exponentBits: 4, minExponent: -8, maxExponent: 7, maxMantissa: 0x7fd, nan: 0x07ff, posInf: 0x07fe, negInf: 0x0802 };
const FLOAT: Format = { mantissaBits: 24, exponentBits: 8, minExponent: -128, maxExponent: 127, maxMantissa: 0x7ffffd, nan: 0x007fffff, posInf: 0x007ffffe, negInf: 0x00800002 };

function signed(v: number, bits: number): number {
  return v >= 2 ** (bits - 1) ? v - 2 ** bits : v;
}

function decode(f: Format, raw: number): number {
  const mantissaMask = 2 ** f.mantissaBits;
  const m = raw % mantissaMask;
  const e = signed(Math.floor(raw / mantissaMask), f.exponentBits);
  if (e === 0) {
    if (m === f.posInf) return Infinity;
    if (m === (f.negInf % mantissaMask)) return -Infinity;
    // NaN (0x7FF…), NRes (0x800…) and the reserved code between them.
    if (m >= f.nan && m <= f.nan + 2) return NaN;
  }
  const mantissa = signed(m, f.mantissaBits);
  // Dividing by an exact power of ten keeps 364 × 10^-1 at 36.4 (multiplying by 0.1 does not).
  return e < 0 ? mantissa / 10 ** -e : mantissa * 10 ** e;
}

function encode(f: Format, value: number): number {
  if (Number.isNaN(value)) return f.nan;
  if (value === Infinity) return f.posInf;
  if (value === -Infinity) return f.negInf;
  for (let e = f.minExponent; e <= f.maxExponent; e++) {
    let m = Math.round(e < 0 ? value * 10 ** -e : value / 10 ** e);
    if (Math.abs(m) > f.maxMantissa) continue;
    // The shortest form: 36.4 is 364 × 10^-1, not 3640000 × 10^-5.
    while (m !== 0 && m % 10 === 0 && e < f.maxExponent) { m /= 10; e++; }
    if (m === 0) e = 0;
    const mantissaMask = 2 ** f.mantissaBits;
    return (((e + 2 ** f.exponentBits) % 2 ** f.exponentBits) * mantissaMask) + ((m + mantissaMask) % mantissaMask);
  }
  throw new RangeError(`${value} is too large for IEEE-11073 ${f.mantissaBits === 12 ? 'SFLOAT' : 'FLOAT'}`);
}

/** Decodes a 16-bit SFLOAT (the uint16 read little-endian from the value). */
export function decodeSfloat16(raw: number): number {
  return decode(SFLOAT, raw & 0xffff);
}

/** Encodes a number as a 16-bit SFLOAT, with the most precision that fits. RangeError beyond ±2045×10^7. */
export function encodeSfloat16(value: number): number {
  return encode(SFLOAT, value);
}

/** Decodes a 32-bit FLOAT (the uint32 read little-endian from the value). */
export function decodeFloat11073(raw: number): number {
  return decode(FLOAT, raw >>> 0);
}

/** Encodes a number as a 32-bit FLOAT, with the most precision that fits. */
export function encodeFloat11073(value: number): number {
  return encode(FLOAT, value);
}
