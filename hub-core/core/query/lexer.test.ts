import { describe, expect, it } from 'vitest';
import { tokenize } from './lexer.js';
import { QueryError } from './query-error.js';

function errorOf(src: string): QueryError {
  try {
    tokenize(src);
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error(`expected ${src} to fail`);
}

describe('tokenize', () => {
  it('splits a query into keywords, names, operators and literals with positions', () => {
    const toks = tokenize("select * FROM devices WHERE tags.x <> 'a b'");
    expect(toks.map((t) => [t.kind, t.value, t.pos])).toEqual([
      ['keyword', 'SELECT', 0], ['op', '*', 7], ['keyword', 'FROM', 9], ['ident', 'devices', 14],
      ['keyword', 'WHERE', 22], ['ident', 'tags', 28], ['punct', '.', 32], ['ident', 'x', 33],
      ['op', '!=', 35], ['string', 'a b', 38], ['eof', '', 43],
    ]);
  });
  it('identifiers may hold $ and unicode letters', () => {
    expect(tokenize('$body.temp $connectionDeviceId température').filter((t) => t.kind === 'ident').map((t) => t.value))
      .toEqual(['$body', 'temp', '$connectionDeviceId', 'température']);
  });
  it('numbers: integers, fractions, exponents, hex', () => {
    expect(tokenize('12 3.5 1e3 2.5E-2 0x1F').filter((t) => t.kind === 'number').map((t) => t.value)).toEqual([12, 3.5, 1000, 0.025, 31]);
  });
  it('strings: both quotes and every escape', () => {
    const [t] = tokenize(String.raw`'it\'s \"q\" \\ \/ \n\t\u00e9'`);
    expect(t?.value).toBe('it\'s "q" \\ / \n\té');
    expect(tokenize(`"say 'hi'"`)[0]?.value).toBe("say 'hi'");
  });
  it('two-character operators win over one-character ones', () => {
    expect(tokenize('a<=b>=c!=d<>e<f').filter((t) => t.kind === 'op').map((t) => t.value)).toEqual(['<=', '>=', '!=', '!=', '<']);
  });
  it.each([
    ["'open", 0, 'unterminated'],
    ["a = 'x\\qy'", 6, 'unknown escape'],
    ["a = '\\u12G4'", 5, '\\u'],
    ['a = 12abc', 4, 'bad number'],
    ['a # b', 2, 'unexpected character'],
    ['a = b;', 5, 'unexpected character'],
  ])('%s fails at position %i', (src, pos, text) => {
    const err = errorOf(src);
    expect(err.code).toBe('FH_QUERY_INVALID');
    expect(err.position).toBe(pos);
    expect(err.message).toContain(`at position ${pos}: `);
    expect(err.message).toContain(text);
  });
});
