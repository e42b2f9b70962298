import { describe, expect, it } from 'vitest';
import { NEVER } from './presence.js';
import { codeOf, createTestHub, RecordingProxy } from './test-kit.js';
import { etagFor } from './twin-doc.js';

const ref = { deviceId: 'dev1' };

async function setup() {
  const t = await createTestHub();
  await t.hub.registry.createDevice({ deviceId: 'dev1' });
  const proxy = new RecordingProxy();
  const session = await t.hub.connect(ref, { kind: 'device', deviceId: 'dev1', authType: 'sas' }, proxy);
  return { ...t, proxy, session, iso: () => new Date(t.clock.now()).toISOString() };
}

describe('twins: service side', () => {
  it('every new device has a twin with versions 1 and the registry fields', async () => {
    const { hub, iso } = await setup();
    const twin = await hub.twins.get(ref);
    const device = await hub.registry.getDevice('dev1');
    expect(twin).toMatchObject({
      deviceId: 'dev1', etag: etagFor(1), deviceEtag: device.etag, version: 1, status: 'enabled', connectionState: 'Connected',
      cloudToDeviceMessageCount: 0, authenticationType: 'sas', x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null },
      modelId: '', capabilities: { iotEdge: false }, tags: {},
    });
    expect(twin.properties.desired).toEqual({ $metadata: { $lastUpdated: iso(), $lastUpdatedVersion: 1 }, $version: 1 });
    expect(twin.properties.reported).toEqual({ $metadata: { $lastUpdated: iso() }, $version: 1 });
    expect(await codeOf(hub.twins.get({ deviceId: 'ghost' }))).toBe('FH_REGISTRY_NOT_FOUND');
  });

  it('a desired patch merges, bumps versions and metadata, and reaches the device only when subscribed', async () => {
    const { hub, clock, proxy, session, iso } = await setup();
    await clock.advance(1000);
    const t2 = await hub.twins.patch(ref, { properties: { desired: { a: 1, nested: { x: 'y' } } } });
    expect(t2.version).toBe(2);
    expect(t2.etag).toBe(etagFor(2));
    expect(t2.properties.desired).toMatchObject({ a: 1, nested: { x: 'y' }, $version: 2 });
    expect(t2.properties.desired.$metadata).toMatchObject({
      $lastUpdated: iso(), $lastUpdatedVersion: 2, a: { $lastUpdated: iso(), $lastUpdatedVersion: 2 },
      nested: { x: { $lastUpdated: iso(), $lastUpdatedVersion: 2 } },
    });
    expect(proxy.desired).toEqual([]);
    session.setDesiredEnabled(true);
    const t3 = await hub.twins.patch(ref, { properties: { desired: { a: null, b: [1, 2] } } }, `"${t2.etag}"`);
    expect(t3.properties.desired).toMatchObject({ nested: { x: 'y' }, b: [1, 2], $version: 3 });
    expect('a' in t3.properties.desired).toBe(false);
    expect(proxy.desired).toEqual([{ a: null, b: [1, 2], $version: 3 }]);
    // A top-level $version in the patch is ignored, not stored.
    await hub.twins.patch(ref, { properties: { desired: { c: true, $version: 99 } } });
    expect(proxy.desired.at(-1)).toEqual({ c: true, $version: 4 });
  });

  it('a tags-only patch bumps the twin version but not desired, and notifies nobody', async () => {
    const { hub, proxy, session } = await setup();
    session.setDesiredEnabled(true);
    const twin = await hub.twins.patch(ref, { tags: { site: { floor: 2 } } });
    expect(twin.tags).toEqual({ site: { floor: 2 } });
    expect(twin.version).toBe(2);
    expect(twin.properties.desired.$version).toBe(1);
    expect(proxy.desired).toEqual([]);
    const unchanged = await hub.twins.patch(ref, { tags: {} });
    expect(unchanged.version).toBe(2);
  });

  it('checks etags: mismatch fails, "*" and undefined pass', async () => {
    const { hub } = await setup();
    expect(await codeOf(hub.twins.patch(ref, { tags: { a: 1 } }, etagFor(7)))).toBe('FH_TWIN_ETAG_MISMATCH');
    await hub.twins.patch(ref, { tags: { a: 1 } }, '"*"');
    await hub.twins.patch(ref, { tags: { a: 2 } }, etagFor(2));
    expect(await codeOf(hub.twins.replace(ref, { tags: {} }, etagFor(2)))).toBe('FH_TWIN_ETAG_MISMATCH');
  });

  it('replace swaps tags and desired wholesale and tells the device the whole desired', async () => {
    const { hub, session, proxy } = await setup();
    await hub.twins.patch(ref, { tags: { old: 1 }, properties: { desired: { old: 1 } } });
    session.setDesiredEnabled(true);
    const twin = await hub.twins.replace(ref, { tags: { fresh: 'x' }, properties: { desired: { k: { v: 1 } } } });
    expect(twin.tags).toEqual({ fresh: 'x' });
    expect(twin.properties.desired).toMatchObject({ k: { v: 1 }, $version: 3 });
    expect('old' in twin.properties.desired).toBe(false);
    expect(Object.keys(twin.properties.desired.$metadata as object)).toEqual(['k', '$lastUpdated', '$lastUpdatedVersion']);
    expect(proxy.desired).toEqual([{ k: { v: 1 }, $version: 3 }]);
  });

  it('rejects invalid patches (FH_TWIN_INVALID) and writes to reported (FH_TWIN_FORBIDDEN)', async () => {
    const { hub } = await setup();
    expect(await codeOf(hub.twins.patch(ref, { properties: { desired: { 'bad.key': 1 } } }))).toBe('FH_TWIN_INVALID');
    expect(await codeOf(hub.twins.patch(ref, { properties: { desired: 'nope' } }))).toBe('FH_TWIN_INVALID');
    expect(await codeOf(hub.twins.patch(ref, { tags: { big: 'x'.repeat(9000) } }))).toBe('FH_TWIN_INVALID');
    const forbidden = { properties: { reported: { a: 1 } } } as unknown as Parameters<typeof hub.twins.patch>[1];
    expect(await codeOf(hub.twins.patch(ref, forbidden))).toBe('FH_TWIN_FORBIDDEN');
    // Nothing was written.
    expect((await hub.twins.get(ref)).version).toBe(1);
  });

  it('module twins carry the module id and no capabilities', async () => {
    const { hub } = await setup();
    await hub.registry.createModule({ deviceId: 'dev1', moduleId: 'm1' });
    const twin = await hub.twins.patch({ deviceId: 'dev1', moduleId: 'm1' }, { properties: { desired: { rate: 5 } } });
    expect(twin).toMatchObject({ deviceId: 'dev1', moduleId: 'm1', connectionState: 'Disconnected', lastActivityTime: NEVER });
    expect(twin.capabilities).toBeUndefined();
    expect((await hub.twins.get(ref)).properties.desired.$version).toBe(1);
  });
});

