import { describe, expect, it } from 'vitest';
import { HubError } from '../../errors.js';
import { amqpErrorFor, cbsStatusFor, codeOf, twinErrorFor } from './error-map.js';

describe('AMQP error map', () => {
  it('maps codes to the conditions the SDKs translate [contract C]', () => {
    const cond = (code: ConstructorParameters<typeof HubError>[0]): string | undefined => amqpErrorFor(new HubError(code, 'x')).condition;
    expect(cond('FH_AUTH_EXPIRED')).toBe('amqp:unauthorized-access');
    expect(cond('FH_AUTH_SCOPE')).toBe('amqp:unauthorized-access');
    expect(cond('FH_REGISTRY_NOT_FOUND')).toBe('amqp:not-found');
    expect(cond('FH_C2D_QUEUE_FULL')).toBe('amqp:resource-limit-exceeded');
    expect(cond('FH_MSG_TOO_LARGE')).toBe('amqp:link:message-size-exceeded');
    expect(cond('FH_THROTTLED')).toBe('com.microsoft:device-container-throttled');
    expect(cond('FH_TWIN_FORBIDDEN')).toBe('amqp:not-allowed');
    expect(cond('FH_HUB_CLOSED')).toBe('amqp:link:detach-forced');
    expect(cond('FH_SESSION_REPLACED')).toBe('amqp:link:stolen');
    expect(amqpErrorFor(new Error('secret internals'))).toEqual({ condition: 'amqp:internal-error', description: 'internal error' });
  });

  it('builds JSON twin errors with Azure numeric codes', () => {
    const now = new Date('2030-01-01T00:00:00Z');
    const bad = twinErrorFor(new HubError('FH_TWIN_INVALID', 'bad key'), now);
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toMatchObject({ errorCode: 400004, message: 'bad key', timestampUtc: '2030-01-01T00:00:00.000Z' });
    expect(twinErrorFor(new HubError('FH_THROTTLED', 'x')).status).toBe(429);
    const internal = twinErrorFor(new Error('secret'));
    expect(internal.status).toBe(500);
    expect(internal.body).not.toContain('secret');
  });

  it('answers put-tokens with 401 for credential failures only', () => {
    expect(cbsStatusFor(new HubError('FH_AUTH_BAD_SIGNATURE', 'x'))).toBe(401);
    expect(cbsStatusFor(new HubError('FH_AUTH_MALFORMED', 'x'))).toBe(401);
    expect(cbsStatusFor(new HubError('FH_STORE_IO', 'x'))).toBe(500);
    expect(codeOf(new Error('x'))).toBe('FH_INTERNAL');
  });
});
