/**
 * The unmodified service SDK (azure-iothub `Registry`) against a running `fieldhub hub`:
 * device and module CRUD, twins, queries, and what disabling a device does to the device SDK.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { openDevice } from './support/device.js';
import { startTcpProxy, waitFor } from './support/observe.js';
import { serviceRequest } from './support/service-http.js';

let e2e: E2eHub;

beforeAll(async () => {
  e2e = await startE2eHub();
});

afterAll(async () => {
  await e2e?.stop();
});

/** A key the hub generated: base64 of at least 16 random bytes. */
function expectGeneratedKey(key: string | undefined): void {
  expect(key).toMatch(/^[A-Za-z0-9+/]+={0,2}$/);
  expect(Buffer.from(key ?? '', 'base64').length).toBeGreaterThanOrEqual(16);
}

describe('Registry devices', () => {
  it('creates with generated keys, gets, updates, lists and deletes', async () => {
    const { registry } = e2e;
    const created = (await registry.create({ deviceId: 'crud-1' })).responseBody;
    expect(created.deviceId).toBe('crud-1');
    expect(created.status).toBe('enabled');
    expect(created.connectionState).toBe('Disconnected');
    expect(created.etag).toBeTruthy();
    expect(created.generationId).toBeTruthy();
    const keys = created.authentication?.symmetricKey;
    expectGeneratedKey(keys?.primaryKey);
    expectGeneratedKey(keys?.secondaryKey);
    expect(keys?.primaryKey).not.toBe(keys?.secondaryKey);

    await expect(registry.create({ deviceId: 'crud-1' })).rejects.toMatchObject({ name: 'DeviceAlreadyExistsError' });

    const got = (await registry.get('crud-1')).responseBody;
    expect(got.deviceId).toBe('crud-1');
    expect(got.authentication?.symmetricKey?.primaryKey).toBe(keys?.primaryKey);

    const updated = (await registry.update({ ...got, status: 'disabled', statusReason: 'maintenance' })).responseBody;
    expect(updated.status).toBe('disabled');
    expect(updated.authentication?.symmetricKey?.primaryKey).toBe(keys?.primaryKey);
    expect((await registry.get('crud-1')).responseBody.status).toBe('disabled');

    await registry.create({ deviceId: 'crud-2' });
    const listed = (await registry.list()).responseBody.map((d) => d.deviceId);
    expect(listed).toEqual(expect.arrayContaining(['crud-1', 'crud-2']));

    await registry.delete('crud-1');
    await expect(registry.get('crud-1')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
    expect((await registry.list()).responseBody.map((d) => d.deviceId)).not.toContain('crud-1');
  });

  it('keeps ids that need URL encoding intact', async () => {
    const id = 'dev:with+odd.chars-1';
    await e2e.registry.create({ deviceId: id });
    expect((await e2e.registry.get(id)).responseBody.deviceId).toBe(id);
    await e2e.registry.delete(id);
    await expect(e2e.registry.get(id)).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
  });
});

describe('Registry modules', () => {
  it('adds, gets, lists, updates and removes modules of a device', async () => {
    const { registry } = e2e;
    await registry.create({ deviceId: 'mod-host' });
    await registry.addModule({ deviceId: 'mod-host', moduleId: 'm1' });
    await registry.addModule({ deviceId: 'mod-host', moduleId: 'm2' });

    const m1 = (await registry.getModule('mod-host', 'm1')).responseBody;
    expect(m1).toMatchObject({ deviceId: 'mod-host', moduleId: 'm1' });
    expectGeneratedKey(m1.authentication?.symmetricKey?.primaryKey);

    const ids = (await registry.getModulesOnDevice('mod-host')).responseBody.map((m) => m.moduleId).sort();
    expect(ids).toEqual(['m1', 'm2']);

    await registry.updateModule({ ...m1, managedBy: 'e2e-test' }, true);
    expect((await registry.getModule('mod-host', 'm1')).responseBody.managedBy).toBe('e2e-test');

    await registry.removeModule('mod-host', 'm2');
    await expect(registry.getModule('mod-host', 'm2')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });
    expect((await registry.getModulesOnDevice('mod-host')).responseBody.map((m) => m.moduleId)).toEqual(['m1']);
  });
});

