/**
 * The identity registry through the official azure-iothub Registry client.
 */
import { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let registry: Registry;

beforeAll(async () => {
  h = await startHarness();
  registry = Registry.fromConnectionString(h.connectionString());
});

afterAll(async () => {
  await h?.close();
});

describe('devices', () => {
  it('creates a device with generated SAS keys and reads it back', async () => {
    const { responseBody: created } = await registry.create({ deviceId: 'dev-create' });
    expect(created.deviceId).toBe('dev-create');
    expect((created.authentication as { type?: string } | undefined)?.type).toBe('sas');
    const keys = created.authentication?.symmetricKey;
    expect(Buffer.from(keys?.primaryKey ?? '', 'base64').length).toBeGreaterThanOrEqual(16);
    expect(keys?.secondaryKey).not.toBe(keys?.primaryKey);

    const { responseBody: got } = await registry.get('dev-create');
    expect(got.deviceId).toBe('dev-create');
    expect(got.status).toBe('enabled');
    expect(got.authentication?.symmetricKey?.primaryKey).toBe(keys?.primaryKey);
    expect((await h.core.registry.getDevice('dev-create')).etag).toBe(got.etag);
  });

  it('updates a device (disable) and the core sees it', async () => {
    await registry.create({ deviceId: 'dev-update' });
    const { responseBody: current } = await registry.get('dev-update');
    const { responseBody: updated } = await registry.update({ ...current, status: 'disabled' });
    expect(updated.status).toBe('disabled');
    expect((await h.core.registry.getDevice('dev-update')).status).toBe('disabled');
  });

  it('lists devices', async () => {
    await registry.create({ deviceId: 'dev-list-1' });
    await registry.create({ deviceId: 'dev-list-2' });
    const { responseBody: list } = await registry.list();
    const ids = list.map((d) => d.deviceId);
    expect(ids).toEqual(expect.arrayContaining(['dev-list-1', 'dev-list-2']));
  });

  it('lists at most ?top= devices', async () => {
    const res = await h.request({ method: 'GET', path: '/devices?top=1&api-version=2021-04-12', headers: { Authorization: h.policyToken() } });
    expect(res.status).toBe(200);
    expect(res.json<unknown[]>()).toHaveLength(1);
  });

  it('deleting with a stale etag is 412 and keeps the device', async () => {
    await registry.create({ deviceId: 'dev-del-etag' });
    const res = await h.request({
      method: 'DELETE', path: '/devices/dev-del-etag', headers: { Authorization: h.policyToken(), 'If-Match': '"stale"' },
    });
    expect(res.status).toBe(412);
    expect(res.json<{ Message: string }>().Message).toMatch(/^ErrorCode:PreconditionFailed;/);
    expect((await h.core.registry.getDevice('dev-del-etag')).deviceId).toBe('dev-del-etag');
  });

  it('deletes a device', async () => {
    await registry.create({ deviceId: 'dev-delete' });
    const { httpResponse } = await registry.delete('dev-delete');
    expect(httpResponse.statusCode).toBe(204);
    await expect(h.core.registry.getDevice('dev-delete')).rejects.toMatchObject({ code: 'FH_REGISTRY_NOT_FOUND' });
  });

  it('creating an existing device fails with DeviceAlreadyExistsError', async () => {
    await registry.create({ deviceId: 'dev-twice' });
    const err = await registry.create({ deviceId: 'dev-twice' }).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('DeviceAlreadyExistsError');
  });

  it('getting a missing device fails with DeviceNotFoundError', async () => {
    const err = await registry.get('no-such-device').catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('DeviceNotFoundError');
    expect((err as { responseBody: string }).responseBody).toContain('ErrorCode:DeviceNotFound;');
  });

  it('handles ids that need URL encoding', async () => {
    const id = 'dev:with%odd$chars';
    await registry.create({ deviceId: id });
    const { responseBody } = await registry.get(id);
    expect(responseBody.deviceId).toBe(id);
  });

  it('bulk-creates and bulk-removes devices, reporting per-device errors', async () => {
    const { responseBody: added } = await registry.addDevices([{ deviceId: 'bulk-1' }, { deviceId: 'bulk-2' }]);
    expect(added).toMatchObject({ isSuccessful: true, errors: [], warnings: [] });
    expect((await h.core.registry.getDevice('bulk-2')).deviceId).toBe('bulk-2');

    const { responseBody: again } = await registry.addDevices([{ deviceId: 'bulk-1' }, { deviceId: 'bulk-3' }]);
    expect(again.isSuccessful).toBe(false);
    expect(again.errors).toEqual([expect.objectContaining({ deviceId: 'bulk-1', errorCode: 'DeviceAlreadyExists' })]);
    expect((await h.core.registry.getDevice('bulk-3')).deviceId).toBe('bulk-3');

    const { responseBody: removed } = await registry.removeDevices(
      [{ deviceId: 'bulk-1' }, { deviceId: 'bulk-2' }, { deviceId: 'bulk-3' }], true);
    expect(removed.isSuccessful).toBe(true);
    await expect(h.core.registry.getDevice('bulk-1')).rejects.toMatchObject({ code: 'FH_REGISTRY_NOT_FOUND' });
  });

  it('bulk update with a stale etag reports PreconditionFailed', async () => {
    await registry.create({ deviceId: 'bulk-etag' });
    const { responseBody: dev } = await registry.get('bulk-etag');
    const { responseBody: res } = await registry.updateDevices([{ ...dev, etag: 'stale', status: 'disabled' }], false);
    expect(res.errors).toEqual([expect.objectContaining({ deviceId: 'bulk-etag', errorCode: 'PreconditionFailed' })]);
    expect((await h.core.registry.getDevice('bulk-etag')).status).toBe('enabled');
  });

  it('reports registry statistics', async () => {
    const { responseBody: stats } = await registry.getRegistryStatistics();
    const expected = await h.core.registry.statistics();
    expect(stats).toEqual(expected);
    expect(stats.totalDeviceCount).toBeGreaterThan(0);
  });
});

describe('modules', () => {
  beforeAll(async () => {
    await registry.create({ deviceId: 'dev-mod' });
  });

  it('adds, gets, lists and removes modules', async () => {
    await registry.addModule({ deviceId: 'dev-mod', moduleId: 'm1' });
    await registry.addModule({ deviceId: 'dev-mod', moduleId: 'm2' });
    const { responseBody: m1 } = await registry.getModule('dev-mod', 'm1');
    expect(m1).toMatchObject({ deviceId: 'dev-mod', moduleId: 'm1' });
    expect(m1.authentication?.symmetricKey?.primaryKey).toBeTruthy();

    const { responseBody: list } = await registry.getModulesOnDevice('dev-mod');
    expect(list.map((m) => m.moduleId).sort()).toEqual(['m1', 'm2']);

    await registry.removeModule('dev-mod', 'm2');
    const { responseBody: after } = await registry.getModulesOnDevice('dev-mod');
    expect(after.map((m) => m.moduleId)).toEqual(['m1']);
  });

  it('updates a module with its etag', async () => {
    await registry.addModule({ deviceId: 'dev-mod', moduleId: 'm-upd' });
    const { responseBody: m } = await registry.getModule('dev-mod', 'm-upd');
    const { responseBody: updated } = await registry.updateModule({ ...m, managedBy: 'fieldhub-test' });
    expect(updated.managedBy).toBe('fieldhub-test');
  });

  it('a missing module fails with DeviceNotFoundError; a duplicate with DeviceAlreadyExistsError', async () => {
    const missing = await registry.getModule('dev-mod', 'nope').catch((e: unknown) => e);
    expect((missing as Error).constructor.name).toBe('DeviceNotFoundError');
    await registry.addModule({ deviceId: 'dev-mod', moduleId: 'm-dup' });
    const dup = await registry.addModule({ deviceId: 'dev-mod', moduleId: 'm-dup' }).catch((e: unknown) => e);
    expect((dup as Error).constructor.name).toBe('DeviceAlreadyExistsError');
  });
});
