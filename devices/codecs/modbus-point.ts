/**
 * A profile point's Modbus value: registers (or a coil/discrete bit) to the engineering value with
 * scale and offset, and back for writes: the point must be writable and on a writable table, the
 * value of the right kind, within the point's min/max, and after the inverse scale within its
 * type's range (coded errors FH_PROFILE_NOT_WRITABLE, _VALUE_INVALID, _VALUE_RANGE).
 */
import { ProfileError } from '../errors.js';
import type { ModbusPointSpec, ModbusProfilePoint } from '../profile.js';
import { decodeRegisters, encodeRegisters, registerCount, type RawValue } from './modbus-registers.js';
import { applyScale, invertScale } from './scale.js';

/** A point's engineering value: a number (scaled), a boolean, or a string. */
export type PointValue = number | boolean | string;

/** True for coil and discrete input points (single bits, not registers). */
export function isBitTable(spec: Pick<ModbusPointSpec, 'table'>): boolean {
  return spec.table === 'coil' || spec.table === 'discrete';
}

/** Registers (or bits, for coil/discrete) the point spans from its address. */
export function pointWidth(spec: ModbusPointSpec): number {
  return isBitTable(spec) ? 1 : registerCount(spec);
}

function isIntegral(spec: ModbusPointSpec): boolean {
  return spec.type !== 'float32' && spec.type !== 'float64';
}

/**
 * The engineering value of a point from its registers (`readonly number[]`, exactly
 * {@link pointWidth} words) or, for coil/discrete, its bit (`boolean`, or a one-element array).
 */
export function decodeModbusPoint(point: ModbusProfilePoint, data: readonly number[] | readonly boolean[] | boolean): PointValue {
  const spec = point.modbus;
  if (isBitTable(spec)) {
    const bit = Array.isArray(data) ? data[0] : data;
    if (typeof bit === 'boolean') return bit;
    if (bit === 0 || bit === 1) return bit === 1;
    throw new ProfileError('FH_PROFILE_DECODE_FAILED', `point ${point.name}: a ${spec.table} needs one bit`);
  }
  if (!Array.isArray(data) || data.some((w) => typeof w !== 'number')) {
    throw new ProfileError('FH_PROFILE_DECODE_FAILED', `point ${point.name}: needs register words`);
  }
  const raw: RawValue = wrap(point, () => decodeRegisters(spec, data as readonly number[]));
  return typeof raw === 'number' ? applyScale(raw, point.scale, point.offset, isIntegral(spec)) : raw;
}

/** FH_PROFILE_NOT_WRITABLE unless the point is writable and on a coil or holding register. */
export function assertModbusWritable(point: ModbusProfilePoint): void {
  if (point.writable === false) throw new ProfileError('FH_PROFILE_NOT_WRITABLE', `point ${point.name} is not writable`);
  const t = point.modbus.table;
  if (t !== 'coil' && t !== 'holding') throw new ProfileError('FH_PROFILE_NOT_WRITABLE', `point ${point.name} is on read-only table ${t}`);
}

function checkNumber(point: ModbusProfilePoint, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new ProfileError('FH_PROFILE_VALUE_INVALID', `point ${point.name} needs a finite number, got ${JSON.stringify(value)}`);
  }
  if ((point.min !== undefined && value < point.min) || (point.max !== undefined && value > point.max)) {
    throw new ProfileError('FH_PROFILE_VALUE_RANGE', `point ${point.name}: ${value} is outside ${point.min ?? '-∞'}..${point.max ?? '∞'}`);
  }
  return value;
}

/**
 * What to write for `value`: a boolean for a coil, register words for a holding register (write
 * them at the point's address; FC 5/6/15/16). A bool or bitfield narrower than a register needs
 * `current`, the register's present words (read-modify-write; see needsCurrentValue).
 */
export function encodeModbusPoint(point: ModbusProfilePoint, value: unknown, current?: readonly number[]): boolean | number[] {
  assertModbusWritable(point);
  const spec = point.modbus;
  if (spec.type === 'bool') {
    const b = value === true || value === 1 ? true : value === false || value === 0 ? false : undefined;
    if (b === undefined) throw new ProfileError('FH_PROFILE_VALUE_INVALID', `point ${point.name} needs true or false, got ${JSON.stringify(value)}`);
    return isBitTable(spec) ? b : encodeRegisters(spec, b, current);
  }
  if (spec.type === 'string') {
    if (typeof value !== 'string') throw new ProfileError('FH_PROFILE_VALUE_INVALID', `point ${point.name} needs a string, got ${JSON.stringify(value)}`);
    return wrap(point, () => encodeRegisters(spec, value));
  }
  const n = checkNumber(point, value);
  const raw = invertScale(n, point.scale, point.offset, isIntegral(spec));
  return wrap(point, () => encodeRegisters(spec, raw, current));
}

/** Prefixes codec errors with the point name. */
function wrap<T>(point: ModbusProfilePoint, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof ProfileError) throw new ProfileError(err.code, `point ${point.name}: ${err.message}`, { cause: err });
    throw err;
  }
}
