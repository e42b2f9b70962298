/**
 * GATT characteristic bytes <-> values, as a profile point's `ble.decode` says: the type (integers
 * LE/BE, IEEE-754 floats, IEEE-11073 SFLOAT/FLOAT, UTF-8), a byte `offset` into the value, and the
 * encoding's `scale`; then the point's own scale and offset: value = raw × decode.scale × scale +
 * offset. Writes invert that and replace the whole value (the loader allows writes only at offset 0).
 */
import { ProfileError } from '../errors.js';
import type { BleDecode, BleDecodeType, BleProfilePoint } from '../profile.js';
import { decodeFloat11073, decodeSfloat16, encodeFloat11073, encodeSfloat16 } from './ieee11073.js';
import { applyScale, invertScale } from './scale.js';

/** Bytes each type reads (utf8: variable). */
export const BLE_TYPE_SIZES: Readonly<Record<Exclude<BleDecodeType, 'utf8'>, number>> = {
  uint8: 1, int8: 1, uint16le: 2, uint16be: 2, int16le: 2, int16be: 2, uint24le: 3, uint32le: 4, uint32be: 4,
  int32le: 4, int32be: 4, float32le: 4, float32be: 4, float64le: 8, sfloat16: 2, float11073: 4,
};

const INTEGER_RANGES: Readonly<Partial<Record<BleDecodeType, readonly [number, number]>>> = {
  uint8: [0, 0xff], int8: [-0x80, 0x7f], uint16le: [0, 0xffff], uint16be: [0, 0xffff], int16le: [-0x8000, 0x7fff],
  int16be: [-0x8000, 0x7fff], uint24le: [0, 0xffffff], uint32le: [0, 0xffff_ffff], uint32be: [0, 0xffff_ffff],
  int32le: [-0x8000_0000, 0x7fff_ffff], int32be: [-0x8000_0000, 0x7fff_ffff],
};

type DecodeSpec = Pick<BleDecode, 'type'> & Partial<Pick<BleDecode, 'scale' | 'offset' | 'length'>>;

function readRaw(type: Exclude<BleDecodeType, 'utf8'>, v: DataView, o: number): number {
  switch (type) {
    case 'uint8': return v.getUint8(o);
    case 'int8': return v.getInt8(o);
    case 'uint16le': return v.getUint16(o, true);
    case 'uint16be': return v.getUint16(o);
    case 'int16le': return v.getInt16(o, true);
    case 'int16be': return v.getInt16(o);
    case 'uint24le': return v.getUint16(o, true) + v.getUint8(o + 2) * 0x10000;
    case 'uint32le': return v.getUint32(o, true);
    case 'uint32be': return v.getUint32(o);
    case 'int32le': return v.getInt32(o, true);
    case 'int32be': return v.getInt32(o);
    case 'float32le': return v.getFloat32(o, true);
    case 'float32be': return v.getFloat32(o);
    case 'float64le': return v.getFloat64(o, true);
    case 'sfloat16': return decodeSfloat16(v.getUint16(o, true));
    case 'float11073': return decodeFloat11073(v.getUint32(o, true));
  }
}

/** Exact decimal raw values (integers) get their scaled result rounded to the scale's decimals. */
function isExact(type: BleDecodeType): boolean {
  return INTEGER_RANGES[type] !== undefined;
}

/** Decodes a characteristic value: a number (× decode.scale) or a string. FH_PROFILE_DECODE_FAILED when too short. */
export function decodeBleValue(decode: DecodeSpec, bytes: Uint8Array): number | string {
  const offset = decode.offset ?? 0;
  if (decode.type === 'utf8') {
    const end = decode.length === undefined ? bytes.length : offset + decode.length;
    if (end > bytes.length || offset > bytes.length) {
      throw new ProfileError('FH_PROFILE_DECODE_FAILED', `utf8 at byte ${offset} needs ${end} bytes, got ${bytes.length}`);
    }
    return Buffer.from(bytes.subarray(offset, end)).toString('utf8').replace(/\0+$/, '');
  }
  const size = BLE_TYPE_SIZES[decode.type];
  if (bytes.length < offset + size) {
    throw new ProfileError('FH_PROFILE_DECODE_FAILED', `${decode.type} at byte ${offset} needs ${offset + size} bytes, got ${bytes.length}`);
  }
  const raw = readRaw(decode.type, new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset);
  return applyScale(raw, decode.scale ?? 1, 0, isExact(decode.type));
}