describe('twins: device side', () => {
  it('getTwin returns the device view; updateReported returns the new reported $version', async () => {
    const { hub, clock, session, iso } = await setup();
    await hub.twins.patch(ref, { tags: { t: 1 }, properties: { desired: { d: 1 } } });
    expect(await session.getTwin()).toEqual({ desired: { d: 1, $version: 2 }, reported: { $version: 1 } });
    await clock.advance(500);
    expect(await session.updateReported({ fw: '1.0', obj: { a: 1 } })).toBe(2);
    expect(await session.updateReported({ obj: { a: null, b: 2 } })).toBe(3);
    const twin = await hub.twins.get(ref);
    expect(twin.properties.reported).toMatchObject({ fw: '1.0', obj: { b: 2 }, $version: 3 });
    expect(twin.properties.reported.$metadata).toMatchObject({ $lastUpdated: iso(), fw: { $lastUpdated: iso() } });
    expect(twin.version).toBe(4);
    // Reported writes never touch desired or tags.
    expect(twin.properties.desired).toMatchObject({ d: 1, $version: 2 });
    expect(twin.tags).toEqual({ t: 1 });
  });

  it('rejects invalid reported patches with FH_TWIN_INVALID', async () => {
    const { session } = await setup();
    expect(await codeOf(session.updateReported('not an object'))).toBe('FH_TWIN_INVALID');
    expect(await codeOf(session.updateReported({ $bad: 1 }))).toBe('FH_TWIN_INVALID');
    expect(await codeOf(session.updateReported({ big: 'x'.repeat(4097) }))).toBe('FH_TWIN_INVALID');
  });

  it('concurrent patches serialise: no version is lost', async () => {
    const { hub, session } = await setup();
    await Promise.all([
      session.updateReported({ a: 1 }), session.updateReported({ b: 1 }), hub.twins.patch(ref, { properties: { desired: { c: 1 } } }),
    ]);
    const twin = await hub.twins.get(ref);
    expect(twin.version).toBe(4);
    expect(twin.properties.reported).toMatchObject({ a: 1, b: 1, $version: 3 });
  });
});
