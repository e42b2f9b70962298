/**
 * Twins and queries through the official azure-iothub Registry client.
 */
import { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TestDevice, type Harness } from './harness.js';

let h: Harness;
let registry: Registry;

beforeAll(async () => {
  h = await startHarness();
  registry = Registry.fromConnectionString(h.connectionString());
});

afterAll(async () => {
  await h?.close();
});

describe('twins', () => {
  it('reads a twin, patches tags and desired with its etag, and the core sees the change', async () => {
    const { responseBody: dev } = await registry.create({ deviceId: 'twin-1' });
    const key = dev.authentication?.symmetricKey?.primaryKey ?? '';
    const device = await TestDevice.connect(h, 'twin-1', key);
    device.session?.setDesiredEnabled(true);

    const { responseBody: twin } = await registry.getTwin('twin-1');
    expect(twin.deviceId).toBe('twin-1');
    expect(twin.etag).toBeTruthy();

    const patch = { tags: { region: 'north' }, properties: { desired: { interval: 5 } } };
    const { responseBody: updated } = await registry.updateTwin('twin-1', patch, twin.etag);
    expect(updated.tags).toEqual({ region: 'north' });
    expect(updated.properties.desired.interval).toBe(5);
    expect(updated.etag).not.toBe(twin.etag);

    const fromCore = await h.core.twins.get({ deviceId: 'twin-1' });
    expect(fromCore.tags).toEqual({ region: 'north' });
    expect(fromCore.properties.desired.interval).toBe(5);
    expect(device.desired).toEqual([expect.objectContaining({ interval: 5 })]);
  });

  it('a stale etag fails with 412 (InvalidEtagError) and changes nothing', async () => {
    await registry.create({ deviceId: 'twin-etag' });
    const { responseBody: twin } = await registry.getTwin('twin-etag');
    await registry.updateTwin('twin-etag', { tags: { a: 1 } }, twin.etag);
    const err = await registry.updateTwin('twin-etag', { tags: { a: 2 } }, twin.etag).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('InvalidEtagError');
    expect((err as { response: { statusCode: number } }).response.statusCode).toBe(412);
    expect((await h.core.twins.get({ deviceId: 'twin-etag' })).tags).toEqual({ a: 1 });
  });

  it('Twin.update goes through PATCH with the etag it read', async () => {
    await registry.create({ deviceId: 'twin-obj' });
    const { responseBody: twin } = await registry.getTwin('twin-obj');
    const { result: after } = await twin.update({ properties: { desired: { mode: 'eco' } } });
    expect(after.properties.desired.mode).toBe('eco');
  });

  it('reads and patches a module twin', async () => {
    await registry.create({ deviceId: 'twin-mod' });
    await registry.addModule({ deviceId: 'twin-mod', moduleId: 'mod' });
    const { responseBody: twin } = await registry.getModuleTwin('twin-mod', 'mod');
    expect(twin.moduleId).toBe('mod');
    const { responseBody: updated } = await registry.updateModuleTwin('twin-mod', 'mod', { tags: { role: 'x' } }, twin.etag);
    expect(updated.tags).toEqual({ role: 'x' });
    expect((await h.core.twins.get({ deviceId: 'twin-mod', moduleId: 'mod' })).tags).toEqual({ role: 'x' });
  });

  it('a missing twin fails with DeviceNotFoundError; an invalid patch with ArgumentError', async () => {
    const missing = await registry.getTwin('twin-none').catch((e: unknown) => e);
    expect((missing as Error).constructor.name).toBe('DeviceNotFoundError');
    await registry.create({ deviceId: 'twin-bad' });
    const bad = await registry.updateTwin('twin-bad', { tags: { 'bad key': 1 } }, '*').catch((e: unknown) => e);
    expect((bad as Error).constructor.name).toBe('ArgumentError');
  });

  it('a service PATCH of reported properties is refused with 400', async () => {
    await registry.create({ deviceId: 'twin-rep' });
    const err = await registry.updateTwin('twin-rep', { properties: { reported: { a: 1 } } }, '*').catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('ArgumentError');
    expect((await h.core.twins.get({ deviceId: 'twin-rep' })).properties.reported.a).toBeUndefined();
  });

  it('PUT replaces tags and desired (other SDKs)', async () => {
    await registry.create({ deviceId: 'twin-put' });
    await registry.updateTwin('twin-put', { tags: { a: 1, b: 2 } }, '*');
    const res = await h.request({
      method: 'PUT', path: '/twins/twin-put?api-version=2021-04-12',
      headers: { Authorization: h.policyToken(), 'Content-Type': 'application/json', 'If-Match': '"*"' },
      body: JSON.stringify({ tags: { c: 3 }, properties: { desired: { x: 1 } } }),
    });
    expect(res.status).toBe(200);
    expect(res.json<{ tags: unknown }>().tags).toEqual({ c: 3 });
    expect((await h.core.twins.get({ deviceId: 'twin-put' })).properties.desired.x).toBe(1);
  });
});

