/**
 * Authentication and permissions on the service API, checked with raw requests and with the
 * official SDK's error classes.
 */
import { Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from './harness.js';

let h: Harness;
let deviceKey: string;

beforeAll(async () => {
  h = await startHarness();
  const dev = await h.core.registry.createDevice({ deviceId: 'auth-dev' });
  deviceKey = dev.authentication.symmetricKey?.primaryKey ?? '';
});

afterAll(async () => {
  await h?.close();
});

function expectIotHubUnauthorized(res: { status: number; headers: Record<string, unknown>; json<T>(): T }): void {
  expect(res.status).toBe(401);
  expect(String(res.headers['content-type'])).toContain('application/json');
  const body = res.json<{ Message: string; ExceptionMessage: string }>();
  expect(body.Message).toMatch(/^ErrorCode:IotHubUnauthorizedAccess;.+/);
  expect(body.ExceptionMessage).toMatch(/^Tracking ID:\w+-G:0-TimeStamp:/);
}

describe('service API authentication', () => {
  it('no Authorization header → 401', async () => {
    expectIotHubUnauthorized(await h.request({ method: 'GET', path: '/devices?api-version=2021-04-12' }));
  });

  it('a token that is not a SAS token → 401', async () => {
    expectIotHubUnauthorized(await h.request({
      method: 'GET', path: '/devices', headers: { Authorization: 'Bearer abc.def.ghi' },
    }));
  });

  it('a registryRead policy can list but cannot create a device (401 UnauthorizedError)', async () => {
    const reader = Registry.fromConnectionString(h.connectionString('registryRead'));
    const { responseBody } = await reader.list();
    expect(responseBody.map((d) => d.deviceId)).toContain('auth-dev');
    const err = await reader.create({ deviceId: 'auth-forbidden' }).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('UnauthorizedError');
    await expect(h.core.registry.getDevice('auth-forbidden')).rejects.toMatchObject({ code: 'FH_REGISTRY_NOT_FOUND' });
  });

  it('a service policy (ServiceConnect only) cannot read the registry', async () => {
    const service = Registry.fromConnectionString(h.connectionString('service'));
    const err = await service.get('auth-dev').catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('UnauthorizedError');
  });

  it('a device SAS token cannot list devices', async () => {
    expectIotHubUnauthorized(await h.request({
      method: 'GET', path: '/devices?api-version=2021-04-12', headers: { Authorization: h.deviceToken('auth-dev', deviceKey) },
    }));
  });

  it('an expired policy token → 401', async () => {
    const expired = h.policyToken('iothubowner', Math.floor(Date.now() / 1000) - 60);
    expectIotHubUnauthorized(await h.request({ method: 'GET', path: '/devices', headers: { Authorization: expired } }));
  });

  it('a wrong key → 401, and the SDK gives UnauthorizedError', async () => {
    const wrong = `HostName=${h.ip};SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`;
    const err = await Registry.fromConnectionString(wrong).get('auth-dev').catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('UnauthorizedError');
  });

  it('a registryRead policy may read twins and query, but not patch twins', async () => {
    const reader = Registry.fromConnectionString(h.connectionString('registryRead'));
    const { responseBody: twin } = await reader.getTwin('auth-dev');
    expect(twin.deviceId).toBe('auth-dev');
    const { result } = await reader.createQuery("SELECT * FROM devices WHERE deviceId = 'auth-dev'").next();
    expect(result).toHaveLength(1);
    const err = await reader.updateTwin('auth-dev', { tags: { a: 1 } }, '*').catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('UnauthorizedError');
  });

  it('the Authorization header never reaches a response', async () => {
    const token = h.policyToken('registryRead');
    const res = await h.request({ method: 'PUT', path: '/devices/x', headers: { Authorization: token }, body: '{}' });
    expect(res.status).toBe(401);
    expect(res.body.toString()).not.toContain('sig=');
  });
});
