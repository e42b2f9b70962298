import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSasToken, verifySasSignature } from '../../../hub-core/core/sas.js';
import { isRuntimeError } from '../../errors.js';
import { identityResource, identityToken } from './tokens.js';

const key = randomBytes(32).toString('base64');
const NOW = Date.UTC(2030, 0, 1);

describe('identity tokens', () => {
  it('signs a device token with a policy key: own audience, skn, expiry ttl from now', async () => {
    const t = await identityToken({ kind: 'policy', keyName: 'device', key }, 'hub.example', { deviceId: 'd 1' }, 3600, NOW);
    const parsed = parseSasToken(t.token);
    expect(parsed.srDecoded).toBe('hub.example/devices/d 1');
    expect(parsed.skn).toBe('device');
    expect(parsed.se).toBe(NOW / 1000 + 3600);
    expect(verifySasSignature(parsed, key)).toBe(true);
    expect(t.audience).toBe(parsed.sr);
    expect(t.expiresAtMs).toBe(NOW + 3_600_000);
  });

  it('signs a module token with the module own key and no skn', async () => {
    const t = await identityToken({ kind: 'deviceKeys', keyFor: async () => key }, 'hub.example', { deviceId: 'd1', moduleId: 'm1' }, 60, NOW);
    const parsed = parseSasToken(t.token);
    expect(parsed.srDecoded).toBe('hub.example/devices/d1/modules/m1');
    expect(parsed.skn).toBeUndefined();
    expect(verifySasSignature(parsed, key)).toBe(true);
    expect(identityResource('h', { deviceId: 'd1', moduleId: 'm1' })).toBe('h/devices/d1/modules/m1');
  });

  it('turns a missing key into a retryable FH_UPSTREAM_AUTH without the key in the message', async () => {
    const err = await identityToken({ kind: 'deviceKeys', keyFor: async () => { throw new Error('vault locked'); } }, 'h', { deviceId: 'd1' }, 60).catch((e: unknown) => e);
    expect(isRuntimeError(err, 'FH_UPSTREAM_AUTH') && err.retryable).toBe(true);
    const empty = await identityToken({ kind: 'deviceKeys', keyFor: async () => '' }, 'h', { deviceId: 'd1' }, 60).catch((e: unknown) => e);
    expect(isRuntimeError(empty, 'FH_UPSTREAM_AUTH')).toBe(true);
  });
});