describe('query', () => {
  beforeAll(async () => {
    for (let i = 0; i < 5; i++) {
      await registry.create({ deviceId: `q-eu-${i}` });
      await registry.updateTwin(`q-eu-${i}`, { tags: { region: 'eu' } }, '*');
    }
    await registry.create({ deviceId: 'q-us' });
    await registry.updateTwin('q-us', { tags: { region: 'us' } }, '*');
  });

  it('returns matching twins', async () => {
    const query = registry.createQuery("SELECT * FROM devices WHERE tags.region = 'eu'");
    const { result } = await query.nextAsTwin();
    expect(result.map((t) => t.deviceId).sort()).toEqual(['q-eu-0', 'q-eu-1', 'q-eu-2', 'q-eu-3', 'q-eu-4']);
    expect(query.hasMoreResults).toBe(false);
  });

  it('pages with a small page size until hasMoreResults is false', async () => {
    const query = registry.createQuery("SELECT * FROM devices WHERE tags.region = 'eu'", 2);
    const seen: string[] = [];
    const pageSizes: number[] = [];
    while (query.hasMoreResults) {
      const { result } = await query.nextAsTwin();
      pageSizes.push(result.length);
      seen.push(...result.map((t) => t.deviceId));
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen.sort()).toEqual(['q-eu-0', 'q-eu-1', 'q-eu-2', 'q-eu-3', 'q-eu-4']);
  });

  it('a syntax error is a 400 naming the position', async () => {
    const res = await h.request({
      method: 'POST', path: '/devices/query?api-version=2021-04-12',
      headers: { Authorization: h.policyToken(), 'Content-Type': 'application/json' },
      body: JSON.stringify({ query: 'SELECT * FROM devices WHERE' }),
    });
    expect(res.status).toBe(400);
    const body = res.json<{ Message: string }>();
    expect(body.Message).toMatch(/^ErrorCode:ArgumentInvalid;/);
    expect(body.Message).toMatch(/\d/);
    const err = await registry.createQuery('SELECT FROM WHERE').next().catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('ArgumentError');
  });

  it('sends x-ms-item-type and no continuation on the last page', async () => {
    const res = await h.request({
      method: 'POST', path: '/devices/query?api-version=2021-04-12',
      headers: { Authorization: h.policyToken(), 'Content-Type': 'application/json', 'x-ms-max-item-count': 100 },
      body: JSON.stringify({ query: "SELECT * FROM devices WHERE tags.region = 'us'" }),
    });
    expect(res.status).toBe(200);
    expect(res.headers['x-ms-item-type']).toBe('Twin');
    expect(res.headers['x-ms-continuation']).toBeUndefined();
    expect(res.json<Array<{ deviceId: string }>>().map((t) => t.deviceId)).toEqual(['q-us']);
  });
});
