/**
 * The hooks the gateway builds on: identity lifecycle and reported-property events, and the
 * telemetry admission check (the upstream outbox refuses new messages when full).
 */
import { describe, expect, it } from 'vitest';
import { HubError } from '../errors.js';
import type { IdentityRef, JsonObject } from './types.js';
import { codeOf, createTestHub, RecordingProxy, textMessage } from './test-kit.js';

describe('identity and reported events', () => {
  it('reports devices and modules created and deleted, once durable', async () => {
    const { hub } = await createTestHub();
    const created: IdentityRef[] = [];
    const deleted: IdentityRef[] = [];
    hub.on('identityCreated', (ref) => created.push(ref));
    hub.on('identityDeleted', (ref) => deleted.push(ref));
    await hub.registry.createDevice({ deviceId: 'd1' });
    await hub.registry.createModule({ deviceId: 'd1', moduleId: 'm1' });
    expect(created).toEqual([{ deviceId: 'd1' }, { deviceId: 'd1', moduleId: 'm1' }]);
    // A failed create reports nothing.
    expect(await codeOf(hub.registry.createDevice({ deviceId: 'd1' }))).toBe('FH_REGISTRY_EXISTS');
    expect(created).toHaveLength(2);
    await hub.registry.deleteDevice('d1');
    expect(deleted).toEqual(expect.arrayContaining([{ deviceId: 'd1' }, { deviceId: 'd1', moduleId: 'm1' }]));
    expect(deleted).toHaveLength(2);
    await hub.close();
  });

  it('reports each reported patch with its version; a throwing listener does not fail the write', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'd1' });
    const seen: [IdentityRef, JsonObject, number][] = [];
    hub.on('reportedUpdated', () => { throw new Error('listener bug'); });
    hub.on('reportedUpdated', (ref, patch, version) => seen.push([ref, patch, version]));
    const session = await hub.connect({ deviceId: 'd1' }, { kind: 'device', deviceId: 'd1', authType: 'sas' }, new RecordingProxy());
    const v1 = await session.updateReported({ temp: 21, fw: { v: '1.0' } });
    const v2 = await session.updateReported({ fw: null });
    expect(seen).toEqual([
      [{ deviceId: 'd1' }, { temp: 21, fw: { v: '1.0' } }, v1],
      [{ deviceId: 'd1' }, { fw: null }, v2],
    ]);
    expect(v2).toBe(v1 + 1);
    await hub.close();
  });
});

describe('telemetry admission', () => {
  it('refuses messages the check refuses, stores nothing for them, and sees connection ids', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'd1' });
    await hub.registry.createDevice({ deviceId: 'd2' });
    const checked: (string | undefined)[] = [];
    hub.telemetry.setAdmission((ref, message) => {
      checked.push(message.system.connectionDeviceId);
      if (ref.deviceId === 'd2') throw new HubError('FH_BACKLOG_FULL', 'outbox full', { retryable: true });
    });
    await hub.telemetry.append({ deviceId: 'd1' }, textMessage('a'));
    expect(await codeOf(hub.telemetry.append({ deviceId: 'd2' }, textMessage('b')))).toBe('FH_BACKLOG_FULL');
    hub.telemetry.setAdmission(undefined);
    await hub.telemetry.append({ deviceId: 'd2' }, textMessage('c'));
    const stored: string[] = [];
    for await (const m of hub.telemetry.read()) stored.push(`${m.deviceId}:${Buffer.from(m.message.body).toString()}`);
    expect(stored).toEqual(['d1:a', 'd2:c']);
    expect(checked).toEqual(['d1', 'd2']);
    await hub.close();
  });
});

describe('parent scope (a gateway acting for its modules and child devices)', () => {
  it('a device token covers its child devices and their modules, not its own modules nor other devices', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'gw' });
    await hub.registry.createDevice({ deviceId: 'child', parentId: 'gw' });
    await hub.registry.createModule({ deviceId: 'child', moduleId: 'cm' });
    await hub.registry.createModule({ deviceId: 'gw', moduleId: 'sys' });
    await hub.registry.createDevice({ deviceId: 'stranger' });
    const gw = { kind: 'device' as const, deviceId: 'gw', authType: 'sas' as const };
    expect(hub.registry.parentOf('child')).toBe('gw');
    expect(hub.registry.parentOf('stranger')).toBeUndefined();
    for (const path of ['/devices/gw', '/devices/child', '/devices/child/modules/cm']) {
      expect(() => hub.auth.authorize(gw, 'DeviceConnect', path)).not.toThrow();
    }
    expect(() => hub.auth.authorize(gw, 'DeviceConnect', '/devices/gw/modules/sys')).toThrow(/own identity/);
    expect(() => hub.auth.authorize(gw, 'DeviceConnect', '/devices/stranger')).toThrow(/own identity/);
    const sysModule = { kind: 'device' as const, deviceId: 'gw', moduleId: 'sys', authType: 'sas' as const };
    expect(() => hub.auth.authorize(sysModule, 'DeviceConnect', '/devices/child')).toThrow();
    // The session table applies the same rule.
    const session = await hub.connect({ deviceId: 'child' }, gw, new RecordingProxy());
    expect(session.active).toBe(true);
    expect(await codeOf(hub.connect({ deviceId: 'stranger' }, gw, new RecordingProxy()))).toBe('FH_AUTH_SCOPE');
    await hub.close();
  });
});

