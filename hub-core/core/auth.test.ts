import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { BUILT_IN_POLICIES } from './auth.js';
import { deviceResourceUri, encodeUriComponentStrict, signSas } from './sas.js';
import { codeOf, codeOfSync, createTestHub, identityToken, policyToken, TEST_HOST } from './test-kit.js';
import type { Permission, Principal } from './types.js';

async function hubWithDevice() {
  const t = await createTestHub();
  const device = await t.hub.registry.createDevice({ deviceId: 'dev1' });
  const keys = device.authentication.symmetricKey!;
  return { ...t, primary: keys.primaryKey!, secondary: keys.secondaryKey! };
}

describe('auth: policies', () => {
  it('creates the built-in policies with keys on first start and keeps them across restarts', async () => {
    const { hub, store, clock } = await createTestHub();
    const policies = hub.auth.policies();
    expect(policies.map((p) => p.keyName)).toEqual(BUILT_IN_POLICIES.map((p) => p.keyName));
    expect(policies.find((p) => p.keyName === 'iothubowner')?.rights).toEqual(['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect']);
    expect(policies.every((p) => p.primaryKey.length === 44 && p.secondaryKey !== p.primaryKey)).toBe(true);
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect(again.hub.auth.policies()).toEqual(policies);
  });
});

describe('auth: verifySas', () => {
  it('accepts a device token signed with the primary or the secondary key', async () => {
    const { hub, clock, primary, secondary } = await hubWithDevice();
    const p1 = await hub.auth.verifySas(identityToken(clock, primary, 'dev1'));
    expect(p1).toEqual({ kind: 'device', deviceId: 'dev1', authType: 'sas', expiresAt: (Math.floor(clock.now() / 1000) + 3600) * 1000 });
    const p2 = await hub.auth.verifySas(identityToken(clock, secondary, 'dev1'));
    expect(p2.kind).toBe('device');
  });

  it('accepts a module token as the module, not the device', async () => {
    const { hub, clock } = await hubWithDevice();
    const m = await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const p = await hub.auth.verifySas(identityToken(clock, m.authentication.symmetricKey!.primaryKey!, 'dev1', 'm1'));
    expect(p).toMatchObject({ kind: 'device', deviceId: 'dev1', moduleId: 'm1' });
  });

  it('rejects a wrong key, an expired token, an unknown device and a malformed token', async () => {
    const { hub, clock, primary } = await hubWithDevice();
    const other = Buffer.alloc(32, 1).toString('base64');
    expect(await codeOf(hub.auth.verifySas(identityToken(clock, other, 'dev1')))).toBe('FH_AUTH_BAD_SIGNATURE');
    const expired = signSas(deviceResourceUri(TEST_HOST, 'dev1'), primary, Math.floor(clock.now() / 1000) - 1);
    expect(await codeOf(hub.auth.verifySas(expired))).toBe('FH_AUTH_EXPIRED');
    expect(await codeOf(hub.auth.verifySas(identityToken(clock, primary, 'ghost')))).toBe('FH_AUTH_UNKNOWN_IDENTITY');
    expect(await codeOf(hub.auth.verifySas('Bearer abc'))).toBe('FH_AUTH_MALFORMED');
    // A device key does not open the device's module.
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    expect(await codeOf(hub.auth.verifySas(identityToken(clock, primary, 'dev1', 'm1')))).toBe('FH_AUTH_BAD_SIGNATURE');
  });

  it('rejects a disabled device and an X.509 device presenting a token', async () => {
    const { hub, clock, primary } = await hubWithDevice();
    await hub.registry.updateDevice({ deviceId: 'dev1', status: 'disabled' });
    expect(await codeOf(hub.auth.verifySas(identityToken(clock, primary, 'dev1')))).toBe('FH_AUTH_DISABLED');
    await hub.registry.createDevice({ deviceId: 'x509', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: 'A'.repeat(40), secondaryThumbprint: null } } });
    expect(await codeOf(hub.auth.verifySas(identityToken(clock, primary, 'x509')))).toBe('FH_AUTH_WRONG_METHOD');
  });

  it('rejects a token for another hub (FH_AUTH_SCOPE) and accepts the host in any case', async () => {
    const { hub, clock, primary } = await hubWithDevice();
    const se = Math.floor(clock.now() / 1000) + 60;
    expect(await codeOf(hub.auth.verifySas(signSas('otherhub.example.net/devices/dev1', primary, se)))).toBe('FH_AUTH_SCOPE');
    const upper = await hub.auth.verifySas(signSas(`${TEST_HOST.toUpperCase()}/devices/dev1`, primary, se));
    expect(upper.kind).toBe('device');
  });

  it('accepts a token signed over the lowercased sr (clients that lowercase %2F)', async () => {
    const { hub, clock, primary } = await hubWithDevice();
    const se = Math.floor(clock.now() / 1000) + 60;
    const sr = encodeUriComponentStrict(deviceResourceUri(TEST_HOST, 'dev1'));
    const sig = createHmac('sha256', Buffer.from(primary, 'base64')).update(`${sr.toLowerCase()}\n${se}`).digest('base64');
    const token = `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${se}`;
    expect((await hub.auth.verifySas(token)).kind).toBe('device');
  });

  it('accepts policy tokens: principal with rights and scope; unknown policy and wrong key refused', async () => {
    const { hub, clock } = await createTestHub();
    const owner = hub.auth.policy('iothubowner')!;
    const p = await hub.auth.verifySas(policyToken(clock, 'iothubowner', owner.primaryKey));
    expect(p).toMatchObject({ kind: 'policy', keyName: 'iothubowner', scope: '', rights: owner.rights });
    const scoped = await hub.auth.verifySas(policyToken(clock, 'device', hub.auth.policy('device')!.secondaryKey, `${TEST_HOST}/devices`));
    expect(scoped).toMatchObject({ kind: 'policy', keyName: 'device', scope: '/devices' });
    expect(await codeOf(hub.auth.verifySas(policyToken(clock, 'nobody', owner.primaryKey)))).toBe('FH_AUTH_UNKNOWN_IDENTITY');
    expect(await codeOf(hub.auth.verifySas(policyToken(clock, 'service', owner.primaryKey)))).toBe('FH_AUTH_BAD_SIGNATURE');
  });
});

