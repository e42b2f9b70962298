/**
 * Modbus register words <-> raw values (before scale/offset), for every profile type with byte
 * order (within a register) and word order (of 32/64-bit values): ABCD = BE/BE, CDAB = BE/LE,
 * BADC = LE/BE, DCBA = LE/LE. A word is an unsigned 16-bit register value as a Modbus master
 * library returns it (high byte first on the wire, [MODBUS-AP 4.2]). Strings are 2 Latin-1
 * characters per register in register order; trailing NULs and spaces are dropped on decode and
 * NUL-padded on encode. `bool` on a register and `bitfield` read bits of one register.
 */
import { ProfileError } from '../errors.js';
import type { ByteOrder, ModbusType } from '../profile.js';

/** What the register codec needs of a point's `modbus` section. */
export interface RegisterLayout {
  readonly type: ModbusType;
  readonly byteOrder: ByteOrder;
  readonly wordOrder: ByteOrder;
  readonly bit?: number;
  readonly bits?: number;
  readonly length?: number;
}

/** A decoded register value before scale and offset. */
export type RawValue = number | boolean | string;

/** Inclusive raw ranges of the integer types. */
export const INTEGER_RANGES: Readonly<Partial<Record<ModbusType, readonly [number, number]>>> = {
  int16: [-0x8000, 0x7fff],
  uint16: [0, 0xffff],
  int32: [-0x8000_0000, 0x7fff_ffff],
  uint32: [0, 0xffff_ffff],
};

const FLOAT32_MAX = 3.4028234663852886e38;

/** Registers the value spans: 1, 2 (32-bit), 4 (float64) or `length` (string). */
export function registerCount(layout: RegisterLayout): number {
  switch (layout.type) {
    case 'int32': case 'uint32': case 'float32': return 2;
    case 'float64': return 4;
    case 'string': return layout.length ?? 1;
    default: return 1;
  }
}

/** `bit`/`bits` of a bool or bitfield as [first bit, width]. */
export function bitRange(layout: RegisterLayout): [number, number] {
  if (layout.type === 'bool') return [layout.bit ?? 0, 1];
  const first = layout.bit ?? 0;
  return [first, layout.bits ?? (layout.bit === undefined ? 16 : 1)];
}

/** True when writing the value changes only some bits of a register (read-modify-write). */
export function needsCurrentValue(layout: RegisterLayout): boolean {
  if (layout.type !== 'bool' && layout.type !== 'bitfield') return false;
  return bitRange(layout)[1] < 16;
}

const swap16 = (w: number): number => ((w & 0xff) << 8) | (w >>> 8);

/** The value's bytes in big-endian order (strings: in character order). */
function toBytes(layout: RegisterLayout, words: readonly number[]): Uint8Array {
  const ordered = layout.wordOrder === 'LE' && layout.type !== 'string' ? [...words].reverse() : words;
  const bytes = new Uint8Array(ordered.length * 2);
  ordered.forEach((w, i) => {
    const v = layout.byteOrder === 'LE' ? swap16(w) : w;
    bytes[2 * i] = v >>> 8;
    bytes[2 * i + 1] = v & 0xff;
  });
  return bytes;
}

/** The inverse of {@link toBytes}. */
function fromBytes(layout: RegisterLayout, bytes: Uint8Array): number[] {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) {
    const v = ((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0);
    words.push(layout.byteOrder === 'LE' ? swap16(v) : v);
  }
  return layout.wordOrder === 'LE' && layout.type !== 'string' ? words.reverse() : words;
}

