/**
 * NMEA 0183 sentences as named fields, the names a serial profile's points use with the `nmea`
 * parser: `parseNmeaSentence` checks the `*hh` checksum (XOR of the bytes between `$` and `*`)
 * and splits the fields; `nmeaFields` names those of GGA (fix data) and RMC (recommended minimum):
 * latitude/longitude in signed decimal degrees (south and west negative), fixQuality 0..8,
 * satellites, hdop, altitude and geoidSeparation in metres, speedKnots, course in degrees,
 * valid (RMC status A), fix (GGA quality > 0), time `hhmmss.ss` and, from RMC, an ISO `datetime`.
 * Other sentence types give their fields as `f1`, `f2`, ….
 */
import { ProfileError } from '../errors.js';

/** A parsed sentence: talker (`GP`, `GN`, …), type (`GGA`), the data fields as text. */
export interface NmeaSentence {
  readonly talker: string;
  readonly type: string;
  readonly fields: readonly string[];
}

export type NmeaValue = number | string | boolean | null;

/** Parses `$GPGGA,…*47` (with or without CR LF). FH_PROFILE_DECODE_FAILED on a bad frame or checksum. */
export function parseNmeaSentence(line: string): NmeaSentence {
  const m = /^[$!]([^*]+)(?:\*([0-9A-Fa-f]{2}))?\s*$/.exec(line);
  if (m === null) throw new ProfileError('FH_PROFILE_DECODE_FAILED', `not an NMEA sentence: ${JSON.stringify(line.slice(0, 100))}`);
  const body = m[1] as string;
  if (m[2] !== undefined) {
    let sum = 0;
    for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
    if (sum !== parseInt(m[2], 16)) {
      throw new ProfileError('FH_PROFILE_DECODE_FAILED', `NMEA checksum mismatch: computed ${sum.toString(16).padStart(2, '0').toUpperCase()}, sentence says ${m[2].toUpperCase()}`);
    }
  }
  const [address = '', ...fields] = body.split(',');
  // Proprietary sentences ($PXXX…) have no talker; standard ones are 2-letter talker + type.
  const proprietary = address.startsWith('P');
  return { talker: proprietary ? 'P' : address.slice(0, 2), type: proprietary ? address.slice(1) : address.slice(2), fields };
}

const num = (s: string | undefined): number | null => (s === undefined || s.trim() === '' ? null : Number.isFinite(Number(s)) ? Number(s) : null);

/** `ddmm.mmmm` / `dddmm.mmmm` with hemisphere → signed decimal degrees (rounded to 7 places, ~1 cm). */
export function nmeaCoordinate(value: string | undefined, hemisphere: string | undefined): number | null {
  const v = num(value);
  if (v === null || hemisphere === undefined || hemisphere === '') return null;
  const degrees = Math.floor(v / 100);
  const decimal = degrees + (v - degrees * 100) / 60;
  const signed = hemisphere === 'S' || hemisphere === 'W' ? -decimal : decimal;
  return Number(signed.toFixed(7));
}

function rmcDatetime(date: string | undefined, time: string | undefined): string | null {
  if (date === undefined || time === undefined || !/^\d{6}$/.test(date) || !/^\d{6}(\.\d+)?$/.test(time)) return null;
  const yy = Number(date.slice(4, 6));
  // Two-digit year: NMEA 0183 RMC has no century; receivers predating 1980 do not exist.
  const year = yy >= 80 ? 1900 + yy : 2000 + yy;
  const frac = time.length > 6 ? (time.slice(6) + '000').slice(1, 4) : '000';
  return `${year}-${date.slice(2, 4)}-${date.slice(0, 2)}T${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}.${frac}Z`;
}

/** The named fields of a sentence type's data fields (see the file comment for the names). */
export function nmeaFields(type: string, f: readonly string[]): Record<string, NmeaValue> {
  if (type === 'GGA') {
    const fixQuality = num(f[5]);
    return {
      time: f[0] || null,
      latitude: nmeaCoordinate(f[1], f[2]),
      longitude: nmeaCoordinate(f[3], f[4]),
      fixQuality,
      fix: fixQuality === null ? null : fixQuality > 0,
      satellites: num(f[6]),
      hdop: num(f[7]),
      altitude: num(f[8]),
      geoidSeparation: num(f[10]),
    };
  }
  if (type === 'RMC') {
    return {
      time: f[0] || null,
      valid: f[1] === 'A',
      latitude: nmeaCoordinate(f[2], f[3]),
      longitude: nmeaCoordinate(f[4], f[5]),
      speedKnots: num(f[6]),
      course: num(f[7]),
      date: f[8] || null,
      datetime: rmcDatetime(f[8], f[0]),
    };
  }
  return Object.fromEntries(f.map((v, i) => [`f${i + 1}`, v === '' ? null : v]));
}
