/**
 * The parsers on fixture frames: text lines (split into named columns), JSON lines, NMEA 0183
 * (published GGA/RMC/GSV sentences with their checksums; a corrupted one refused), and regular
 * expressions with named groups. Refusals carry FH_SERIAL_PARSE_ERROR and a reason.
 */
import { describe, expect, it } from 'vitest';
import { effectiveParser, createParser } from './create-parser.js';
import { JsonParser } from './json-parser.js';
import { LinesParser } from './lines-parser.js';
import { NmeaParser } from './nmea-parser.js';
import { FrameParseError, fieldValue, type FrameParser } from './parser.js';
import { RegexParser } from './regex-parser.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

function refusal(parser: FrameParser, frame: string): FrameParseError {
  try {
    parser.parse(b(frame));
  } catch (err) {
    expect(err).toBeInstanceOf(FrameParseError);
    expect((err as FrameParseError).code).toBe('FH_SERIAL_PARSE_ERROR');
    return err as FrameParseError;
  }
  throw new Error(`parsed ${JSON.stringify(frame)}`);
}

// Published sentences (gpsd "NMEA Revealed", GGA and RMC examples; a u-blox GN receiver).
const GGA = '$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47';
const RMC = '$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A';
const GNGGA = '$GNGGA,092750.000,5321.6802,N,00630.3372,W,1,8,1.03,61.7,M,55.2,M,,*68';
const RMC2 = '$GPRMC,092750.000,A,5321.6802,N,00630.3372,W,0.02,31.66,280511,,,A*43';
const GSV = '$GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00*74';

describe('LinesParser', () => {
  it('gives the trimmed line; blank frames carry nothing', () => {
    const p = new LinesParser({ encoding: 'utf8', trim: true });
    expect(p.parse(b('  hello world\r'))).toEqual({ fields: { line: 'hello world' } });
    expect(p.parse(b(' \r'))).toBeUndefined();
  });

  it('splits at a separator into named columns, then f<n>', () => {
    const p = new LinesParser({ encoding: 'utf8', trim: true, separator: ',', columns: ['temperature', 'humidity'] });
    expect(p.parse(b('21.5, 40.2 ,OK'))!.fields).toEqual({ line: '21.5, 40.2 ,OK', temperature: '21.5', humidity: '40.2', f3: 'OK' });
  });

  it('decodes UTF-8 text', () => {
    expect(new LinesParser({ encoding: 'utf8', trim: true }).parse(Buffer.from('22 °C', 'utf8'))!.fields.line).toBe('22 °C');
  });
});

describe('JsonParser', () => {
  it('takes a JSON object per frame; nested values by dotted path', () => {
    const fields = new JsonParser().parse(b('{"t":21.5,"ok":true,"wind":{"speed":3.2},"a.b":1}\r'))!.fields;
    expect(fields).toEqual({ t: 21.5, ok: true, wind: { speed: 3.2 }, 'a.b': 1 });
    expect(fieldValue(fields, 'wind.speed')).toBe(3.2);
    expect(fieldValue(fields, 'a.b')).toBe(1);
    expect(fieldValue(fields, 'wind.gust')).toBeUndefined();
    expect(fieldValue(fields, 'toString')).toBeUndefined();
  });

  it('refuses broken JSON and non-objects', () => {
    const p = new JsonParser();
    expect(refusal(p, '{"t":21.').reason).toBe('syntax');
    expect(refusal(p, '[1,2]').reason).toBe('syntax');
    expect(refusal(p, '42').reason).toBe('syntax');
    expect(p.parse(b(''))).toBeUndefined();
  });
});

