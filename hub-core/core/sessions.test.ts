import { describe, expect, it } from 'vitest';
import { NEVER } from './presence.js';
import { codeOf, codeOfSync, createTestHub, identityToken, policyToken, RecordingProxy, TEST_HOST } from './test-kit.js';
import type { IdentityRef, Principal } from './types.js';

const dev1: Principal = { kind: 'device', deviceId: 'dev1', authType: 'sas' };

async function setup() {
  const t = await createTestHub();
  const device = await t.hub.registry.createDevice({ deviceId: 'dev1' });
  const events: string[] = [];
  t.hub.on('deviceConnected', (ref: IdentityRef, protocol: string) => events.push(`+${ref.deviceId}:${protocol}`));
  t.hub.on('deviceDisconnected', (ref: IdentityRef, protocol: string) => events.push(`-${ref.deviceId}:${protocol}`));
  return { ...t, key: device.authentication.symmetricKey!.primaryKey!, events };
}

describe('sessions: connect', () => {
  it('connects a device with its own principal, emits events and tracks connection state', async () => {
    const { hub, clock, events } = await setup();
    const session = await hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy('amqp'));
    expect(session.active).toBe(true);
    expect(session.identity).toEqual({ deviceId: 'dev1' });
    const device = await hub.registry.getDevice('dev1');
    expect(device.connectionState).toBe('Connected');
    expect(device.lastActivityTime).toBe(new Date(clock.now()).toISOString());
    await clock.advance(5000);
    session.disconnect();
    session.disconnect(); // idempotent
    const after = await hub.registry.getDevice('dev1');
    expect(after.connectionState).toBe('Disconnected');
    expect(after.connectionStateUpdatedTime).toBe(new Date(clock.now()).toISOString());
    expect(events).toEqual(['+dev1:amqp', '-dev1:amqp']);
    expect(hub.registry.connectedCount()).toBe(0);
  });

  it('refuses another identity\u2019s principal, unknown and disabled identities', async () => {
    const { hub } = await setup();
    await hub.registry.createDevice({ deviceId: 'dev2' });
    expect(await codeOf(hub.connect({ deviceId: 'dev2' }, dev1, new RecordingProxy()))).toBe('FH_AUTH_SCOPE');
    expect(await codeOf(hub.connect({ deviceId: 'dev1', moduleId: 'm' }, dev1, new RecordingProxy()))).toBe('FH_AUTH_SCOPE');
    const ghost: Principal = { kind: 'device', deviceId: 'ghost', authType: 'sas' };
    expect(await codeOf(hub.connect({ deviceId: 'ghost' }, ghost, new RecordingProxy()))).toBe('FH_AUTH_UNKNOWN_IDENTITY');
    await hub.registry.updateDevice({ deviceId: 'dev1', status: 'disabled' });
    expect(await codeOf(hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy()))).toBe('FH_AUTH_DISABLED');
  });

  it('accepts a DeviceConnect policy covering the device (gateway pattern), refuses a service policy', async () => {
    const { hub, clock } = await setup();
    const gateway = await hub.auth.verifySas(policyToken(clock, 'device', hub.auth.policy('device')!.primaryKey, `${TEST_HOST}/devices`));
    const session = await hub.connect({ deviceId: 'dev1' }, gateway, new RecordingProxy());
    expect(session.active).toBe(true);
    const service = await hub.auth.verifySas(policyToken(clock, 'service', hub.auth.policy('service')!.primaryKey));
    expect(await codeOf(hub.connect({ deviceId: 'dev1' }, service, new RecordingProxy()))).toBe('FH_AUTH_PERMISSION');
  });

  it('a newer connection replaces the older one (FH_SESSION_REPLACED)', async () => {
    const { hub, events } = await setup();
    const first = new RecordingProxy();
    const second = new RecordingProxy();
    const s1 = await hub.connect({ deviceId: 'dev1' }, dev1, first);
    const s2 = await hub.connect({ deviceId: 'dev1' }, dev1, second);
    expect(first.closes.map((e) => e.code)).toEqual(['FH_SESSION_REPLACED']);
    expect(s1.active).toBe(false);
    expect(s2.active).toBe(true);
    expect(second.closes).toEqual([]);
    expect((await hub.registry.getDevice('dev1')).connectionState).toBe('Connected');
    expect(events).toEqual(['+dev1:mqtt', '-dev1:mqtt', '+dev1:mqtt']);
    // The old session's late disconnect does not touch the new one.
    s1.disconnect();
    expect(s2.active).toBe(true);
    expect(hub.registry.connectedCount()).toBe(1);
  });
});

describe('sessions: token expiry', () => {
  it('closes the session with FH_AUTH_EXPIRED when the token expires', async () => {
    const { hub, clock, key } = await setup();
    const principal = await hub.auth.verifySas(identityToken(clock, key, 'dev1', undefined, 60));
    const proxy = new RecordingProxy();
    const session = await hub.connect({ deviceId: 'dev1' }, principal, proxy);
    await clock.advance(59_000);
    expect(session.active).toBe(true);
    await clock.advance(1000);
    expect(session.active).toBe(false);
    expect(proxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_EXPIRED']);
    expect((await hub.registry.getDevice('dev1')).lastActivityTime).not.toBe(NEVER);
  });

  it('renew() moves the expiry; a renewal for another identity is refused and changes nothing', async () => {
    const { hub, clock, key } = await setup();
    const session = await hub.connect({ deviceId: 'dev1' }, await hub.auth.verifySas(identityToken(clock, key, 'dev1', undefined, 60)), new RecordingProxy());
    await clock.advance(30_000);
    session.renew(await hub.auth.verifySas(identityToken(clock, key, 'dev1', undefined, 120)));
    const other = await hub.registry.createDevice({ deviceId: 'dev2' });
    const foreign = await hub.auth.verifySas(identityToken(clock, other.authentication.symmetricKey!.primaryKey!, 'dev2', undefined, 9999));
    expect(codeOfSync(() => session.renew(foreign))).toBe('FH_AUTH_SCOPE');
    await clock.advance(60_000);
    expect(session.active).toBe(true);
    await clock.advance(60_000);
    expect(session.active).toBe(false);
    expect(codeOfSync(() => session.renew(dev1))).toBe('FH_SESSION_CLOSED');
  });

  it('an X.509 principal (no expiry) is never expired by the core', async () => {
    const { hub, clock } = await setup();
    const session = await hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy());
    await clock.advance(2 * 24 * 3600 * 1000);
    expect(session.active).toBe(true);
  });
});

describe('sessions: events', () => {
  it('off() removes a listener', async () => {
    const { hub } = await setup();
    const seen: string[] = [];
    const listener = (ref: IdentityRef): void => {
      seen.push(ref.deviceId);
    };
    hub.on('deviceConnected', listener);
    (await hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy())).disconnect();
    hub.off('deviceConnected', listener);
    await hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy());
    expect(seen).toEqual(['dev1']);
    expect(hub.stats().sessions).toBe(1);
  });
});

describe('sessions: hub close', () => {
  it('close() closes every session with FH_HUB_CLOSED and refuses new connections', async () => {
    const { hub } = await setup();
    const proxy = new RecordingProxy();
    await hub.connect({ deviceId: 'dev1' }, dev1, proxy);
    await hub.close();
    await hub.close();
    expect(proxy.closes.map((e) => e.code)).toEqual(['FH_HUB_CLOSED']);
    expect(await codeOf(hub.connect({ deviceId: 'dev1' }, dev1, new RecordingProxy()))).toBe('FH_HUB_CLOSED');
  });
});
