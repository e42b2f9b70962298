/**
 * Tokenizer of the IoT Hub query language. Keywords are case-insensitive; identifiers may hold `$`
 * (`$body`, `$connectionDeviceId`, `$metadata`); strings use single or double quotes with the
 * escapes `\' \" \\ \/ \b \f \n \r \t \uXXXX`; numbers are decimal (with fraction and exponent)
 * or hexadecimal `0x…` [IoT Hub query language: expressions and conditions].
 */
import { QueryError } from './query-error.js';

export type TokenKind = 'ident' | 'keyword' | 'number' | 'string' | 'op' | 'punct' | 'eof';

/** One token. `text` is the source text; `value` the decoded string, number or upper-case keyword. */
export interface Token {
  kind: TokenKind;
  text: string;
  value: string | number;
  /** 0-based offset of the first character. */
  pos: number;
}

/** Words that are keywords wherever a keyword can stand; after `.` they are plain names. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'SELECT', 'TOP', 'FROM', 'WHERE', 'GROUP', 'BY', 'AS', 'AND', 'OR', 'NOT', 'IN', 'NIN',
  'TRUE', 'FALSE', 'NULL', 'UNDEFINED',
]);

const OPERATORS = ['<>', '!=', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%'];
const PUNCT = '()[],.';
const IDENT_START = /[\p{L}_$]/u;
const IDENT_PART = /[\p{L}\p{N}_$]/u;
const SIMPLE_ESCAPES: Record<string, string> = { "'": "'", '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function readString(src: string, start: number): { value: string; end: number } {
  const quote = src[start];
  let out = '';
  let i = start + 1;
  while (i < src.length) {
    const c = src[i] as string;
    if (c === quote) return { value: out, end: i + 1 };
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const e = src[i + 1];
    if (e === 'u') {
      const hex = src.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new QueryError(i, 'bad \\u escape: four hex digits expected');
      out += String.fromCharCode(parseInt(hex, 16));
      i += 6;
    } else if (e !== undefined && Object.prototype.hasOwnProperty.call(SIMPLE_ESCAPES, e)) {
      out += SIMPLE_ESCAPES[e];
      i += 2;
    } else {
      throw new QueryError(i, `unknown escape \\${e ?? ''} in a string`);
    }
  }
  throw new QueryError(start, 'unterminated string');
}

function readNumber(src: string, start: number): { value: number; end: number } {
  const hex = /^0[xX][0-9a-fA-F]+/.exec(src.slice(start));
  const m = hex ?? /^[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?/.exec(src.slice(start));
  if (!m) throw new QueryError(start, 'bad number');
  const end = start + m[0].length;
  // `12abc` is a typo, not the number 12 followed by a name.
  if (end < src.length && IDENT_PART.test(src[end] as string)) throw new QueryError(start, `bad number "${src.slice(start, end + 1)}"`);
  return { value: hex ? parseInt(m[0].slice(2), 16) : Number(m[0]), end };
}

/** Splits a query into tokens, ending with an `eof` token. Throws {@link QueryError}. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const s = readString(src, i);
      tokens.push({ kind: 'string', text: src.slice(i, s.end), value: s.value, pos: i });
      i = s.end;
    } else if (/[0-9]/.test(c)) {
      const n = readNumber(src, i);
      tokens.push({ kind: 'number', text: src.slice(i, n.end), value: n.value, pos: i });
      i = n.end;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < src.length && IDENT_PART.test(src[j] as string)) j++;
      const text = src.slice(i, j);
      const upper = text.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: 'keyword', text, value: upper, pos: i } : { kind: 'ident', text, value: text, pos: i });
      i = j;
    } else if (PUNCT.includes(c)) {
      tokens.push({ kind: 'punct', text: c, value: c, pos: i });
      i++;
    } else {
      const op = OPERATORS.find((o) => src.startsWith(o, i));
      if (!op) throw new QueryError(i, `unexpected character ${JSON.stringify(c)}`);
      tokens.push({ kind: 'op', text: op, value: op === '<>' ? '!=' : op, pos: i });
      i += op.length;
    }
  }
  tokens.push({ kind: 'eof', text: '', value: '', pos: src.length });
  return tokens;
}
