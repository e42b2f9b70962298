/**
 * Method payloads and command templates to bytes, and what is refused (FH_SERIAL_WRITE_INVALID).
 */
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../runtime/modules/api.js';
import type { CommandConfig } from './config.js';
import { commandRequest, placeholders, writeRequest } from './writes.js';

const CRLF = Buffer.from('\r\n');
const hex = (b: Buffer): string => b.toString('hex');

describe('writeRequest', () => {
  it('encodes utf8, hex (whitespace allowed) and base64, with the delimiter appended on request', () => {
    expect(hex(writeRequest({ data: 'AT' }, CRLF).bytes)).toBe('4154');
    expect(hex(writeRequest({ data: 'AT', appendDelimiter: true }, CRLF).bytes)).toBe('41540d0a');
    expect(hex(writeRequest({ data: '00 ff 0A\n0d', encoding: 'hex' }, undefined).bytes)).toBe('00ff0a0d');
    expect(hex(writeRequest({ data: 'AP8KDQ==', encoding: 'base64' }, undefined).bytes)).toBe('00ff0a0d');
    expect(writeRequest({ data: 'x', replyTimeoutMs: 500 }, undefined).replyTimeoutMs).toBe(500);
  });

  it('refuses bad payloads before writing anything', () => {
    const bad: unknown[] = [
      'text', null, { data: 1 }, { data: 'x', encoding: 'ascii85' }, { data: 'abc', encoding: 'hex' }, { data: 'zz', encoding: 'hex' },
      { data: 'A*==', encoding: 'base64' }, { data: '' }, { data: 'x', appendDelimiter: 'yes' }, { data: 'x', replyTimeoutMs: 0 },
      { data: 'x', extra: 1 }, { data: 'x'.repeat(70_000) },
    ];
    for (const payload of bad) expect(() => writeRequest(payload as never, CRLF), JSON.stringify(payload)?.slice(0, 40)).toThrow(expect.objectContaining({ code: 'FH_SERIAL_WRITE_INVALID' }));
    expect(() => writeRequest({ data: 'x', appendDelimiter: true }, undefined)).toThrow(expect.objectContaining({ code: 'FH_SERIAL_WRITE_INVALID' }));
  });
});

describe('commandRequest', () => {
  const setpoint: CommandConfig = { data: 'SET ${channel} ${value}', encoding: 'utf8', appendDelimiter: true, replyTimeoutMs: 200 };

  it('fills placeholders from the payload', () => {
    expect(placeholders(setpoint.data)).toEqual(['channel', 'value']);
    const r = commandRequest('setpoint', setpoint, { channel: 2, value: 21.5 }, CRLF);
    expect(r.bytes.toString()).toBe('SET 2 21.5\r\n');
    expect(r.replyTimeoutMs).toBe(200);
    expect(commandRequest('reset', { data: 'RST', encoding: 'utf8', appendDelimiter: false }, null, CRLF).bytes.toString()).toBe('RST');
    expect(hex(commandRequest('raw', { data: 'aa55${b}', encoding: 'hex', appendDelimiter: false }, { b: '01' }, undefined).bytes)).toBe('aa5501');
  });

  it('refuses missing or non-scalar parameters and hex that the substitution broke', () => {
    for (const payload of [{}, { channel: 1 }, { channel: 1, value: { x: 1 } }, [1]] as JsonValue[]) {
      expect(() => commandRequest('setpoint', setpoint, payload, CRLF)).toThrow(expect.objectContaining({ code: 'FH_SERIAL_WRITE_INVALID' }));
    }
    expect(() => commandRequest('raw', { data: 'aa${b}', encoding: 'hex', appendDelimiter: false }, { b: 'xyz' }, undefined)).toThrow(expect.objectContaining({ code: 'FH_SERIAL_WRITE_INVALID' }));
  });
});
