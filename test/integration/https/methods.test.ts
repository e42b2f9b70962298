/**
 * Direct methods through the official azure-iothub Client, against a device session attached to
 * the core with a test DeviceProxy (the MQTT end-to-end path is tested with the MQTT head).
 */
import { Client, Registry } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, TestDevice, type Harness } from './harness.js';

let h: Harness;
let client: Client;
let registry: Registry;

async function createDevice(deviceId: string): Promise<string> {
  const { responseBody } = await registry.create({ deviceId });
  return responseBody.authentication?.symmetricKey?.primaryKey ?? '';
}

beforeAll(async () => {
  h = await startHarness();
  registry = Registry.fromConnectionString(h.connectionString());
  client = Client.fromConnectionString(h.connectionString());
});

afterAll(async () => {
  await h?.close();
});

describe('invokeDeviceMethod', () => {
  it('returns the device status and payload', async () => {
    const key = await createDevice('m-ok');
    const device = await TestDevice.connect(h, 'm-ok', key, (req) => ({ status: 201, payload: { echo: req.payload, name: req.name } }));
    const { result } = await client.invokeDeviceMethod('m-ok', { methodName: 'reboot', payload: { delay: 3 }, responseTimeoutInSeconds: 10 });
    expect(result).toEqual({ status: 201, payload: { echo: { delay: 3 }, name: 'reboot' } });
    expect(device.methodCalls.map((c) => c.name)).toEqual(['reboot']);
  });

  it('passes a device-side error status through as a result, not an HTTP error', async () => {
    const key = await createDevice('m-500');
    await TestDevice.connect(h, 'm-500', key, () => ({ status: 500, payload: { error: 'boom' } }));
    const { result } = await client.invokeDeviceMethod('m-500', { methodName: 'fail', payload: null, responseTimeoutInSeconds: 10 });
    expect(result).toEqual({ status: 500, payload: { error: 'boom' } });
  });

  it('a device that is not connected gives a 404 with DeviceNotOnline (404103)', async () => {
    await createDevice('m-offline');
    const err = await client.invokeDeviceMethod('m-offline', { methodName: 'x', payload: null, responseTimeoutInSeconds: 5 })
      .catch((e: unknown) => e) as Error & { response?: { statusCode: number }; responseBody?: string };
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('Not found');
    expect(err.response?.statusCode).toBe(404);
    expect(JSON.parse(err.responseBody ?? '{}')).toMatchObject({ errorCode: 404103 });
    expect(err.responseBody).toContain('ErrorCode:DeviceNotOnline;');
  });

  it('a device that does not answer in time gives GatewayTimeoutError (504101)', async () => {
    const key = await createDevice('m-silent');
    const device = await TestDevice.connect(h, 'm-silent', key, () => undefined);
    const err = await client.invokeDeviceMethod('m-silent', { methodName: 'slow', payload: 1, responseTimeoutInSeconds: 1 })
      .catch((e: unknown) => e) as Error & { responseBody?: string };
    expect(err.constructor.name).toBe('GatewayTimeoutError');
    expect(JSON.parse(err.responseBody ?? '{}')).toMatchObject({ errorCode: 504101 });
    // Exactly one call reached the device: no SDK retry.
    expect(device.methodCalls).toHaveLength(1);
  });

  it('invokes a method on a module', async () => {
    await createDevice('m-host');
    const { responseBody: mod } = await registry.addModule({ deviceId: 'm-host', moduleId: 'mod' });
    const modKey = mod.authentication?.symmetricKey?.primaryKey ?? '';
    const proxy = new TestDevice((req) => ({ status: 200, payload: `module got ${req.name}` }));
    const token = (await import('azure-iot-device')).SharedAccessSignature
      .create(h.ip, 'm-host/modules/mod', modKey, Math.floor(Date.now() / 1000) + 3600).toString();
    const principal = await h.core.auth.verifySas(token);
    proxy.session = await h.core.connect({ deviceId: 'm-host', moduleId: 'mod' }, principal, proxy);
    proxy.session.setMethodsEnabled(true);
    const { result } = await client.invokeDeviceMethod('m-host', 'mod', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 10 });
    expect(result).toEqual({ status: 200, payload: 'module got ping' });
  });

  it('a missing device is DeviceNotFoundError', async () => {
    const err = await client.invokeDeviceMethod('m-none', { methodName: 'x', payload: null, responseTimeoutInSeconds: 5 })
      .catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('DeviceNotFoundError');
  });
});
