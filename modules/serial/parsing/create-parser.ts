/**
 * The parser a port's config asks for. Without a `parser` the profile's hint decides
 * (`defaults.serial.parser` and, for regex, `pattern`), else text lines. A regex parser's pattern
 * comes from the config or the profile.
 */
import type { SerialDefaults } from '../../../devices/profile.js';
import type { ParserConfig } from '../config.js';
import { JsonParser } from './json-parser.js';
import { LinesParser } from './lines-parser.js';
import { NmeaParser } from './nmea-parser.js';
import type { FrameParser } from './parser.js';
import { RegexParser } from './regex-parser.js';

/** The parser config in effect: the port's, else one from the profile hint, else lines. */
export function effectiveParser(config: ParserConfig | undefined, hint: SerialDefaults | undefined): ParserConfig {
  if (config !== undefined) return config.kind === 'regex' && config.pattern === undefined && hint?.pattern !== undefined ? { ...config, pattern: hint.pattern } : config;
  switch (hint?.parser) {
    case 'nmea': return { kind: 'nmea', requireChecksum: true };
    case 'json': return { kind: 'json', encoding: 'utf8' };
    case 'regex': return { kind: 'regex', flags: '', encoding: 'utf8', trim: true, ...(hint.pattern !== undefined ? { pattern: hint.pattern } : {}) };
    default: return { kind: 'lines', encoding: 'utf8', trim: true };
  }
}

/** Builds the parser; throws RangeError/SyntaxError for a config that cannot work (no or bad pattern). */
export function createParser(config: ParserConfig): FrameParser {
  switch (config.kind) {
    case 'lines': return new LinesParser(config);
    case 'json': return new JsonParser(config.encoding);
    case 'nmea': return new NmeaParser(config);
    case 'regex':
      if (config.pattern === undefined) throw new RangeError('parser regex needs a pattern (in the port config or the profile\'s defaults.serial.pattern)');
      return new RegexParser({ pattern: config.pattern, flags: config.flags, encoding: config.encoding, trim: config.trim });
  }
}
