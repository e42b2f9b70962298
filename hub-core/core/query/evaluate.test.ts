import { describe, expect, it } from 'vitest';
import { resolveJsonPath } from '../twin-doc-json.js';
import type { Expr } from './ast.js';
import { evaluateCondition, evaluateExpression, type PathResolver } from './evaluate.js';
import { parseCondition } from './parser.js';

const doc = {
  s: 'Hello', n: 10, z: 0, neg: -2.5, b: true, nul: null, obj: { k: 1 }, arr: [1, 2], emoji: 'a😀b',
  upper: 'US', lower: 'us', num: '12.5',
};
const resolve: PathResolver = (path) => resolveJsonPath(doc, path);
const holds = (text: string, r: PathResolver = resolve): boolean => evaluateCondition(parseCondition(text), r);
const value = (text: string): unknown => evaluateExpression(parseCondition(text), resolve);

describe('comparisons', () => {
  it.each([
    ['n = 10', true], ['n != 10', false], ['n <> 11', true], ['n > 9.5', true], ['n <= 10', true], ['n < -1', false],
    ["s = 'Hello'", true], ["s = 'hello'", false], ['upper = lower', false], ["'B' < 'a'", true], ["s >= 'H'", true],
    ['b = true', true], ['false < true', true], ['nul = null', true], ['nul <= null', true],
  ])('%s → %s', (text, expected) => {
    expect(holds(text)).toBe(expected);
  });
  it.each([
    "n = '10'", "n != '10'", "s != 1", 'b != 1', 'nul != 1', 'nul = 0', 'missing = 1', 'missing != 1',
    'missing = missing', 'obj = obj', 'arr != arr', 'obj.k.deeper = 1',
  ])('different types, undefined, objects: %s does not hold', (text) => {
    expect(holds(text)).toBe(false);
    expect(value(text)).toBeUndefined();
  });
});

describe('logic is three-valued; only true holds', () => {
  it.each([
    ['n = 10 AND s = \'Hello\'', true], ['n = 10 AND missing = 1', false], ['n = 1 AND missing = 1', false],
    ['n = 10 OR missing = 1', true], ['n = 1 OR missing = 1', false], ['NOT n = 1', true], ['NOT (n = 10)', false],
    ['NOT missing = 1', false], ['NOT (missing = 1 OR n = 1)', false], ['NOT NOT b', true],
  ])('%s → %s', (text, expected) => {
    expect(holds(text)).toBe(expected);
  });
  it('short-circuits and keeps undefined apart from false', () => {
    expect(value('n = 1 AND missing = 1')).toBe(false);
    expect(value('missing = 1 AND n = 10')).toBeUndefined();
    expect(value('missing = 1 OR n = 10')).toBe(true);
  });
  it.each(["'x'", '1', 'nul', 'obj', 'missing', 'b AND 1'])('non-boolean %s does not hold', (text) => {
    expect(holds(text)).toBe(false);
  });
  it('true and a boolean property hold', () => {
    expect(holds('true')).toBe(true);
    expect(holds('b')).toBe(true);
  });
});

describe('arithmetic', () => {
  it.each([
    ['n + 5', 15], ['n - 12', -2], ['n * neg', -25], ['n / 4', 2.5], ['n % 3', 1], ['-n', -10], ['+n', 10],
    ['2 + 3 * 4', 14], ['(2 + 3) * 4', 20], ['n / z', undefined], ['n % z', undefined], ["s + 'x'", undefined],
    ['missing + 1', undefined], ['-s', undefined],
  ])('%s = %s', (text, expected) => {
    expect(value(text)).toBe(expected);
  });
  it('in conditions', () => {
    expect(holds('n * 2 > 15 AND n % 2 = 0')).toBe(true);
  });
});

describe('IN and NIN', () => {
  it.each([
    ["s IN ['a', 'Hello']", true], ["s IN ['hello']", false], ['n IN [1, 10]', true], ["s NIN ['a', 'b']", true],
    ["s NIN ['Hello']", false], ["s NOT IN ('x')", true], ['n IN []', false], ['n NIN []', true],
    ["missing IN ['a']", false], ["missing NIN ['a']", false], ['missing NIN []', false],
    ["n IN ['10']", false], ["n NIN ['10']", false], ['obj IN [1]', false], ['nul IN [null]', true],
  ])('%s → %s', (text, expected) => {
    expect(holds(text)).toBe(expected);
  });
});

