/**
 * A serial point's value from its parser's output field (a regex group, a JSON value, an NMEA
 * field): converted to the point's `serial.type`, then scale and offset for numbers. A missing or
 * empty field is `null` (an NMEA GGA without a fix has empty altitude); text that is not a number
 * or boolean is FH_PROFILE_DECODE_FAILED.
 */
import { ProfileError } from '../errors.js';
import type { SerialProfilePoint } from '../profile.js';
import { applyScale } from './scale.js';

const TRUE = new Set(['true', '1', 'on', 'yes']);
const FALSE = new Set(['false', '0', 'off', 'no']);

/** The point's value from `raw` (whatever the parser produced for its field), or null when absent. */
export function decodeSerialPoint(point: SerialProfilePoint, raw: unknown): number | string | boolean | null {
  if (raw === undefined || raw === null || raw === '') return null;
  const fail = (what: string): ProfileError =>
    new ProfileError('FH_PROFILE_DECODE_FAILED', `point ${point.name}: field ${point.serial.field} is not ${what}: ${JSON.stringify(raw)}`);
  switch (point.serial.type) {
    case 'string':
      if (typeof raw === 'object') throw fail('text');
      return String(raw);
    case 'bool': {
      if (typeof raw === 'boolean') return raw;
      const s = String(raw).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      throw fail('a boolean');
    }
    case 'number': {
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : NaN;
      if (!Number.isFinite(n)) throw fail('a number');
      // Parsed decimal text and JSON numbers are exact decimals: round away binary noise.
      return applyScale(n, point.scale, point.offset, true);
    }
  }
}