describe('Registry twins and queries', () => {
  it('gets and patches a twin: tags, desired, null deletes, etag checked', async () => {
    const { registry } = e2e;
    await registry.create({ deviceId: 'twin-1' });
    const before = (await registry.getTwin('twin-1')).responseBody;
    expect(before.deviceId).toBe('twin-1');
    const v0 = before.properties.desired.$version as number;

    const patched = (await registry.updateTwin('twin-1', {
      tags: { site: { name: 'north', floor: 2 } },
      properties: { desired: { interval: 5, mode: 'eco' } },
    }, before.etag)).responseBody;
    expect(patched.tags).toMatchObject({ site: { name: 'north', floor: 2 } });
    expect(patched.properties.desired).toMatchObject({ interval: 5, mode: 'eco', $version: v0 + 1 });
    expect(patched.etag).not.toBe(before.etag);

    // The etag we read first is stale now: IoT Hub answers 412, the SDK InvalidEtagError.
    await expect(registry.updateTwin('twin-1', { properties: { desired: { interval: 6 } } }, before.etag))
      .rejects.toMatchObject({ name: 'InvalidEtagError' });

    const deleted = (await registry.updateTwin('twin-1', { properties: { desired: { mode: null } } }, '*')).responseBody;
    expect(deleted.properties.desired.mode).toBeUndefined();
    expect(deleted.properties.desired.interval).toBe(5);
    expect(deleted.properties.desired.$version).toBe(v0 + 2);

    const reread = (await registry.getTwin('twin-1')).responseBody;
    expect(reread.tags).toMatchObject({ site: { name: 'north', floor: 2 } });
    expect(reread.properties.desired).toMatchObject({ interval: 5, $version: v0 + 2 });
  });

  it('answers createQuery with WHERE on tags, one page or many', async () => {
    const { registry } = e2e;
    const sites: Record<string, string> = { 'q-a': 'plant-1', 'q-b': 'plant-2', 'q-c': 'plant-1', 'q-d': 'plant-3' };
    for (const [id, site] of Object.entries(sites)) {
      await registry.create({ deviceId: id });
      await registry.updateTwin(id, { tags: { location: site } }, '*');
    }
    const sql = "SELECT * FROM devices WHERE tags.location = 'plant-1'";

    const onePage = await registry.createQuery(sql, 100).nextAsTwin();
    expect(onePage.result.map((t) => t.deviceId).sort()).toEqual(['q-a', 'q-c']);
    expect(onePage.result[0]?.tags).toMatchObject({ location: 'plant-1' });

    const query = registry.createQuery(sql, 1);
    const paged: string[] = [];
    let pages = 0;
    while (query.hasMoreResults && pages < 10) {
      const page = await query.nextAsTwin();
      paged.push(...page.result.map((t) => t.deviceId));
      pages++;
    }
    expect(paged.sort()).toEqual(['q-a', 'q-c']);
    expect(pages).toBeGreaterThanOrEqual(2);

    const byId = await registry.createQuery("SELECT * FROM devices WHERE deviceId = 'q-d'", 10).nextAsTwin();
    expect(byId.result.map((t) => t.deviceId)).toEqual(['q-d']);
  });
});

describe('malformed service requests', () => {
  it('answer 400 with an IoT Hub error body and change nothing', async () => {
    const { registry } = e2e;
    await registry.create({ deviceId: 'bad-body' });
    const before = (await registry.getTwin('bad-body')).responseBody;

    for (const body of ['{"properties": {"desired": ', '[1, 2', 'not json at all']) {
      const res = await serviceRequest(e2e, 'PATCH', '/twins/bad-body?api-version=2021-04-12', body);
      expect(res.status, body).toBe(400);
      expect(String(res.headers['content-type'])).toContain('application/json');
      expect(JSON.parse(res.text)).toMatchObject({ Message: expect.stringMatching(/^ErrorCode:\w+;/) });
    }
    const created = await serviceRequest(e2e, 'PUT', '/devices/bad-body-2?api-version=2021-04-12', '{"deviceId": "bad-body-2",');
    expect(created.status).toBe(400);
    await expect(registry.get('bad-body-2')).rejects.toMatchObject({ name: 'DeviceNotFoundError' });

    const after = (await registry.getTwin('bad-body')).responseBody;
    expect(after.etag).toBe(before.etag);
    expect(after.properties.desired.$version).toBe(before.properties.desired.$version);
  });
});

describe('disabling a device through Registry.update', () => {
  it('refuses a device that is disabled', async () => {
    const { connectionString } = await e2e.createDevice('off-1', 'disabled');
    await expect(openDevice(connectionString, { ca: e2e.caPem })).rejects.toMatchObject({ name: 'UnauthorizedError' });
  });

  it('disconnects a connected device at once and refuses it until re-enabled', async () => {
    const { key } = await e2e.createDevice('off-2');
    const proxy = await startTcpProxy(e2e.ip, e2e.hub.ports.mqtt);
    const viaProxy = `HostName=${e2e.ip};DeviceId=off-2;SharedAccessKey=${key};GatewayHostName=${e2e.ip}:${proxy.port}`;
    const dev = await openDevice(viaProxy, { ca: e2e.caPem });
    try {
      // With a C2D listener the SDK reconnects after a connection loss.
      dev.client.on('message', () => undefined);
      expect((await e2e.registry.get('off-2')).responseBody.connectionState).toBe('Connected');

      const device = (await e2e.registry.get('off-2')).responseBody;
      await e2e.registry.update({ ...device, status: 'disabled' });

      // The hub closes the connection (not the client).
      await waitFor(() => proxy.closedByHub >= 1, 15_000, () => `hub closed ${proxy.closedByHub} connections`);
      // The SDK reconnects on its own (it reads a refusing CONNACK after the first connection as
      // a lost connection, and retries for minutes); each attempt must be refused.
      await waitFor(() => proxy.connections >= 2, 30_000, () => `${proxy.connections} connections through the proxy`);
      expect((await e2e.registry.get('off-2')).responseBody.connectionState).toBe('Disconnected');
      await dev.close();
      await expect(openDevice(viaProxy, { ca: e2e.caPem })).rejects.toMatchObject({ name: 'UnauthorizedError' });

      await e2e.registry.update({ ...device, status: 'enabled' });
      const again = await openDevice(viaProxy, { ca: e2e.caPem });
      await again.close();
    } finally {
      await dev.close();
      await proxy.close();
    }
  }, 60_000);
});