describe('functions', () => {
  it.each([
    ['IS_DEFINED(s)', true], ['IS_DEFINED(nul)', true], ['IS_DEFINED(missing)', false], ['IS_DEFINED(obj.k)', true],
    ['IS_NULL(nul)', true], ['IS_NULL(missing)', false], ['IS_BOOL(b)', true], ['IS_BOOL(s)', false],
    ['IS_NUMBER(n)', true], ['IS_NUMBER(num)', false], ['IS_STRING(s)', true], ['IS_OBJECT(obj)', true],
    ['IS_OBJECT(arr)', false], ['IS_ARRAY(arr)', true], ['IS_PRIMITIVE(nul)', true], ['IS_PRIMITIVE(obj)', false],
    ["STARTSWITH(s, 'He')", true], ["STARTSWITH(s, 'he')", false], ["STARTSWITH(s, 'he', true)", true],
    ["ENDSWITH(s, 'llo')", true], ["CONTAINS(s, 'ell')", true], ["CONTAINS(s, 'ELL')", false],
    ['STARTSWITH(n, 1)', false],
  ])('%s → %s', (text, expected) => {
    expect(holds(text)).toBe(expected);
  });
  it.each([
    ['LOWER(s)', 'hello'], ['UPPER(s)', 'HELLO'], ['LENGTH(s)', 5], ['LENGTH(emoji)', 3], ['LENGTH(n)', undefined],
    ["CONCAT(s, ' ', upper)", 'Hello US'], ['CONCAT(s, n)', undefined], ['SUBSTRING(s, 1, 3)', 'ell'],
    ['SUBSTRING(s, 2)', 'llo'], ['SUBSTRING(emoji, 1, 1)', '😀'], ["INDEX_OF(s, 'l')", 2], ["INDEX_OF(emoji, 'b')", 2],
    ["INDEX_OF(s, 'z')", -1], ['ABS(neg)', 2.5], ['CEILING(neg)', -2], ['FLOOR(neg)', -3], ['SIGN(neg)', -1],
    ['SQUARE(n)', 100], ['SQRT(n * 10)', 10], ['POWER(2, n)', 1024], ['EXP(z)', 1], ['SQRT(neg)', undefined],
    ['AS_NUMBER(num)', 12.5], ['AS_NUMBER(n)', 10], ['AS_NUMBER(s)', undefined], ["AS_NUMBER('0x10')", undefined],
    ["LTRIM('  a ')", 'a '], ["RTRIM('  a ')", '  a'], ['ABS(missing)', undefined],
  ])('%s = %j', (text, expected) => {
    expect(value(text)).toBe(expected);
  });
  it('route-style: AS_NUMBER on a string property', () => {
    expect(holds("AS_NUMBER(num) <= 20 AND upper = 'US'")).toBe(true);
  });
});

describe('resolvers', () => {
  it('route conditions over a message: $body, system and application properties', () => {
    const message = {
      body: { Weather: { Temperature: 55 } },
      system: { connectionDeviceId: 'sensor-7', contentType: 'application/json' },
      app: { level: 'critical' },
    };
    const routeResolver: PathResolver = ([head, ...rest]) => {
      if (head === '$body') return resolveJsonPath(message.body, rest);
      if (head?.startsWith('$')) return rest.length ? undefined : (message.system as Record<string, unknown>)[head.slice(1)];
      return rest.length || head === undefined ? undefined : (message.app as Record<string, unknown>)[head];
    };
    expect(holds("$body.Weather.Temperature > 50 AND STARTSWITH($connectionDeviceId, 'sensor-')", routeResolver)).toBe(true);
    expect(holds("level = 'critical' AND $contentType = 'application/json'", routeResolver)).toBe(true);
    expect(holds('$body.Weather.Humidity > 50', routeResolver)).toBe(false);
  });
  it('values a resolver returns that are not JSON read as undefined', () => {
    const odd: PathResolver = ([k]) => ({ f: () => 1, d: new Date(0), nan: Number.NaN, inf: Infinity })[k as 'f'];
    for (const k of ['f', 'd', 'nan', 'inf']) expect(holds(`IS_DEFINED(${k})`, odd)).toBe(false);
  });
  it('inherited members are not properties', () => {
    expect(holds('IS_DEFINED(constructor) OR IS_DEFINED(obj.toString) OR IS_DEFINED(arr.length)')).toBe(false);
  });
  it('hand-made ASTs with an unknown function or an aggregate are programmer errors', () => {
    const bad: Expr = { kind: 'call', pos: 0, name: 'NOPE', args: [] };
    expect(() => evaluateCondition(bad, resolve)).toThrow(TypeError);
    expect(() => evaluateExpression({ kind: 'aggregate', pos: 0, fn: 'COUNT' }, resolve)).toThrow(TypeError);
  });
});
