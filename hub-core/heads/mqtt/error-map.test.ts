import { describe, expect, it } from 'vitest';
import { HubError } from '../../errors.js';
import { ConnackCode, codeOf, connackCodeFor, twinErrorFor } from './error-map.js';

describe('error-map', () => {
  it('maps auth failures to CONNACK 5, unreadable credentials to 4, the rest to 3', () => {
    expect(connackCodeFor(new HubError('FH_AUTH_BAD_SIGNATURE', 'x'))).toBe(ConnackCode.notAuthorized);
    expect(connackCodeFor(new HubError('FH_AUTH_EXPIRED', 'x'))).toBe(ConnackCode.notAuthorized);
    expect(connackCodeFor(new HubError('FH_AUTH_DISABLED', 'x'))).toBe(ConnackCode.notAuthorized);
    expect(connackCodeFor(new HubError('FH_AUTH_UNKNOWN_IDENTITY', 'x'))).toBe(ConnackCode.notAuthorized);
    expect(connackCodeFor(new HubError('FH_AUTH_MALFORMED', 'x'))).toBe(ConnackCode.badUsernameOrPassword);
    expect(connackCodeFor(new HubError('FH_AUTH_MISSING', 'x'))).toBe(ConnackCode.badUsernameOrPassword);
    expect(connackCodeFor(new HubError('FH_STORE_IO', 'x'))).toBe(ConnackCode.serverUnavailable);
    expect(connackCodeFor(new Error('boom'))).toBe(ConnackCode.serverUnavailable);
  });

  it('builds JSON twin error bodies with Azure numeric codes', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const bad = twinErrorFor(new HubError('FH_TWIN_INVALID', 'bad key'), now);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ errorCode: 400004, message: 'bad key', timestampUtc: '2030-01-01T00:00:00.000Z' });
    expect(JSON.parse(bad.body).trackingId).toMatch(/^[0-9a-f-]{36}$/);
    expect(twinErrorFor(new HubError('FH_THROTTLED', 'x')).status).toBe(429);
    const internal = twinErrorFor(new Error('secret internals'));
    expect(internal.status).toBe(500);
    expect(JSON.parse(internal.body)).toMatchObject({ errorCode: 500001 });
    expect(internal.body).not.toContain('secret');
  });

  it('reports codes for logs', () => {
    expect(codeOf(new HubError('FH_THROTTLED', 'x'))).toBe('FH_THROTTLED');
    expect(codeOf(new Error('x'))).toBe('FH_INTERNAL');
  });
});
