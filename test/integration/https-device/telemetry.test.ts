/**
 * Device-to-cloud telemetry over HTTPS with the unmodified azure-iot-device-http transport, plus
 * raw requests for what the SDK does not send (module paths, odd header case, bad input).
 */
import { request as httpsRequest } from 'node:https';
import { SharedAccessSignature as DeviceSas, Message } from 'azure-iot-device';
import { SharedAccessSignature as ServiceSas } from 'azure-iothub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeviceHarness, storedTelemetry, type DeviceHarness, type TestDevice } from './harness.js';

let h: DeviceHarness;
let d1: TestDevice;
let d2: TestDevice;

beforeAll(async () => {
  h = await startDeviceHarness();
  d1 = await h.createDevice('tele-1');
  d2 = await h.createDevice('tele-2');
});
afterAll(() => h.close());

describe('HTTPS device telemetry (azure-iot-device-http)', () => {
  it('sendEvent stores body, system and application properties, durably before it resolves', async () => {
    const client = h.client(d1);
    const msg = new Message(JSON.stringify({ t: 21.5 }));
    msg.messageId = 'm-1';
    msg.correlationId = 'c-1';
    msg.userId = 'u-1';
    msg.contentType = 'application/json';
    msg.contentEncoding = 'utf-8';
    msg.expiryTimeUtc = '2030-01-01T00:00:00.000Z';
    (msg as unknown as { interfaceId: string }).interfaceId = 'dtmi:com:example;1';
    msg.properties.add('Color', 'red');
    msg.properties.add('dt-subject', 'thermostat1');
    await client.sendEvent(msg);
    // Resolved means stored: the message is readable at once.
    const [stored, ...rest] = await storedTelemetry(h.core, d1.deviceId);
    expect(rest).toEqual([]);
    expect(Buffer.from(stored!.message.body).toString()).toBe('{"t":21.5}');
    expect(stored!.message.properties).toEqual({ Color: 'red' });
    expect(stored!.message.system).toMatchObject({
      messageId: 'm-1', correlationId: 'c-1', userId: 'u-1', contentType: 'application/json', contentEncoding: 'utf-8',
      expiryTimeUtc: '2030-01-01T00:00:00.000Z', interfaceId: 'dtmi:com:example;1', subject: 'thermostat1',
      connectionDeviceId: d1.deviceId,
    });
    // The SDK's own routing header (iothub-to: the events path) is not a property of the message.
    expect(stored!.message.system.to).toBeUndefined();
  });

  it('sendEventBatch stores every message in order with its properties', async () => {
    const client = h.client(d2);
    const batch = ['a', 'b', 'c'].map((body, i) => {
      const m = new Message(body);
      m.properties.add('n', String(i));
      return m;
    });
    await client.sendEventBatch(batch);
    const stored = await storedTelemetry(h.core, d2.deviceId);
    expect(stored.map((s) => Buffer.from(s.message.body).toString())).toEqual(['a', 'b', 'c']);
    expect(stored.map((s) => s.message.properties)).toEqual([{ n: '0' }, { n: '1' }, { n: '2' }]);
    expect(stored[1]!.seq).toBeGreaterThan(stored[0]!.seq);
  });

  it('refuses a message over maxMessageBytes with 413 (MessageTooLargeError) and stores nothing', async () => {
    const dev = await h.createDevice('tele-big');
    const err = await h.client(dev).sendEvent(new Message(Buffer.alloc(300 * 1024))).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('MessageTooLargeError');
    const batch = [1, 2, 3].map(() => new Message(Buffer.alloc(100 * 1024, 1)));
    const batchErr = await h.client(dev).sendEventBatch(batch).catch((e: unknown) => e);
    expect((batchErr as Error).constructor.name).toBe('MessageTooLargeError');
    expect(await storedTelemetry(h.core, dev.deviceId)).toEqual([]);
  });

  it('a wrong key gets UnauthorizedError', async () => {
    const wrong = { ...d1, connectionString: `HostName=${h.ip};DeviceId=${d1.deviceId};SharedAccessKey=${Buffer.alloc(32).toString('base64')}` };
    const err = await h.client(wrong).sendEvent(new Message('x')).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('UnauthorizedError');
  });
});