/** Encodes a value for `decode`: divided by decode.scale, rounded for integer types, range-checked. */
export function encodeBleValue(decode: DecodeSpec, value: number | string): Uint8Array {
  if (decode.type === 'utf8') {
    if (typeof value !== 'string') throw new ProfileError('FH_PROFILE_VALUE_INVALID', `utf8 needs a string, got ${JSON.stringify(value)}`);
    const bytes = Buffer.from(value, 'utf8');
    if (decode.length !== undefined && bytes.length > decode.length) throw new ProfileError('FH_PROFILE_VALUE_RANGE', `text longer than ${decode.length} bytes`);
    return new Uint8Array(bytes);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProfileError('FH_PROFILE_VALUE_INVALID', `${decode.type} needs a finite number, got ${JSON.stringify(value)}`);
  }
  const range = INTEGER_RANGES[decode.type];
  const raw = invertScale(value, decode.scale ?? 1, 0, range !== undefined);
  if (range !== undefined && (raw < range[0] || raw > range[1])) {
    throw new ProfileError('FH_PROFILE_VALUE_RANGE', `${value} does not fit ${decode.type} (raw ${raw} outside ${range[0]}..${range[1]})`);
  }
  const out = new Uint8Array(BLE_TYPE_SIZES[decode.type]);
  const v = new DataView(out.buffer);
  try {
    writeRaw(decode.type, v, raw);
  } catch (err) {
    throw new ProfileError('FH_PROFILE_VALUE_RANGE', `${value} does not fit ${decode.type}: ${(err as Error).message}`, { cause: err });
  }
  return out;
}

function writeRaw(type: Exclude<BleDecodeType, 'utf8'>, v: DataView, raw: number): void {
  switch (type) {
    case 'uint8': v.setUint8(0, raw); break;
    case 'int8': v.setInt8(0, raw); break;
    case 'uint16le': v.setUint16(0, raw, true); break;
    case 'uint16be': v.setUint16(0, raw); break;
    case 'int16le': v.setInt16(0, raw, true); break;
    case 'int16be': v.setInt16(0, raw); break;
    case 'uint24le': v.setUint16(0, raw & 0xffff, true); v.setUint8(2, raw >>> 16); break;
    case 'uint32le': v.setUint32(0, raw, true); break;
    case 'uint32be': v.setUint32(0, raw); break;
    case 'int32le': v.setInt32(0, raw, true); break;
    case 'int32be': v.setInt32(0, raw); break;
    case 'float32le': if (Math.abs(raw) > 3.4028234663852886e38) throw new RangeError('beyond float32'); v.setFloat32(0, raw, true); break;
    case 'float32be': if (Math.abs(raw) > 3.4028234663852886e38) throw new RangeError('beyond float32'); v.setFloat32(0, raw); break;
    case 'float64le': v.setFloat64(0, raw, true); break;
    case 'sfloat16': v.setUint16(0, encodeSfloat16(raw), true); break;
    case 'float11073': v.setUint32(0, encodeFloat11073(raw), true); break;
  }
}

/** A BLE point's engineering value from its characteristic's bytes. */
export function decodeBlePoint(point: BleProfilePoint, bytes: Uint8Array): number | string {
  let value: number | string;
  try {
    value = decodeBleValue(point.ble.decode, bytes);
  } catch (err) {
    if (err instanceof ProfileError) throw new ProfileError(err.code, `point ${point.name}: ${err.message}`, { cause: err });
    throw err;
  }
  return typeof value === 'number' ? applyScale(value, point.scale, point.offset, isExact(point.ble.decode.type)) : value;
}

/** The bytes to write for `value` (the whole characteristic value). Checks writable and min/max. */
export function encodeBlePoint(point: BleProfilePoint, value: unknown): Uint8Array {
  if (point.writable === false) throw new ProfileError('FH_PROFILE_NOT_WRITABLE', `point ${point.name} is not writable`);
  if (typeof value === 'number' && ((point.min !== undefined && value < point.min) || (point.max !== undefined && value > point.max))) {
    throw new ProfileError('FH_PROFILE_VALUE_RANGE', `point ${point.name}: ${value} is outside ${point.min ?? '-∞'}..${point.max ?? '∞'}`);
  }
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new ProfileError('FH_PROFILE_VALUE_INVALID', `point ${point.name} needs a number or a string, got ${JSON.stringify(value)}`);
  }
  try {
    const raw = typeof value === 'number' ? invertScale(value, point.scale, point.offset, false) : value;
    return encodeBleValue(point.ble.decode, raw);
  } catch (err) {
    if (err instanceof ProfileError) throw new ProfileError(err.code, `point ${point.name}: ${err.message}`, { cause: err });
    throw err;
  }
}