/** Decodes `words` (exactly {@link registerCount} of them). FH_PROFILE_DECODE_FAILED on a wrong count. */
export function decodeRegisters(layout: RegisterLayout, words: readonly number[]): RawValue {
  const count = registerCount(layout);
  if (words.length !== count) {
    throw new ProfileError('FH_PROFILE_DECODE_FAILED', `a ${layout.type} needs ${count} register(s), got ${words.length}`);
  }
  for (const w of words) if (!Number.isInteger(w) || w < 0 || w > 0xffff) throw new RangeError(`register word out of range: ${w}`);
  const bytes = toBytes(layout, words);
  const view = new DataView(bytes.buffer);
  switch (layout.type) {
    case 'int16': return view.getInt16(0);
    case 'uint16': return view.getUint16(0);
    case 'int32': return view.getInt32(0);
    case 'uint32': return view.getUint32(0);
    case 'float32': return view.getFloat32(0);
    case 'float64': return view.getFloat64(0);
    case 'string': {
      let end = bytes.length;
      while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
      const nul = bytes.subarray(0, end).indexOf(0);
      return Buffer.from(bytes.subarray(0, nul < 0 ? end : nul)).toString('latin1');
    }
    case 'bool':
    case 'bitfield': {
      const [first, width] = bitRange(layout);
      const field = (view.getUint16(0) >>> first) & (width === 16 ? 0xffff : (1 << width) - 1);
      return layout.type === 'bool' ? field === 1 : field;
    }
  }
}

function rangeError(layout: RegisterLayout, raw: RawValue, why: string): ProfileError {
  return new ProfileError('FH_PROFILE_VALUE_RANGE', `${JSON.stringify(raw)} ${why} for ${layout.type}`);
}

/**
 * Encodes a raw value into register words. Integer types need an integer within their range,
 * float32 a finite value within ±3.4e38 (FH_PROFILE_VALUE_RANGE otherwise). A bool or bitfield
 * narrower than 16 bits needs `current`, the register's present value (read-modify-write).
 */
export function encodeRegisters(layout: RegisterLayout, raw: RawValue, current?: readonly number[]): number[] {
  const count = registerCount(layout);
  const bytes = new Uint8Array(count * 2);
  const view = new DataView(bytes.buffer);
  const t = layout.type;
  if (t === 'string') {
    if (typeof raw !== 'string') throw new TypeError('a string point needs a string');
    const text = Buffer.from(raw, 'latin1');
    if (text.toString('latin1') !== raw) throw new ProfileError('FH_PROFILE_VALUE_INVALID', 'the text has characters outside Latin-1');
    if (text.length > bytes.length) throw rangeError(layout, raw, `is longer than ${bytes.length} characters`);
    bytes.set(text);
    return fromBytes(layout, bytes);
  }
  const n = typeof raw === 'boolean' ? (raw ? 1 : 0) : raw;
  if (typeof n !== 'number') throw new TypeError(`a ${t} point needs a number`);
  if (t === 'bool' || t === 'bitfield') {
    const [first, width] = bitRange(layout);
    const max = width === 16 ? 0xffff : (1 << width) - 1;
    if (!Number.isInteger(n) || n < 0 || n > max) throw rangeError(layout, raw, `is not an integer in 0..${max}`);
    let base = 0;
    if (width < 16) {
      if (current === undefined || current.length !== 1) throw new TypeError('writing some bits of a register needs its current value (read-modify-write)');
      base = decodeRegisters({ ...layout, type: 'uint16' }, current) as number;
    }
    const mask = (max << first) & 0xffff;
    view.setUint16(0, ((base & ~mask) | (n << first)) & 0xffff);
    return fromBytes(layout, bytes);
  }
  const range = INTEGER_RANGES[t];
  if (range !== undefined) {
    if (!Number.isInteger(n) || n < range[0] || n > range[1]) throw rangeError(layout, raw, `is not an integer in ${range[0]}..${range[1]}`);
  } else if (!Number.isFinite(n) || (t === 'float32' && Math.abs(n) > FLOAT32_MAX)) {
    throw rangeError(layout, raw, 'is out of range');
  }
  switch (t) {
    case 'int16': view.setInt16(0, n); break;
    case 'uint16': view.setUint16(0, n); break;
    case 'int32': view.setInt32(0, n); break;
    case 'uint32': view.setUint32(0, n); break;
    case 'float32': view.setFloat32(0, n); break;
    case 'float64': view.setFloat64(0, n); break;
  }
  return fromBytes(layout, bytes);
}