describe('HTTPS device telemetry (raw requests)', () => {
  it('reads property headers in any case', async () => {
    const dev = await h.createDevice('tele-case');
    const res = await h.request({
      method: 'POST', path: `/devices/${dev.deviceId}/messages/events?api-version=2021-04-12`, body: 'x',
      headers: { Authorization: dev.token, 'IOTHUB-MESSAGEID': 'M', 'Iothub-App-MixedCase': 'v', 'DT-SUBJECT': 's', 'IoTHub-To': '/custom' },
    });
    expect(res.status).toBe(204);
    const [stored] = await storedTelemetry(h.core, dev.deviceId);
    expect(stored!.message.system).toMatchObject({ messageId: 'M', subject: 's', to: '/custom' });
    expect(stored!.message.properties).toEqual({ MixedCase: 'v' });
  });

  it('takes module telemetry on the module path with the module token only', async () => {
    const dev = await h.createDevice('tele-mod');
    const mod = await h.core.registry.createModule({ deviceId: dev.deviceId, moduleId: 'm1' });
    const modToken = DeviceSas.create(h.ip, `${dev.deviceId}/modules/m1`, mod.authentication.symmetricKey?.primaryKey ?? '',
      Math.floor(Date.now() / 1000) + 3600).toString();
    const path = `/devices/${dev.deviceId}/modules/m1/messages/events`;
    expect((await h.request({ method: 'POST', path, body: 'from module', headers: { Authorization: modToken } })).status).toBe(204);
    expect((await h.request({ method: 'POST', path, body: 'device key', headers: { Authorization: dev.token } })).status).toBe(401);
    const stored = await storedTelemetry(h.core, dev.deviceId);
    expect(stored.map((s) => [s.moduleId, Buffer.from(s.message.body).toString()])).toEqual([['m1', 'from module']]);
  });

  it('a device token for A can never send as, receive for, or upload as B; service policies cannot either', async () => {
    const service = ServiceSas.create(h.ip, 'service', h.core.auth.policies().find((p) => p.keyName === 'service')!.primaryKey,
      Math.floor(Date.now() / 1000) + 3600).toString();
    for (const auth of [d1.token, service]) {
      const send = await h.request({ method: 'POST', path: `/devices/${d2.deviceId}/messages/events`, body: 'spoof', headers: { Authorization: auth } });
      expect(send.status).toBe(401);
      expect(send.text()).toContain('IotHubUnauthorizedAccess');
      expect((await h.request({ method: 'GET', path: `/devices/${d2.deviceId}/messages/devicebound`, headers: { Authorization: auth } })).status).toBe(401);
      const files = await h.request({
        method: 'POST', path: `/devices/${d2.deviceId}/files`, body: '{"blobName":"x"}',
        headers: { Authorization: auth, 'Content-Type': 'application/json' },
      });
      expect(files.status).toBe(401);
    }
    // Nor can a device token reach the service API.
    expect((await h.request({ method: 'GET', path: `/devices/${d1.deviceId}`, headers: { Authorization: d1.token } })).status).toBe(401);
    expect((await storedTelemetry(h.core, d2.deviceId)).map((s) => Buffer.from(s.message.body).toString())).not.toContain('spoof');
  });

  it('answers malformed batches with 400 and stores none of them', async () => {
    const dev = await h.createDevice('tele-badbatch');
    const headers = { Authorization: dev.token, 'Content-Type': 'application/vnd.microsoft.iothub.json' };
    for (const body of ['not json', '{}', '[]', '[{"body":"YQ=="},{"body":42}]', '[{"body":"YQ==","properties":{"iothub-app-k":1}}]']) {
      const res = await h.request({ method: 'POST', path: `/devices/${dev.deviceId}/messages/events`, body, headers });
      expect(res.status, body).toBe(400);
    }
    expect(await storedTelemetry(h.core, dev.deviceId)).toEqual([]);
  });

  it('answers an unauthenticated upload before its body arrives, and closes instead of reading it', async () => {
    const framings: Array<Record<string, string | number>> = [{ 'Content-Length': 100 * 1024 * 1024 }, { 'Transfer-Encoding': 'chunked' }];
    for (const framing of framings) {
      const res = await new Promise<{ status: number; connection: string | undefined }>((resolve, reject) => {
        const req = httpsRequest(h.requestOptions('POST', `/devices/${d1.deviceId}/messages/events`, {
          Authorization: 'SharedAccessSignature sr=x&sig=y&se=1', ...framing,
        }), (r) => {
          resolve({ status: r.statusCode ?? 0, connection: r.headers.connection });
          r.resume();
          req.destroy();
        });
        req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
        // Only the first kilobyte is ever sent: the answer must not wait for the rest.
        req.write(Buffer.alloc(1024));
      });
      expect(res).toEqual({ status: 401, connection: 'close' });
    }
  });
});
