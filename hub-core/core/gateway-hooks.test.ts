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
