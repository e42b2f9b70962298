import { describe, expect, it } from 'vitest';
import { isHubError } from '../../errors.js';
import { parseCondition, parseQuery } from './parser.js';
import { QueryError } from './query-error.js';

function failure(fn: () => unknown): QueryError {
  try {
    fn();
  } catch (err) {
    if (err instanceof QueryError) return err;
    throw err;
  }
  throw new Error('expected a QueryError');
}

describe('parseQuery', () => {
  it('SELECT * FROM devices', () => {
    expect(parseQuery('SELECT * FROM devices')).toEqual({ text: 'SELECT * FROM devices', select: '*', from: 'devices', aggregate: false });
  });
  it('keywords in any case; FROM devices.modules; TOP', () => {
    const q = parseQuery('select top 5 * from Devices.Modules where moduleId = "m1"');
    expect(q.from).toBe('devices.modules');
    expect(q.top).toBe(5);
    expect(q.where).toEqual({
      kind: 'binary', pos: 42, op: '=',
      left: { kind: 'path', pos: 42, path: ['moduleId'] },
      right: { kind: 'literal', pos: 53, value: 'm1' },
    });
  });
  it('projections: aliases from AS, the last path segment, or $n', () => {
    const q = parseQuery('SELECT deviceId, properties.reported.temp AS t, tags[\'my-key\'], LENGTH(deviceId) FROM devices');
    expect(q.select !== '*' && q.select.map((s) => s.alias)).toEqual(['deviceId', 't', 'my-key', '$1']);
    expect(q.aggregate).toBe(false);
  });
  it('COUNT() AS alias, and GROUP BY', () => {
    const q = parseQuery('SELECT properties.reported.status AS status, COUNT() AS n FROM devices GROUP BY properties.reported.status');
    expect(q.aggregate).toBe(true);
    expect(q.groupBy).toEqual([{ kind: 'path', pos: 80, path: ['properties', 'reported', 'status'] }]);
    expect(q.select !== '*' && q.select[1]).toEqual({ pos: 45, alias: 'n', expr: { kind: 'aggregate', pos: 45, fn: 'COUNT' } });
  });
  it('precedence: NOT < comparison, AND binds tighter than OR, * before +', () => {
    const c = parseCondition('NOT a = 1 OR b = 2 AND c + 2 * 3 > 4');
    expect(c).toMatchObject({
      kind: 'binary', op: 'OR',
      left: { kind: 'unary', op: 'NOT', operand: { kind: 'binary', op: '=' } },
      right: {
        kind: 'binary', op: 'AND',
        right: { kind: 'binary', op: '>', left: { op: '+', right: { op: '*' } } },
      },
    });
  });
  it('IN, NIN and NOT IN with [ ] or ( ) lists; negative numbers fold', () => {
    expect(parseCondition("x IN ['a', -1]")).toMatchObject({ kind: 'in', negated: false, items: [{ value: 'a' }, { value: -1 }] });
    expect(parseCondition('x NIN [1]')).toMatchObject({ kind: 'in', negated: true });
    expect(parseCondition('x NOT IN (1, 2)')).toMatchObject({ kind: 'in', negated: true, items: [{ value: 1 }, { value: 2 }] });
    expect(parseCondition('x IN []')).toMatchObject({ kind: 'in', items: [] });
  });
  it('functions: case-insensitive, canonical names, STARTS_WITH alias', () => {
    expect(parseCondition('is_defined(tags.x)')).toMatchObject({ kind: 'call', name: 'IS_DEFINED' });
    expect(parseCondition("starts_with(deviceId, 'a')")).toMatchObject({ kind: 'call', name: 'STARTSWITH' });
  });
  it('paths: brackets, indexes, keywords after a dot, $ names', () => {
    expect(parseCondition("tags['a.b'][0].in.$x = 1")).toMatchObject({ left: { kind: 'path', path: ['tags', 'a.b', '0', 'in', '$x'] } });
  });
  it('literals: true, false, null, undefined, hex', () => {
    expect(parseCondition('[TRUE, false, Null, undefined, 0x10]')).toMatchObject({
      kind: 'array', items: [{ value: true }, { value: false }, { value: null }, { value: undefined }, { value: 16 }],
    });
  });
});

describe('errors carry FH_QUERY_INVALID and the 0-based position', () => {
  it.each([
    ['', 0, 'expected SELECT'],
    ['SELECT * devices', 9, 'expected FROM'],
    ['SELECT * FROM things', 14, 'expected devices'],
    ['SELECT * FROM devices.jobs', 22, 'not supported'],
    ['SELECT * FROM devices WHERE', 27, 'expected an expression'],
    ['SELECT * FROM devices WHERE a = ', 32, 'expected an expression'],
    ['SELECT * FROM devices WHERE (a = 1', 34, 'expected ")"'],
    ['SELECT * FROM devices WHERE a = 1 b', 34, 'unexpected "b"'],
    ['SELECT * FROM devices WHERE a = b = c', 34, 'unexpected "="'],
    ['SELECT * FROM devices WHERE FOO(a)', 28, 'unknown function'],
    ['SELECT * FROM devices WHERE IS_DEFINED(a, b)', 28, 'takes 1 argument'],
    ['SELECT * FROM devices WHERE COUNT() > 1', 28, 'only as a SELECT item'],
    ['SELECT * FROM devices WHERE a IN 1', 33, 'expected a list'],
    ['SELECT * FROM devices WHERE a.', 30, 'property name'],
    ['SELECT * FROM devices WHERE a[b]', 30, 'quoted name or an index'],
    ['SELECT TOP x * FROM devices', 11, 'whole number'],
    ['SELECT TOP -1 * FROM devices', 11, 'whole number'],
    ['SELECT a AS 1 FROM devices', 12, 'alias'],
    ['SELECT a, b.a FROM devices', 10, 'duplicate'],
    ['SELECT deviceId, COUNT() FROM devices', 7, 'GROUP BY'],
    ['SELECT * FROM devices GROUP BY tags.x', 22, 'cannot be grouped'],
    ['SELECT SUM() AS s FROM devices', 7, 'one argument'],
    ["SELECT * FROM devices WHERE a = 'x", 32, 'unterminated'],
  ])('%j', (sql, position, text) => {
    const err = failure(() => parseQuery(sql));
    expect(isHubError(err, 'FH_QUERY_INVALID')).toBe(true);
    expect(err.position).toBe(position);
    expect(err.message).toMatch(new RegExp(`^at position ${position}: `));
    expect(err.message).toContain(text);
  });
  it('parseCondition rejects trailing text and deep nesting without blowing the stack', () => {
    expect(failure(() => parseCondition('a = 1)')).position).toBe(5);
    const deep = `${'('.repeat(5000)}a${')'.repeat(5000)}`;
    expect(failure(() => parseCondition(deep)).message).toContain('nested deeper');
    expect(failure(() => parseCondition('NOT '.repeat(1000) + 'a')).code).toBe('FH_QUERY_INVALID');
  });
});
