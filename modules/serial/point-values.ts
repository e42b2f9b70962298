/**
 * From a parsed frame to a device's point values, purely: each point takes its `serial.field`
 * (a dotted path reaches into JSON), only from frames of its `serial.sentence` when it names one,
 * converted and scaled by the profile (devices/codecs/serial-value.ts). Absent and empty fields
 * give no value; a field that does not convert is an error for that point only.
 */
import { decodeSerialPoint } from '../../devices/codecs/serial-value.js';
import type { SerialProfilePoint } from '../../devices/profile.js';
import { fieldValue, type ParsedFrame } from './parsing/parser.js';

export type PointValue = number | string | boolean;

export interface FrameReading {
  /** Values by point name, for the points this frame carries. */
  readonly values: Map<string, PointValue>;
  /** Points whose field did not convert (FH_PROFILE_DECODE_FAILED). */
  readonly errors: Error[];
}

/** The values of `points` in `frame`. */
export function readPoints(points: readonly SerialProfilePoint[], frame: ParsedFrame): FrameReading {
  const values = new Map<string, PointValue>();
  const errors: Error[] = [];
  for (const point of points) {
    if (point.serial.sentence !== undefined && point.serial.sentence !== frame.sentence) continue;
    const raw = fieldValue(frame.fields, point.serial.field);
    if (raw === undefined) continue;
    try {
      const value = decodeSerialPoint(point, raw);
      if (value !== null) values.set(point.name, value);
    } catch (err) {
      errors.push(err as Error);
    }
  }
  return { values, errors };
}

/** True when every `match` field of the frame equals the given value (compared as text). */
export function frameMatches(match: Readonly<Record<string, string | number | boolean>> | undefined, frame: ParsedFrame): boolean {
  if (match === undefined) return true;
  return Object.entries(match).every(([field, want]) => {
    const got = fieldValue(frame.fields, field);
    return got !== undefined && got !== null && String(got) === String(want);
  });
}