describe('NmeaParser', () => {
  const p = new NmeaParser({ requireChecksum: true });

  it('decodes GGA: position in decimal degrees, fix quality, satellites, altitude, UTC time', () => {
    expect(p.parse(b(`${GGA}\r`))).toEqual({
      sentence: 'GGA',
      fields: {
        sentence: 'GGA', talker: 'GP', time: '123519', utcTime: '12:35:19.000', latitude: 48.1173, longitude: 11.5166667,
        fixQuality: 1, fix: true, satellites: 8, hdop: 0.9, altitude: 545.4, geoidSeparation: 46.9,
      },
    });
    expect(p.parse(b(GNGGA))!.fields).toMatchObject({ talker: 'GN', latitude: 53.3613367, longitude: -6.50562, satellites: 8, altitude: 61.7, utcTime: '09:27:50.000' });
  });

  it('decodes RMC: speed in knots and m/s, course, validity, UTC date and time', () => {
    expect(p.parse(b(RMC))!.fields).toEqual({
      sentence: 'RMC', talker: 'GP', time: '123519', utcTime: '12:35:19.000', valid: true, latitude: 48.1173, longitude: 11.5166667,
      speedKnots: 22.4, speedMps: 11.524, course: 84.4, date: '230394', datetime: '1994-03-23T12:35:19.000Z',
    });
    expect(p.parse(b(RMC2))!.fields).toMatchObject({ speedKnots: 0.02, speedMps: 0.01, datetime: '2011-05-28T09:27:50.000Z', longitude: -6.50562 });
  });

  it('names the fields of other sentences f1…', () => {
    expect(p.parse(b(GSV))).toMatchObject({ sentence: 'GSV', fields: { f1: '3', f2: '1', f3: '11' } });
  });

  it('refuses a bad checksum, a missing one, and lines that are no sentence', () => {
    const corrupted = GGA.replace('545.4', '545.5');
    expect(refusal(p, corrupted).reason).toBe('checksum');
    expect(refusal(p, GGA.replace('*47', '*48')).reason).toBe('checksum');
    expect(refusal(p, GGA.slice(0, -3)).reason).toBe('checksum');
    expect(new NmeaParser({ requireChecksum: false }).parse(b(GGA.slice(0, -3)))!.fields.altitude).toBe(545.4);
    expect(refusal(p, 'GPGGA,1,2').reason).toBe('syntax');
    expect(refusal(p, '$GPGGA,1*47$GPRMC').reason).toBe('syntax');
  });

  it('keeps only the listed sentence types', () => {
    const only = new NmeaParser({ requireChecksum: true, sentences: ['RMC'] });
    expect(only.parse(b(GGA))).toBeUndefined();
    expect(only.parse(b(RMC))!.sentence).toBe('RMC');
  });
});

describe('RegexParser', () => {
  it('gives the named groups of the match', () => {
    const p = new RegexParser({ pattern: String.raw`^T=(?<temperature>-?\d+\.\d+);H=(?<humidity>\d+)(?:;S=(?<status>\w+))?$`, flags: '', encoding: 'utf8', trim: true });
    expect(p.parse(b('T=-3.25;H=40\r'))!.fields).toEqual({ temperature: '-3.25', humidity: '40' });
    expect(p.parse(b('T=21.50;H=41;S=OK'))!.fields).toEqual({ temperature: '21.50', humidity: '41', status: 'OK' });
    expect(refusal(p, 'T=abc;H=1').reason).toBe('nomatch');
  });

  it('refuses patterns without groups and stateful flags', () => {
    expect(() => new RegexParser({ pattern: 'T=\\d+', flags: '', encoding: 'utf8', trim: true })).toThrow(RangeError);
    expect(() => new RegexParser({ pattern: '(?<t>\\d+)', flags: 'g', encoding: 'utf8', trim: true })).toThrow(RangeError);
    expect(() => new RegexParser({ pattern: '(?<t>\\d+', flags: '', encoding: 'utf8', trim: true })).toThrow(SyntaxError);
  });
});

describe('effectiveParser', () => {
  it('prefers the port config, then the profile hint, then lines', () => {
    expect(effectiveParser(undefined, { parser: 'nmea' })).toEqual({ kind: 'nmea', requireChecksum: true });
    expect(effectiveParser(undefined, { parser: 'regex', pattern: '(?<a>.)' })).toMatchObject({ kind: 'regex', pattern: '(?<a>.)' });
    expect(effectiveParser({ kind: 'regex', flags: 'i', encoding: 'utf8', trim: true }, { parser: 'regex', pattern: '(?<a>.)' })).toMatchObject({ pattern: '(?<a>.)', flags: 'i' });
    expect(effectiveParser({ kind: 'json', encoding: 'utf8' }, { parser: 'nmea' }).kind).toBe('json');
    expect(effectiveParser(undefined, undefined).kind).toBe('lines');
    expect(() => createParser({ kind: 'regex', flags: '', encoding: 'utf8', trim: true })).toThrow(RangeError);
  });
});