describe('methods enabled (the gateway attaches upstream method links only while a device accepts methods)', () => {
  const principal = (deviceId: string, moduleId?: string) => ({ kind: 'device' as const, deviceId, authType: 'sas' as const, ...(moduleId ? { moduleId } : {}) });

  async function setup() {
    const t = await createTestHub();
    await t.hub.registry.createDevice({ deviceId: 'd1' });
    await t.hub.registry.createModule({ deviceId: 'd1', moduleId: 'm1' });
    const events: [string, boolean][] = [];
    t.hub.on('methodsEnabledChanged', (ref, enabled) => events.push([ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`, enabled]));
    return { ...t, events };
  }

  it('reports each change of a session\u2019s methods flag once, and isEnabled follows it', async () => {
    const { hub, events } = await setup();
    const d1 = { deviceId: 'd1' };
    expect(hub.methods.isEnabled(d1)).toBe(false);
    const session = await hub.connect(d1, principal('d1'), new RecordingProxy());
    expect(events).toEqual([]);
    expect(hub.methods.isEnabled(d1)).toBe(false);
    session.setMethodsEnabled(true);
    session.setMethodsEnabled(true); // no change, no event
    expect(hub.methods.isEnabled(d1)).toBe(true);
    expect(hub.methods.isEnabled({ deviceId: 'd1', moduleId: 'm1' })).toBe(false);
    session.setMethodsEnabled(false);
    expect(hub.methods.isEnabled(d1)).toBe(false);
    session.setMethodsEnabled(true);
    // Other flags are not methods.
    session.setC2dEnabled(true);
    session.setDesiredEnabled(true);
    expect(events).toEqual([['d1', true], ['d1', false], ['d1', true]]);
    await hub.close();
  });

  it('reports false when a session that accepted methods ends, and nothing for one that did not', async () => {
    const { hub, events } = await setup();
    const mod = { deviceId: 'd1', moduleId: 'm1' };
    const plain = await hub.connect({ deviceId: 'd1' }, principal('d1'), new RecordingProxy());
    plain.disconnect();
    const session = await hub.connect(mod, principal('d1', 'm1'), new RecordingProxy('amqp'));
    session.setMethodsEnabled(true);
    expect(hub.methods.isEnabled(mod)).toBe(true);
    session.disconnect();
    session.disconnect(); // idempotent: one event
    expect(hub.methods.isEnabled(mod)).toBe(false);
    expect(events).toEqual([['d1/m1', true], ['d1/m1', false]]);
    // A call now fails as IoT Hub's DeviceNotOnline.
    expect(await codeOf(hub.methods.invoke(mod, { methodName: 'x', payload: null }))).toBe('FH_METHOD_NOT_CONNECTED');
    await hub.close();
  });

  it('a newer connection replaces the session: false for the old one, then true when the new one subscribes', async () => {
    const { hub, events } = await setup();
    const d1 = { deviceId: 'd1' };
    const first = await hub.connect(d1, principal('d1'), new RecordingProxy());
    first.setMethodsEnabled(true);
    const second = await hub.connect(d1, principal('d1'), new RecordingProxy());
    expect(first.active).toBe(false);
    expect(hub.methods.isEnabled(d1)).toBe(false);
    // The ended session's flags change nothing any more.
    first.setMethodsEnabled(false);
    second.setMethodsEnabled(true);
    expect(hub.methods.isEnabled(d1)).toBe(true);
    expect(events).toEqual([['d1', true], ['d1', false], ['d1', true]]);
    await hub.close();
  });

  it('reports false when the core ends the session: the device disabled, the hub closing', async () => {
    const { hub, events } = await setup();
    await hub.registry.createDevice({ deviceId: 'd2' });
    const s1 = await hub.connect({ deviceId: 'd1' }, principal('d1'), new RecordingProxy());
    const s2 = await hub.connect({ deviceId: 'd2' }, principal('d2'), new RecordingProxy());
    s1.setMethodsEnabled(true);
    s2.setMethodsEnabled(true);
    const device = await hub.registry.getDevice('d1');
    await hub.registry.updateDevice({ ...device, status: 'disabled' });
    expect(s1.active).toBe(false);
    expect(events).toEqual([['d1', true], ['d2', true], ['d1', false]]);
    await hub.close();
    expect(events).toEqual([['d1', true], ['d2', true], ['d1', false], ['d2', false]]);
    expect(hub.methods.isEnabled({ deviceId: 'd2' })).toBe(false);
  });

  it('a throwing listener neither fails the head\u2019s call nor keeps the event from the others', async () => {
    const { hub, events } = await setup();
    hub.on('methodsEnabledChanged', () => { throw new Error('listener bug'); });
    const late: boolean[] = [];
    hub.on('methodsEnabledChanged', (_ref, enabled) => late.push(enabled));
    const session = await hub.connect({ deviceId: 'd1' }, principal('d1'), new RecordingProxy());
    expect(() => session.setMethodsEnabled(true)).not.toThrow();
    expect(() => session.disconnect()).not.toThrow();
    expect(events).toEqual([['d1', true], ['d1', false]]);
    expect(late).toEqual([true, false]);
    await hub.close();
  });
});
