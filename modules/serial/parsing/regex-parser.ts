/**
 * Regular expressions with named groups: each group of the match is a field
 * (`T=(?<temperature>-?\d+\.\d+)` gives `temperature`). A frame the expression does not match is
 * a parse error (reason `nomatch`); groups that did not take part are absent.
 */
import { FrameParseError, preview, type FrameParser, type ParsedFrame, type TextEncoding } from './parser.js';

export interface RegexParserOptions {
  readonly pattern: string;
  /** Any of `i`, `m`, `s`, `u` (no `g`/`y`: one match per frame). Default none. */
  readonly flags: string;
  readonly encoding: TextEncoding;
  /** Trim whitespace around the frame text first. Default true. */
  readonly trim: boolean;
}

/** The named groups of a pattern, in order. */
export function namedGroups(pattern: string): string[] {
  return [...pattern.matchAll(/\(\?<([A-Za-z_$][\w$]*)>/g)].map((m) => m[1]!);
}

export class RegexParser implements FrameParser {
  private readonly regex: RegExp;

  /** Throws SyntaxError for a bad pattern, RangeError for bad flags or no named group. */
  constructor(private readonly options: RegexParserOptions) {
    if (!/^[imsu]*$/.test(options.flags)) throw new RangeError(`regex flags may only be i, m, s, u (not ${JSON.stringify(options.flags)})`);
    this.regex = new RegExp(options.pattern, options.flags);
    if (namedGroups(options.pattern).length === 0) throw new RangeError('the pattern has no named group ((?<name>…)): it would give no fields');
  }

  parse(frame: Buffer): ParsedFrame | undefined {
    let text = frame.toString(this.options.encoding);
    if (this.options.trim) text = text.trim();
    if (text === '') return undefined;
    const m = this.regex.exec(text);
    if (m === null) throw new FrameParseError('nomatch', `no match for the pattern: ${preview(text)}`);
    const fields: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) if (value !== undefined) fields[name] = value;
    return { fields };
  }
}
