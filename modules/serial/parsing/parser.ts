/**
 * What every serial parser is: a pure function of one frame to named fields (the names a serial
 * profile's points use in `serial.field`), or nothing for a frame that carries no data (an empty
 * line, a sentence type that is filtered out). A frame that should carry data but does not parse
 * throws {@link FrameParseError} (FH_SERIAL_PARSE_ERROR) with a reason the module counts.
 */
import { ModuleError } from '../../errors.js';

/** One parsed frame. */
export interface ParsedFrame {
  /** Field values by name: text, numbers, booleans, null, or (JSON) nested values. */
  readonly fields: Readonly<Record<string, unknown>>;
  /** NMEA only: the sentence type (`GGA`, `RMC`), matched against a point's `serial.sentence`. */
  readonly sentence?: string;
}

export interface FrameParser {
  /** Fields of `frame`; undefined when the frame carries nothing. Throws FrameParseError. */
  parse(frame: Buffer): ParsedFrame | undefined;
}

/** Why a frame was refused: `syntax` (not the expected format), `checksum` (NMEA), `nomatch` (regex). */
export type ParseFailure = 'syntax' | 'checksum' | 'nomatch';

/** A frame that does not parse: FH_SERIAL_PARSE_ERROR, with the reason. */
export class FrameParseError extends ModuleError {
  constructor(readonly reason: ParseFailure, message: string, options: { cause?: unknown } = {}) {
    super('FH_SERIAL_PARSE_ERROR', message, options);
  }
}

export type TextEncoding = 'utf8' | 'latin1' | 'ascii';

/** A frame as text for messages: at most 80 characters, JSON-quoted so control bytes show. */
export function preview(text: string): string {
  return JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}…` : text);
}

/**
 * The value of `name` in `fields`: the key itself, else a dotted path into nested objects
 * (`wind.speed` for `{"wind":{"speed":3}}`); undefined when absent.
 */
export function fieldValue(fields: Readonly<Record<string, unknown>>, name: string): unknown {
  if (Object.hasOwn(fields, name)) return fields[name];
  if (!name.includes('.')) return undefined;
  let value: unknown = fields;
  for (const part of name.split('.')) {
    if (value === null || typeof value !== 'object' || Array.isArray(value) || !Object.hasOwn(value, part)) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}
