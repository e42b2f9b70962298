import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Message, SystemProperties } from '../../hub-core/core/types.js';
import { compileMessageCondition, conditionHolds, MessageScope, messageMatches } from './message-condition.js';

const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);

function msg(body: Uint8Array | string, system: SystemProperties = {}, properties: Record<string, string> = {}): Message {
  return { body: typeof body === 'string' ? utf8(body) : body, system, properties };
}

const JSON_SYS: SystemProperties = { contentType: 'application/json', contentEncoding: 'utf-8' };
const weather = JSON.stringify({
  Weather: {
    Temperature: 50, IsEnabled: true, Nothing: null, Location: { State: 'WA' },
    HistoricalData: [{ Month: 'Feb', Temperature: 40 }, { Month: 'Jan', Temperature: 30 }],
  },
});

/** Whether `condition` holds for `message`. */
const holds = (condition: string, message: Message): boolean => messageMatches(compileMessageCondition(condition), message);

afterEach(() => {
  vi.restoreAllMocks();
});

describe('system properties', () => {
  const m = msg('x', {
    messageId: 'mid', correlationId: 'cid', contentType: 'text/plain', contentEncoding: 'utf-8', connectionDeviceId: 'dev1',
    connectionModuleId: 'mod1', outputName: 'out1', enqueuedTime: '2024-01-01T00:00:00.000Z', to: '/devices/x', userId: 'u',
    subject: 'comp', interfaceId: 'dtmi:x;1', expiryTimeUtc: '2030-01-01T00:00:00.000Z',
  });

  it('reads each as $name', () => {
    expect(holds("$messageId = 'mid' AND $correlationId = 'cid'", m)).toBe(true);
    expect(holds("$contentType = 'text/plain' AND $contentEncoding = 'utf-8'", m)).toBe(true);
    expect(holds("$connectionDeviceId = 'dev1' AND $connectionModuleId = 'mod1' AND $outputName = 'out1'", m)).toBe(true);
    expect(holds("$enqueuedTime >= '2024-01-01' AND $to = '/devices/x' AND $userId = 'u'", m)).toBe(true);
    expect(holds("$subject = 'comp' AND $interfaceId = 'dtmi:x;1' AND $expiryTimeUtc > $enqueuedTime", m)).toBe(true);
    expect(holds("$messageId = 'other'", m)).toBe(false);
  });

  it('matches names case-insensitively', () => {
    expect(holds("$CONNECTIONDEVICEID = 'dev1' AND $contenttype = 'text/plain'", m)).toBe(true);
  });

  it('knows the wire spellings with dashes', () => {
    expect(holds("$iothub-connection-device-id = 'dev1' AND $iothub-connection-module-id = 'mod1'", m)).toBe(true);
    expect(holds("$iothub-enqueuedtime = '2024-01-01T00:00:00.000Z' AND $dt-subject = 'comp'", m)).toBe(true);
    expect(holds("$iothub-interface-name = 'dtmi:x;1'", m)).toBe(true);
  });

  it('is undefined when unset: IS_DEFINED and NOT IS_DEFINED', () => {
    const leaf = msg('x', { connectionDeviceId: 'leaf' });
    expect(holds('IS_DEFINED($connectionModuleId)', leaf)).toBe(false);
    expect(holds('NOT IS_DEFINED($connectionModuleId)', leaf)).toBe(true);
    expect(holds("$connectionModuleId = 'x'", leaf)).toBe(false);
    expect(holds("NOT ($connectionModuleId = 'x')", leaf)).toBe(false); // undefined, not true
  });

  it('falls back to an application property spelled with $, and prefers the system property', () => {
    const both = msg('x', { messageId: 'sys' }, { $messageId: 'app', $custom: 'c' });
    expect(holds("$messageId = 'sys'", both)).toBe(true);
    expect(holds("$custom = 'c'", both)).toBe(true);
    expect(holds("$correlationId = 'x'", msg('x', {}, { $correlationId: 'x' }))).toBe(true);
  });
});

