/**
 * Text lines: each frame is decoded as text (`line`), optionally split at a separator into fields
 * named by `columns` (`f1`, `f2`, … beyond them), for CSV-like sensors (`21.5,40.2,OK`). Blank
 * frames carry nothing.
 */
import type { FrameParser, ParsedFrame, TextEncoding } from './parser.js';

export interface LinesParserOptions {
  readonly encoding: TextEncoding;
  /** Trim whitespace (a stray CR included) around the line and each field. Default true. */
  readonly trim: boolean;
  /** Splits the line into fields. */
  readonly separator?: string;
  /** Names of the split fields, in order. */
  readonly columns?: readonly string[];
}

export class LinesParser implements FrameParser {
  constructor(private readonly options: LinesParserOptions) {}

  parse(frame: Buffer): ParsedFrame | undefined {
    const { trim, separator, columns = [] } = this.options;
    let line = frame.toString(this.options.encoding);
    if (trim) line = line.trim();
    if (line.trim() === '') return undefined;
    const fields: Record<string, unknown> = { line };
    if (separator !== undefined) {
      line.split(separator).forEach((raw, i) => {
        fields[columns[i] ?? `f${i + 1}`] = trim ? raw.trim() : raw;
      });
    }
    return { fields };
  }
}
