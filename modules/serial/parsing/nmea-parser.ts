/**
 * NMEA 0183 sentences (`$GPGGA,…*47`): the checksum is verified (XOR of the characters between `$`
 * and `*`, two hex digits [NMEA 0183 §5.3.1]; required unless `requireChecksum` is off), then
 * fields are named by devices/codecs/nmea-fields.ts (GGA: time, latitude, longitude in signed
 * decimal degrees, fixQuality, fix, satellites, hdop, altitude, geoidSeparation; RMC: time, valid,
 * latitude, longitude, speedKnots, course, date, datetime; others: f1, f2, …). This parser adds
 * `sentence`, `talker`, `utcTime` (`hh:mm:ss.sss` from the time field) and, for RMC, `speedMps`
 * (knots × 1852/3600). Sentences not in `sentences` (when given) carry nothing.
 */
import { nmeaFields, parseNmeaSentence } from '../../../devices/codecs/nmea-fields.js';
import { FrameParseError, preview, type FrameParser, type ParsedFrame } from './parser.js';

export interface NmeaParserOptions {
  /** Refuse sentences without `*hh`. Default true. */
  readonly requireChecksum: boolean;
  /** Sentence types to keep (`GGA`, `RMC`); all when absent. */
  readonly sentences?: readonly string[];
}

/** m/s per knot (1 knot = 1852 m per hour). */
export const MPS_PER_KNOT = 1852 / 3600;

/** `hhmmss[.ss]` → `hh:mm:ss.sss`, or null. */
export function utcTime(time: unknown): string | null {
  if (typeof time !== 'string' || !/^\d{6}(\.\d+)?$/.test(time)) return null;
  const frac = time.length > 6 ? `${time.slice(7)}000`.slice(0, 3) : '000';
  return `${time.slice(0, 2)}:${time.slice(2, 4)}:${time.slice(4, 6)}.${frac}`;
}

/** XOR of the characters of `body` (between `$` and `*`). */
export function nmeaChecksum(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) sum ^= body.charCodeAt(i);
  return sum;
}

export class NmeaParser implements FrameParser {
  private readonly keep: ReadonlySet<string> | undefined;

  constructor(private readonly options: NmeaParserOptions) {
    this.keep = options.sentences === undefined ? undefined : new Set(options.sentences);
  }

  parse(frame: Buffer): ParsedFrame | undefined {
    const text = frame.toString('latin1').trim();
    if (text === '') return undefined;
    const m = /^[$!]([^*$!]+)(?:\*([0-9A-Fa-f]{2}))?$/.exec(text);
    if (m === null) throw new FrameParseError('syntax', `not an NMEA sentence: ${preview(text)}`);
    const body = m[1]!;
    if (m[2] === undefined) {
      if (this.options.requireChecksum) throw new FrameParseError('checksum', `NMEA sentence without checksum: ${preview(text)}`);
    } else {
      const sum = nmeaChecksum(body);
      if (sum !== parseInt(m[2], 16)) {
        throw new FrameParseError('checksum', `NMEA checksum mismatch (computed ${sum.toString(16).padStart(2, '0').toUpperCase()}): ${preview(text)}`);
      }
    }
    let sentence;
    try {
      sentence = parseNmeaSentence(text);
    } catch (err) {
      throw new FrameParseError('syntax', (err as Error).message, { cause: err });
    }
    if (this.keep !== undefined && !this.keep.has(sentence.type)) return undefined;
    const fields: Record<string, unknown> = { sentence: sentence.type, talker: sentence.talker, ...nmeaFields(sentence.type, sentence.fields) };
    if (sentence.type === 'GGA' || sentence.type === 'RMC') fields.utcTime = utcTime(fields.time);
    if (sentence.type === 'RMC') {
      const knots = fields.speedKnots;
      fields.speedMps = typeof knots === 'number' ? Number((knots * MPS_PER_KNOT).toFixed(3)) : null;
    }
    return { fields, sentence: sentence.type };
  }
}