describe('application properties', () => {
  const m = msg('x', {}, { processingPath: 'hot', severity: '4', 'a.b': 'dotted', Mixed: 'M', mixed: 'm' });

  it('reads them by bare name, values as strings', () => {
    expect(holds("processingPath = 'hot'", m)).toBe(true);
    expect(holds("processingPath = 'cold'", m)).toBe(false);
    expect(holds('severity = 4', m)).toBe(false); // a string is not the number 4
    expect(holds("severity = '4'", m)).toBe(true);
    expect(holds('AS_NUMBER(severity) > 3', m)).toBe(true);
  });

  it('prefers the exact name, then matches case-insensitively', () => {
    expect(holds("mixed = 'm' AND Mixed = 'M'", m)).toBe(true);
    expect(holds("PROCESSINGPATH = 'hot'", m)).toBe(true);
  });

  it('reads a dotted name as one property, as IoT Edge does', () => {
    expect(holds("a.b = 'dotted'", m)).toBe(true);
  });

  it('reads a dashed name as one property; a subtraction needs spaces (IoT Edge grammar)', () => {
    const dashed = msg('{"max-temp": 40, "a": 5, "b": 2, "v": 0.001}', JSON_SYS, { 'processing-path': 'hot' });
    expect(holds("processing-path = 'hot'", dashed)).toBe(true);
    expect(holds('$body.max-temp = 40', dashed)).toBe(true);
    expect(holds('$body.a - $body.b = 3 AND 10-3 = 7 AND $body.v > 1e-5 AND 0x1F-1 = 30', dashed)).toBe(true);
    expect(holds("'x-y' = 'x-y'", dashed)).toBe(true);
  });

  it('is undefined when missing', () => {
    expect(holds('IS_DEFINED(nope)', m)).toBe(false);
    expect(holds('NOT IS_DEFINED(nope)', m)).toBe(true);
  });
});

describe('$body', () => {
  const m = msg(weather, JSON_SYS);

  it('reads JSON paths, array indexes and leaves', () => {
    expect(holds('$body.Weather.Temperature = 50 AND $body.Weather.IsEnabled', m)).toBe(true);
    expect(holds("$body.Weather.HistoricalData[0].Month = 'Feb'", m)).toBe(true);
    expect(holds('$body.Weather.HistoricalData[1].Temperature < $body.Weather.Temperature', m)).toBe(true);
    expect(holds('length($body.Weather.Location.State) = 2', m)).toBe(true);
    expect(holds('IS_NULL($body.Weather.Nothing)', m)).toBe(true);
    expect(holds('IS_DEFINED($body.Weather.Missing)', m)).toBe(false);
    expect(holds("$body.Weather.Temperature = 50 AND processingPath = 'hot'", msg(weather, JSON_SYS, { processingPath: 'hot' }))).toBe(true);
  });

  it('has no value for the whole body, objects or arrays (leaves only, as IoT Edge)', () => {
    expect(holds('IS_DEFINED($body)', m)).toBe(false);
    expect(holds('IS_DEFINED($body.Weather)', m)).toBe(false);
    expect(holds('IS_DEFINED($body.Weather.HistoricalData)', m)).toBe(false);
    expect(holds("$body[0] = 'a'", msg('["a"]', JSON_SYS))).toBe(false);
  });

  it('does not walk the prototype chain', () => {
    expect(holds('IS_DEFINED($body.constructor) OR IS_DEFINED($body.__proto__) OR IS_DEFINED($body.toString)', m)).toBe(false);
  });

  it('needs contentType application/json and a UTF contentEncoding', () => {
    expect(holds('$body.Weather.Temperature = 50', msg(weather, { contentType: 'application/json' }))).toBe(false);
    expect(holds('$body.Weather.Temperature = 50', msg(weather, { contentEncoding: 'utf-8' }))).toBe(false);
    expect(holds('$body.Weather.Temperature = 50', msg(weather, { contentType: 'text/plain', contentEncoding: 'utf-8' }))).toBe(false);
    expect(holds('$body.Weather.Temperature = 50', msg(weather, { contentType: 'application/json', contentEncoding: 'gzip' }))).toBe(false);
    expect(holds('$body.Weather.Temperature = 50', msg(weather, { contentType: 'Application/JSON; charset=utf-8', contentEncoding: 'UTF-8' }))).toBe(true);
  });

  it('decodes UTF-16 (LE, and BE with a BOM) and UTF-32', () => {
    const text = '{"t":"\u00e9\ud83d\ude00","n":7}';
    const le = Buffer.from(text, 'utf16le');
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(le).swap16()]);
    const cps = Array.from(text, (c) => c.codePointAt(0) as number);
    const u32 = Buffer.alloc(cps.length * 4);
    cps.forEach((cp, i) => u32.writeUInt32LE(cp, i * 4));
    const u32be = Buffer.alloc(4 + cps.length * 4);
    u32be.writeUInt32BE(0xfeff, 0);
    cps.forEach((cp, i) => u32be.writeUInt32BE(cp, 4 + i * 4));
    const cond = "$body.t = '\u00e9\ud83d\ude00' AND $body.n = 7";
    expect(holds(cond, msg(le, { contentType: 'application/json', contentEncoding: 'utf-16' }))).toBe(true);
    expect(holds(cond, msg(be, { contentType: 'application/json', contentEncoding: 'UTF-16' }))).toBe(true);
    expect(holds(cond, msg(u32, { contentType: 'application/json', contentEncoding: 'utf-32' }))).toBe(true);
    expect(holds(cond, msg(u32be, { contentType: 'application/json', contentEncoding: 'utf-32' }))).toBe(true);
  });

  it('is undefined, never an exception, for a body that does not decode or parse', () => {
    expect(holds('IS_DEFINED($body.a)', msg('{"a": 1', JSON_SYS))).toBe(false);
    expect(holds('NOT IS_DEFINED($body.a)', msg('not json at all', JSON_SYS))).toBe(true);
    expect(holds('IS_DEFINED($body.a)', msg(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]), JSON_SYS))).toBe(false);
    expect(holds('IS_DEFINED($body.a)', msg(new Uint8Array([1, 2, 3]), { contentType: 'application/json', contentEncoding: 'utf-16' }))).toBe(false);
    expect(holds('IS_DEFINED($body.a)', msg(new Uint8Array([0, 0, 0x11, 0]), { contentType: 'application/json', contentEncoding: 'utf-32' }))).toBe(false);
  });

  it('parses the body at most once per message, and not at all when no condition reads it', () => {
    const parse = vi.spyOn(JSON, 'parse');
    const cond = compileMessageCondition('$body.Weather.Temperature > 10 AND $body.Weather.IsEnabled AND LENGTH($body.Weather.Location.State) = 2');
    const other = compileMessageCondition("$connectionDeviceId = 'd'");
    const scope = new MessageScope().reset(m);
    expect(conditionHolds(cond, scope)).toBe(true);
    expect(conditionHolds(cond, scope)).toBe(true);
    expect(parse).toHaveBeenCalledTimes(1);
    scope.reset(msg('{"Weather":{"Temperature":1}}', JSON_SYS));
    expect(conditionHolds(other, scope)).toBe(false);
    expect(parse).toHaveBeenCalledTimes(1);
    expect(conditionHolds(cond, scope)).toBe(false);
    expect(parse).toHaveBeenCalledTimes(2);
  });

  it('is undefined for a scope released with reset(undefined)', () => {
    const scope = new MessageScope(m).reset(undefined);
    expect(conditionHolds(compileMessageCondition('NOT IS_DEFINED($body.Weather.Temperature)'), scope)).toBe(true);
  });
});

