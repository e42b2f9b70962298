import { describe, expect, it } from 'vitest';
import { NEVER } from './presence.js';
import { codeOf, createTestHub, RecordingProxy, textMessage } from './test-kit.js';

const THUMB_A = 'ab:cd:ef:01:23:45:67:89:ab:cd:ef:01:23:45:67:89:ab:cd:ef:01';

describe('registry: devices', () => {
  it('creates a device with generated SAS keys and the IoT Hub shape', async () => {
    const { hub } = await createTestHub();
    const device = await hub.registry.createDevice({
      deviceId: 'dev1', authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } },
    });
    expect(device.deviceId).toBe('dev1');
    expect(device.status).toBe('enabled');
    expect(device.connectionState).toBe('Disconnected');
    expect(device.lastActivityTime).toBe(NEVER);
    expect(device.cloudToDeviceMessageCount).toBe(0);
    expect(device.capabilities).toEqual({ iotEdge: false });
    expect(device.authentication.type).toBe('sas');
    const keys = device.authentication.symmetricKey!;
    expect(Buffer.from(keys.primaryKey!, 'base64')).toHaveLength(32);
    expect(keys.secondaryKey).not.toBe(keys.primaryKey);
    expect(device.generationId).toMatch(/^\d{18}$/);
    expect(await hub.registry.getDevice('dev1')).toEqual(device);
  });

  it('keeps given keys, and gives each device its own generation id', async () => {
    const { hub } = await createTestHub();
    const key = Buffer.alloc(32, 7).toString('base64');
    const a = await hub.registry.createDevice({ deviceId: 'a', authentication: { type: 'sas', symmetricKey: { primaryKey: key, secondaryKey: key } } });
    const b = await hub.registry.createDevice({ deviceId: 'b' });
    expect(a.authentication.symmetricKey).toEqual({ primaryKey: key, secondaryKey: key });
    expect(a.generationId).not.toBe(b.generationId);
  });

  it('refuses a duplicate (FH_REGISTRY_EXISTS), a bad id and a bad key (FH_REGISTRY_INVALID)', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    expect(await codeOf(hub.registry.createDevice({ deviceId: 'dev1' }))).toBe('FH_REGISTRY_EXISTS');
    expect(await codeOf(hub.registry.createDevice({ deviceId: 'has/slash' }))).toBe('FH_REGISTRY_INVALID');
    expect(await codeOf(hub.registry.createDevice({ deviceId: 'x'.repeat(129) }))).toBe('FH_REGISTRY_INVALID');
    expect(await codeOf(hub.registry.createDevice({ deviceId: '' }))).toBe('FH_REGISTRY_INVALID');
    expect(await codeOf(hub.registry.createDevice({
      deviceId: 'short', authentication: { type: 'sas', symmetricKey: { primaryKey: 'AAAA', secondaryKey: '' } },
    }))).toBe('FH_REGISTRY_INVALID');
    // The full IoT Hub alphabet is accepted.
    await hub.registry.createDevice({ deviceId: "a-.+%_#*?!(),:=@$'Z9" });
  });

  it('normalises selfSigned thumbprints and requires one', async () => {
    const { hub } = await createTestHub();
    const device = await hub.registry.createDevice({
      deviceId: 'x509', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: THUMB_A, secondaryThumbprint: null } },
    });
    expect(device.authentication.x509Thumbprint?.primaryThumbprint).toBe('ABCDEF0123456789ABCDEF0123456789ABCDEF01');
    expect(device.authentication.symmetricKey).toEqual({ primaryKey: null, secondaryKey: null });
    expect(await codeOf(hub.registry.createDevice({ deviceId: 'x2', authentication: { type: 'selfSigned' } }))).toBe('FH_REGISTRY_INVALID');
    const ca = await hub.registry.createDevice({ deviceId: 'ca', authentication: { type: 'certificateAuthority' } });
    expect(ca.authentication.type).toBe('certificateAuthority');
  });

  it('updates with etags: a new etag each time, FH_REGISTRY_ETAG_MISMATCH on a stale one, * always', async () => {
    const { hub } = await createTestHub();
    const v0 = await hub.registry.createDevice({ deviceId: 'dev1' });
    const v1 = await hub.registry.updateDevice({ deviceId: 'dev1', statusReason: 'maintenance' }, `"${v0.etag}"`);
    expect(v1.etag).not.toBe(v0.etag);
    expect(v1.statusReason).toBe('maintenance');
    // Keys survive an update that does not mention them.
    expect(v1.authentication).toEqual(v0.authentication);
    expect(await codeOf(hub.registry.updateDevice({ deviceId: 'dev1' }, v0.etag))).toBe('FH_REGISTRY_ETAG_MISMATCH');
    const v2 = await hub.registry.updateDevice({ deviceId: 'dev1', capabilities: { iotEdge: true } }, '"*"');
    expect(v2.capabilities.iotEdge).toBe(true);
    expect(await codeOf(hub.registry.updateDevice({ deviceId: 'nope' }))).toBe('FH_REGISTRY_NOT_FOUND');
  });

  it('disabling a device closes its session and its modules\u2019 sessions at once', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const proxy = new RecordingProxy();
    const moduleProxy = new RecordingProxy();
    const session = await hub.connect({ deviceId: 'dev1' }, { kind: 'device', deviceId: 'dev1', authType: 'sas' }, proxy);
    const moduleSession = await hub.connect(
      { deviceId: 'dev1', moduleId: 'm1' }, { kind: 'device', deviceId: 'dev1', moduleId: 'm1', authType: 'sas' }, moduleProxy,
    );
    expect((await hub.registry.getDevice('dev1')).connectionState).toBe('Connected');
    const updated = await hub.registry.updateDevice({ deviceId: 'dev1', status: 'disabled' });
    expect(updated.status).toBe('disabled');
    expect(proxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_DISABLED']);
    expect(moduleProxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_DISABLED']);
    expect(session.active).toBe(false);
    expect(moduleSession.active).toBe(false);
    expect((await hub.registry.getDevice('dev1')).connectionState).toBe('Disconnected');
    expect(await codeOf(session.sendTelemetry(textMessage('x')))).toBe('FH_SESSION_CLOSED');
    const stats = await hub.registry.statistics();
    expect(stats).toEqual({ totalDeviceCount: 1, enabledDeviceCount: 0, disabledDeviceCount: 1 });
  });

  it('deleting a device closes its session and removes its twin, modules and C2D queue', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    await hub.c2d.send('dev1', textMessage('hello'));
    expect((await hub.registry.getDevice('dev1')).cloudToDeviceMessageCount).toBe(1);
    const proxy = new RecordingProxy();
    await hub.connect({ deviceId: 'dev1' }, { kind: 'device', deviceId: 'dev1', authType: 'sas' }, proxy);
    const etag = (await hub.registry.getDevice('dev1')).etag;
    expect(await codeOf(hub.registry.deleteDevice('dev1', 'wrong'))).toBe('FH_REGISTRY_ETAG_MISMATCH');
    await hub.registry.deleteDevice('dev1', etag);
    expect(proxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_DISABLED']);
    expect(await codeOf(hub.registry.getDevice('dev1'))).toBe('FH_REGISTRY_NOT_FOUND');
    expect(await codeOf(hub.registry.getModule('dev1', 'm1'))).toBe('FH_REGISTRY_NOT_FOUND');
    expect(await codeOf(hub.twins.get({ deviceId: 'dev1' }))).toBe('FH_REGISTRY_NOT_FOUND');
    // Re-created: a fresh twin and an empty queue, not the old ones.
    await hub.registry.createDevice({ deviceId: 'dev1' });
    expect(await hub.c2d.queueDepth('dev1')).toBe(0);
    expect((await hub.twins.get({ deviceId: 'dev1' })).version).toBe(1);
    expect(await hub.registry.listModules('dev1')).toEqual([]);
    await hub.close();
  });

  it('lists devices in id order, honouring top', async () => {
    const { hub } = await createTestHub();
    for (const id of ['c', 'a', 'b']) await hub.registry.createDevice({ deviceId: id });
    expect((await hub.registry.listDevices()).map((d) => d.deviceId)).toEqual(['a', 'b', 'c']);
    expect((await hub.registry.listDevices({ top: 2 })).map((d) => d.deviceId)).toEqual(['a', 'b']);
  });

  it('survives a restart on the same store (write-through cache reloads)', async () => {
    const { hub, store, clock } = await createTestHub();
    const created = await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    await hub.close();
    const again = await createTestHub({ store, clock });
    expect((await again.hub.registry.getDevice('dev1')).authentication).toEqual(created.authentication);
    expect((await again.hub.registry.listModules('dev1')).map((m) => m.moduleId)).toEqual(['m1']);
  });
});