describe('auth: verifyX509', () => {
  it('matches a selfSigned thumbprint case-insensitively; refuses others', async () => {
    const { hub } = await createTestHub();
    const sha1 = 'ab'.repeat(20);
    const sha256 = 'cd'.repeat(32);
    await hub.registry.createDevice({ deviceId: 'x', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: sha256.toUpperCase() } } });
    expect(await hub.auth.verifyX509({ deviceId: 'x' }, { sha1, sha256 })).toEqual({ kind: 'device', deviceId: 'x', authType: 'selfSigned' });
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'x' }, { sha1, sha256: 'ef'.repeat(32) }))).toBe('FH_AUTH_BAD_SIGNATURE');
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'none' }, { sha1, sha256 }))).toBe('FH_AUTH_UNKNOWN_IDENTITY');
    await hub.registry.createDevice({ deviceId: 'sas' });
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'sas' }, { sha1, sha256 }))).toBe('FH_AUTH_WRONG_METHOD');
    await hub.registry.updateDevice({ deviceId: 'x', status: 'disabled' });
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'x' }, { sha1, sha256 }))).toBe('FH_AUTH_DISABLED');
  });

  it('accepts a certificateAuthority identity only with a verified chain and its own subject CN', async () => {
    const { hub } = await createTestHub();
    const prints = { sha1: 'ab'.repeat(20), sha256: 'cd'.repeat(32) };
    await hub.registry.createDevice({ deviceId: 'ca-dev', authentication: { type: 'certificateAuthority' } });
    const ok = await hub.auth.verifyX509({ deviceId: 'ca-dev' }, prints, { chainVerified: true, subjectCn: 'ca-dev' });
    expect(ok).toEqual({ kind: 'device', deviceId: 'ca-dev', authType: 'certificateAuthority' });
    // No certificate information (a head that skipped the check), an unverified chain, another CN.
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'ca-dev' }, prints))).toBe('FH_AUTH_BAD_SIGNATURE');
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'ca-dev' }, prints, { chainVerified: false, subjectCn: 'ca-dev' }))).toBe('FH_AUTH_BAD_SIGNATURE');
    expect(await codeOf(hub.auth.verifyX509({ deviceId: 'ca-dev' }, prints, { chainVerified: true, subjectCn: 'other' }))).toBe('FH_AUTH_BAD_SIGNATURE');
  });
});

describe('auth: authorize', () => {
  const future = Date.UTC(2030, 0, 1);
  const policy = (rights: Permission[], scope = ''): Principal =>
    ({ kind: 'policy', keyName: 'p', rights, scope, expiresAt: future });

  it('policies need the right and a covering scope (segment prefix)', async () => {
    const { hub } = await createTestHub();
    const { auth } = hub;
    expect(() => auth.authorize(policy(['RegistryRead']), 'RegistryRead', '/devices')).not.toThrow();
    expect(codeOfSync(() => auth.authorize(policy(['RegistryRead']), 'RegistryWrite', '/devices'))).toBe('FH_AUTH_PERMISSION');
    const scoped = policy(['DeviceConnect'], '/devices/ab');
    expect(() => auth.authorize(scoped, 'DeviceConnect', '/devices/ab/messages/events')).not.toThrow();
    expect(codeOfSync(() => auth.authorize(scoped, 'DeviceConnect', '/devices/abc'))).toBe('FH_AUTH_SCOPE');
    expect(codeOfSync(() => auth.authorize({ ...scoped, expiresAt: 1 }, 'DeviceConnect', '/devices/ab'))).toBe('FH_AUTH_EXPIRED');
  });

  it('device principals act only on themselves with DeviceConnect; a device does not cover its modules', async () => {
    const { hub } = await createTestHub();
    const { auth } = hub;
    const dev: Principal = { kind: 'device', deviceId: 'd1', authType: 'sas', expiresAt: future };
    const mod: Principal = { kind: 'device', deviceId: 'd1', moduleId: 'm1', authType: 'sas', expiresAt: future };
    expect(() => auth.authorize(dev, 'DeviceConnect', '/devices/d1/messages/events')).not.toThrow();
    expect(codeOfSync(() => auth.authorize(dev, 'DeviceConnect', '/devices/d2'))).toBe('FH_AUTH_SCOPE');
    expect(codeOfSync(() => auth.authorize(dev, 'DeviceConnect', '/devices/d1/modules/m1'))).toBe('FH_AUTH_SCOPE');
    expect(codeOfSync(() => auth.authorize(dev, 'ServiceConnect', '/devices/d1'))).toBe('FH_AUTH_PERMISSION');
    expect(() => auth.authorize(mod, 'DeviceConnect', '/devices/d1/modules/m1/messages/events')).not.toThrow();
    expect(codeOfSync(() => auth.authorize(mod, 'DeviceConnect', '/devices/d1'))).toBe('FH_AUTH_SCOPE');
    expect(codeOfSync(() => auth.authorize(mod, 'DeviceConnect', '/devices/d1/modules/m2'))).toBe('FH_AUTH_SCOPE');
  });
});
