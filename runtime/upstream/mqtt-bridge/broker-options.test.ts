import { describe, expect, it } from 'vitest';
import { isRuntimeError } from '../../errors.js';
import { brokerClientOptions, isAuthRefusal, redactUrl } from './broker-options.js';

describe('broker options', () => {
  it('defaults to MQTT 3.1.1 with bounded handshake and keepalive, TLS always verified', () => {
    expect(brokerClientOptions({ url: 'mqtt://127.0.0.1:1883' }, 'x')).toEqual({
      protocolVersion: 4, connectTimeout: 10_000, keepalive: 30, rejectUnauthorized: true,
    });
    expect(brokerClientOptions({ url: 'mqtts://b:8883', protocolVersion: 5, username: 'u', password: 'p', connectTimeoutMs: 500 }, 'x'))
      .toMatchObject({ protocolVersion: 5, connectTimeout: 500, username: 'u', password: 'p' });
  });

  it('refuses a bad url, version, number or CA file with FH_CONFIG_INVALID naming the option, never echoing the url', () => {
    const cases: [object, RegExp][] = [
      [{ url: 'not a url :pass@' }, /^sinks\.s: url is not a valid URL/],
      [{ url: 'ws://h:1' }, /mqtt:\/\/ or mqtts:\/\//],
      [{ url: 'mqtt://h', protocolVersion: 3 }, /protocolVersion/],
      [{ url: 'mqtt://h', ackTimeoutMs: 0 }, /ackTimeoutMs/],
      [{ url: 'mqtt://h', caFile: '/nonexistent/ca.pem' }, /caFile \/nonexistent\/ca\.pem cannot be read/],
    ];
    for (const [options, message] of cases) {
      let caught: unknown;
      try {
        brokerClientOptions(options as never, 'sinks.s');
      } catch (err) {
        caught = err;
      }
      expect(isRuntimeError(caught, 'FH_CONFIG_INVALID'), JSON.stringify(options)).toBe(true);
      expect((caught as Error).message).toMatch(message);
      expect((caught as Error).message).not.toContain(':pass@');
    }
  });

  it('drops credentials from a url before it is logged', () => {
    expect(redactUrl('mqtts://gw:s3cret@broker.example:8883')).toBe('mqtts://broker.example:8883');
    expect(redactUrl('::')).toBe('(invalid url)');
  });

  it('recognises refused logins (3.1.1 codes 4 and 5, MQTT 5 codes 134 and 135)', () => {
    const err = (code: unknown) => Object.assign(new Error('refused'), { code });
    expect([4, 5, 134, 135].every((c) => isAuthRefusal(err(c)))).toBe(true);
    expect(isAuthRefusal(err('ECONNREFUSED'))).toBe(false);
    expect(isAuthRefusal(undefined)).toBe(false);
  });
});