describe('registry: modules', () => {
  it('creates, updates, lists and deletes modules of an existing device', async () => {
    const { hub } = await createTestHub();
    expect(await codeOf(hub.registry.createModule({ deviceId: 'none', moduleId: 'm' }))).toBe('FH_REGISTRY_NOT_FOUND');
    await hub.registry.createDevice({ deviceId: 'dev1' });
    const m = await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1', managedBy: 'fieldhub' });
    expect(m).toMatchObject({ moduleId: 'm1', deviceId: 'dev1', managedBy: 'fieldhub', connectionState: 'Disconnected', lastActivityTime: NEVER });
    expect(m.authentication.symmetricKey?.primaryKey).toBeTruthy();
    expect(await codeOf(hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' }))).toBe('FH_REGISTRY_EXISTS');
    const updated = await hub.registry.updateModule({ deviceId: 'dev1', moduleId: 'm1', managedBy: null }, m.etag);
    expect(updated.managedBy).toBeNull();
    expect(updated.etag).not.toBe(m.etag);
    expect(await codeOf(hub.registry.updateModule({ deviceId: 'dev1', moduleId: 'm1' }, m.etag))).toBe('FH_REGISTRY_ETAG_MISMATCH');
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm0' });
    expect((await hub.registry.listModules('dev1')).map((x) => x.moduleId)).toEqual(['m0', 'm1']);
    await hub.registry.deleteModule('dev1', 'm1', '*');
    expect((await hub.registry.listModules('dev1')).map((x) => x.moduleId)).toEqual(['m0']);
    expect(await codeOf(hub.twins.get({ deviceId: 'dev1', moduleId: 'm1' }))).toBe('FH_REGISTRY_NOT_FOUND');
  });

  it('deleting a module closes only its own session', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'dev1' });
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const deviceProxy = new RecordingProxy();
    const moduleProxy = new RecordingProxy();
    await hub.connect({ deviceId: 'dev1' }, { kind: 'device', deviceId: 'dev1', authType: 'sas' }, deviceProxy);
    await hub.connect({ deviceId: 'dev1', moduleId: 'm1' }, { kind: 'device', deviceId: 'dev1', moduleId: 'm1', authType: 'sas' }, moduleProxy);
    expect(hub.registry.connectedCount()).toBe(2);
    await hub.registry.deleteModule('dev1', 'm1');
    expect(moduleProxy.closes.map((e) => e.code)).toEqual(['FH_AUTH_DISABLED']);
    expect(deviceProxy.closes).toEqual([]);
    expect(hub.registry.connectedCount()).toBe(1);
  });
});
