import { describe, expect, it } from 'vitest';
import { cbsError, detachError, rejectedError, twinError } from './error-map.js';

describe('upstream outcomes as runtime errors', () => {
  it('dead-letters only what the upstream refuses for good', () => {
    expect(rejectedError({ condition: 'amqp:link:message-size-exceeded', description: 'too big' }, 'telemetry')).toMatchObject({ code: 'FH_UPSTREAM_REJECTED', retryable: false });
    expect(rejectedError({ condition: 'com.microsoft:argument-error' }, 'telemetry')).toMatchObject({ code: 'FH_UPSTREAM_REJECTED', retryable: false });
    expect(rejectedError(undefined, 'telemetry')).toMatchObject({ code: 'FH_UPSTREAM_REJECTED', retryable: false });
    for (const condition of ['com.microsoft:device-container-throttled', 'amqp:internal-error', 'amqp:link:detach-forced', 'amqp:resource-limit-exceeded']) {
      expect(rejectedError({ condition }, 'telemetry')).toMatchObject({ code: 'FH_UPSTREAM_OFFLINE', retryable: true });
    }
    expect(rejectedError({ condition: 'amqp:unauthorized-access' }, 'telemetry')).toMatchObject({ code: 'FH_UPSTREAM_AUTH', retryable: true });
  });

  it('maps detaches, put-token statuses and twin statuses', () => {
    expect(detachError({ condition: 'amqp:unauthorized-access' }, 'link')).toMatchObject({ code: 'FH_UPSTREAM_AUTH' });
    expect(detachError({ condition: 'amqp:link:stolen' }, 'link')).toMatchObject({ code: 'FH_UPSTREAM_OFFLINE', retryable: true });
    expect(cbsError(401, 'bad signature', 'h%2Fdevices%2Fd1')).toMatchObject({ code: 'FH_UPSTREAM_AUTH', retryable: true });
    expect(cbsError(401, '', 'h%2Fdevices%2Fd1').message).toContain('h/devices/d1');
    expect(cbsError(500, '', 'a')).toMatchObject({ code: 'FH_UPSTREAM_OFFLINE' });
    expect(twinError(400, { errorCode: 400004, message: 'bad key' }, 'twin PATCH')).toMatchObject({ code: 'FH_UPSTREAM_REJECTED', retryable: false });
    expect(twinError(429, null, 'twin GET')).toMatchObject({ code: 'FH_UPSTREAM_OFFLINE', retryable: true });
    expect(twinError(504, null, 'twin GET')).toMatchObject({ code: 'FH_UPSTREAM_TIMEOUT' });
    expect(twinError(401, null, 'twin GET')).toMatchObject({ code: 'FH_UPSTREAM_AUTH' });
  });
});
