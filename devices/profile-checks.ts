/**
 * The rules a JSON schema cannot say, run on a schema-valid profile document (defaults filled):
 * unique point names; Modbus type/table combinations (coil and discrete are bool; `bit` only with
 * bool/bitfield on registers; `length` exactly for strings; writes only to coil/holding) and
 * register ranges within 0..65535 including the type's width; scale/offset/min/max only on
 * numbers; BLE writes only of whole values; serial parser fields that exist. Each problem is a
 * `/json/path: what is wrong` line.
 */
import { registerCount } from './codecs/modbus-registers.js';
import type { ModbusType, ProfileDocument } from './profile.js';

type DocPoint = ProfileDocument['points'][number];
const NUMERIC_MODBUS: ReadonlySet<ModbusType> = new Set(['int16', 'uint16', 'int32', 'uint32', 'float32', 'float64', 'bitfield']);

function isWritable(p: DocPoint): boolean {
  return p.writable === true || (typeof p.writable === 'object' && (p.writable.desired === true || p.writable.method === true));
}

/** `scale`/`offset`/`min`/`max` make sense for numbers only. */
function numericOnly(p: DocPoint, at: string, numeric: boolean, what: string, out: string[]): void {
  if (numeric) return;
  if ((p.scale ?? 1) !== 1) out.push(`${at}/scale: only for numbers (this point is ${what})`);
  if ((p.offset ?? 0) !== 0) out.push(`${at}/offset: only for numbers (this point is ${what})`);
  if (p.min !== undefined) out.push(`${at}/min: only for numbers (this point is ${what})`);
  if (p.max !== undefined) out.push(`${at}/max: only for numbers (this point is ${what})`);
}

function checkModbus(p: DocPoint, at: string, out: string[]): void {
  const m = p.modbus;
  if (m === undefined) return;
  const mAt = `${at}/modbus`;
  const bitTable = m.table === 'coil' || m.table === 'discrete';
  const type = m.type ?? (bitTable ? 'bool' : undefined);
  if (type === undefined) {
    out.push(`${mAt}/type: required for table ${m.table}`);
    return;
  }
  if (bitTable && type !== 'bool') out.push(`${mAt}/type: ${m.table} points are bool, not ${type}`);
  if (m.bit !== undefined && (bitTable || (type !== 'bool' && type !== 'bitfield'))) {
    out.push(`${mAt}/bit: only for bool or bitfield on an input or holding register`);
  }
  if (!bitTable && type === 'bool' && m.bit === undefined) out.push(`${mAt}/bit: required for a bool on a register (which bit, 0..15)`);
  if (m.bits !== undefined && type !== 'bitfield') out.push(`${mAt}/bits: only for bitfield`);
  if (type === 'bitfield' && m.bits !== undefined && (m.bit ?? 0) + m.bits > 16) out.push(`${mAt}/bits: bit + bits must be <= 16`);
  if (type === 'string' && m.length === undefined) out.push(`${mAt}/length: required for string (registers)`);
  if (type !== 'string' && m.length !== undefined) out.push(`${mAt}/length: only for string`);
  if (isWritable(p) && m.table !== 'coil' && m.table !== 'holding') out.push(`${at}/writable: table ${m.table} is read-only (only coil and holding can be written)`);
  const width = bitTable ? 1 : registerCount({ type, byteOrder: 'BE', wordOrder: 'BE', ...(m.length === undefined ? {} : { length: m.length }) });
  if (m.address + width - 1 > 65_535) {
    out.push(`${mAt}/address: ${type} at ${m.address} spans ${width} registers, past the last address 65535`);
  }
  numericOnly(p, at, NUMERIC_MODBUS.has(type), type, out);
}

function checkBle(p: DocPoint, at: string, out: string[]): void {
  const b = p.ble;
  if (b === undefined) return;
  const d = b.decode;
  const text = d.type === 'utf8';
  if (d.length !== undefined && !text) out.push(`${at}/ble/decode/length: only for utf8`);
  if (text && (d.scale ?? 1) !== 1) out.push(`${at}/ble/decode/scale: only for numbers (this point is utf8)`);
  if (isWritable(p) && (d.offset ?? 0) !== 0) out.push(`${at}/writable: a write replaces the whole value, so a writable point needs decode.offset 0`);
  numericOnly(p, at, !text, 'utf8', out);
}

function checkSerial(doc: ProfileDocument, p: DocPoint, at: string, groups: ReadonlySet<string> | undefined, out: string[]): void {
  const s = p.serial;
  if (s === undefined) return;
  if (isWritable(p)) out.push(`${at}/writable: serial points are read-only (send commands with the serial module's write method)`);
  const parser = doc.defaults?.serial?.parser;
  if (s.sentence !== undefined && parser !== undefined && parser !== 'nmea') out.push(`${at}/serial/sentence: only for parser nmea`);
  if (groups !== undefined && !groups.has(s.field)) out.push(`${at}/serial/field: "${s.field}" is not a named group of defaults.serial.pattern`);
  numericOnly(p, at, s.type === 'number', s.type, out);
}

/** Named groups of the regex parser's pattern, or undefined when there is no (valid) pattern. */
function regexGroups(doc: ProfileDocument, out: string[]): ReadonlySet<string> | undefined {
  const serial = doc.defaults?.serial;
  if (serial === undefined) return undefined;
  if (serial.parser === 'regex' && serial.pattern === undefined) out.push('/defaults/serial/pattern: required for parser regex');
  if (serial.pattern === undefined) return undefined;
  if (serial.parser !== 'regex') {
    out.push('/defaults/serial/pattern: only for parser regex');
    return undefined;
  }
  try {
    new RegExp(serial.pattern);
  } catch (err) {
    out.push(`/defaults/serial/pattern: not a valid regular expression: ${(err as Error).message}`);
    return undefined;
  }
  return new Set([...serial.pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1] as string));
}

/** Every cross-field problem of a schema-valid document, as `/path: message` lines (empty when fine). */
export function checkProfileDocument(doc: ProfileDocument): string[] {
  const out: string[] = [];
  const seen = new Map<string, number>();
  const groups = regexGroups(doc, out);
  doc.points.forEach((p, i) => {
    const at = `/points/${i}`;
    const first = seen.get(p.name);
    if (first !== undefined) out.push(`${at}/name: duplicate point name "${p.name}" (also /points/${first})`);
    else seen.set(p.name, i);
    if (p.scale === 0) out.push(`${at}/scale: must not be 0`);
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) out.push(`${at}/min: must be <= max`);
    if (p.telemetry === false && p.reported === false && !isWritable(p)) out.push(`${at}: neither telemetry, reported nor writable: the point does nothing`);
    checkModbus(p, at, out);
    checkBle(p, at, out);
    checkSerial(doc, p, at, groups, out);
  });
  return out;
}