describe('functions and logic', () => {
  const m = msg('{"v": -2.5, "s": "Hello", "b": false}', JSON_SYS, { name: 'sensor-42' });

  it('has the string functions of the routing language', () => {
    expect(holds("STARTS_WITH(name, 'sensor-') AND ENDS_WITH(name, '42') AND CONTAINS(name, 'or-4')", m)).toBe(true);
    expect(holds("STARTSWITH(name, 'SENSOR', true) AND NOT STARTSWITH(name, 'SENSOR')", m)).toBe(true);
    expect(holds("LOWER($body.s) = 'hello' AND UPPER($body.s) = 'HELLO' AND LENGTH(name) = 9", m)).toBe(true);
    expect(holds("SUBSTRING(name, 7) = '42' AND SUBSTRING(name, 0, 6) = 'sensor' AND INDEX_OF(name, '-') = 6", m)).toBe(true);
    expect(holds("CONCAT(name, '/', $body.s) = 'sensor-42/Hello'", m)).toBe(true);
  });

  it('has the type checks and math functions', () => {
    expect(holds('IS_STRING($body.s) AND IS_NUMBER($body.v) AND IS_BOOL($body.b) AND NOT IS_NUMBER($body.s)', m)).toBe(true);
    expect(holds('ABS($body.v) = 2.5 AND CEILING($body.v) = -2 AND FLOOR($body.v) = -3', m)).toBe(true);
    expect(holds('$body.v * 2 + 5 = 0', m)).toBe(true);
  });

  it('combines with AND, OR, NOT and parentheses, three-valued', () => {
    expect(holds("name = 'x' OR $body.b = false", m)).toBe(true);
    expect(holds("NOT (name = 'x') AND ($body.v < 0 OR missing = 1)", m)).toBe(true);
    expect(holds('missing = 1 OR missing2 = 2', m)).toBe(false);
    expect(holds('NOT (missing = 1)', m)).toBe(false);
    expect(holds("name IN ['a', 'sensor-42']", m)).toBe(true);
  });

  it('holds only for boolean true', () => {
    expect(holds('$body.s', m)).toBe(false);
    expect(holds('$body.v', m)).toBe(false);
    expect(holds('true', m)).toBe(true);
  });
});
