/**
 * JSON lines: each frame is one JSON object whose keys are the fields (points may name nested
 * values with a dotted path, see `fieldValue`). Blank frames carry nothing; anything else that is
 * not a JSON object is a parse error.
 */
import { FrameParseError, preview, type FrameParser, type ParsedFrame, type TextEncoding } from './parser.js';

export class JsonParser implements FrameParser {
  constructor(private readonly encoding: TextEncoding = 'utf8') {}

  parse(frame: Buffer): ParsedFrame | undefined {
    const text = frame.toString(this.encoding).trim();
    if (text === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw new FrameParseError('syntax', `not JSON: ${preview(text)} (${(err as Error).message})`, { cause: err });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new FrameParseError('syntax', `not a JSON object: ${preview(text)}`);
    return { fields: value as Record<string, unknown> };
  }
}
