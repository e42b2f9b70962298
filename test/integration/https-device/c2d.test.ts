/**
 * Cloud-to-device messages over HTTPS: the unmodified azure-iot-device-http transport polls,
 * receives through `client.on('message')` and settles with complete / reject / abandon; the
 * service side is observed through the core (feedback, queue depth). Raw requests cover the
 * response headers, delivery counts and stale locks.
 */
import type { Client, Message as DeviceMessage } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../hub-core/core/types.js';
import { startDeviceHarness, type DeviceHarness, type TestDevice } from './harness.js';

let h: DeviceHarness;
const feedback: FeedbackRecord[] = [];

beforeAll(async () => {
  h = await startDeviceHarness();
  h.core.c2d.onFeedback((r) => feedback.push(r));
});
afterAll(() => h.close());

function send(deviceId: string, body: string, messageId: string, properties: Record<string, string> = {}): Promise<void> {
  return h.core.c2d.send(deviceId, {
    body: Buffer.from(body),
    system: { messageId, correlationId: `corr-${messageId}`, ack: 'full', expiryTimeUtc: new Date(Date.now() + 3_600_000).toISOString() },
    properties,
  });
}

/** Resolves with the next `count` messages the client receives. */
function nextMessages(client: Client, count: number): Promise<DeviceMessage[]> {
  return new Promise((resolve) => {
    const got: DeviceMessage[] = [];
    const onMessage = (m: DeviceMessage): void => {
      got.push(m);
      if (got.length === count) {
        client.removeListener('message', onMessage);
        resolve(got);
      }
    };
    client.on('message', onMessage);
  });
}

async function feedbackFor(messageId: string): Promise<FeedbackRecord> {
  await expect.poll(() => feedback.some((f) => f.originalMessageId === messageId), { timeout: 10_000 }).toBe(true);
  return feedback.find((f) => f.originalMessageId === messageId)!;
}

describe('HTTPS C2D (azure-iot-device-http)', () => {
  let dev: TestDevice;
  let client: Client;

  beforeAll(async () => {
    dev = await h.createDevice('c2d-sdk');
    client = h.client(dev);
  });

  it('receives body, system and application properties; complete sends Success feedback', async () => {
    const arriving = nextMessages(client, 1);
    await send(dev.deviceId, 'hello device', 'msg-complete', { color: 'blue' });
    const [msg] = await arriving;
    expect(msg!.getData().toString()).toBe('hello device');
    expect(msg!.messageId).toBe('msg-complete');
    expect(msg!.correlationId).toBe('corr-msg-complete');
    expect(msg!.to).toBe(`/devices/${dev.deviceId}/messages/devicebound`);
    expect(msg!.lockToken).toMatch(/^[0-9a-f-]{36}$/);
    // The SDK keeps the whole header name as the property key.
    expect(msg!.properties.getValue('iothub-app-color')).toBe('blue');
    await client.complete(msg!);
    expect(await feedbackFor('msg-complete')).toMatchObject({ statusCode: 'Success', deviceId: dev.deviceId });
    expect(await h.core.c2d.queueDepth(dev.deviceId)).toBe(0);
  });

  it('reject dead-letters the message (Rejected feedback)', async () => {
    const arriving = nextMessages(client, 1);
    await send(dev.deviceId, 'unwanted', 'msg-reject');
    const [msg] = await arriving;
    await client.reject(msg!);
    expect(await feedbackFor('msg-reject')).toMatchObject({ statusCode: 'Rejected' });
    expect(await h.core.c2d.queueDepth(dev.deviceId)).toBe(0);
  });

  it('abandon puts the message back: it is delivered again, then completed', async () => {
    const arriving = nextMessages(client, 2);
    await send(dev.deviceId, 'try again', 'msg-abandon');
    client.on('message', function abandonFirst(m: DeviceMessage) {
      client.removeListener('message', abandonFirst);
      void client.abandon(m);
    });
    const [first, second] = await arriving;
    expect([first!.messageId, second!.messageId]).toEqual(['msg-abandon', 'msg-abandon']);
    expect(second!.lockToken).not.toBe(first!.lockToken);
    await client.complete(second!);
    expect(await feedbackFor('msg-abandon')).toMatchObject({ statusCode: 'Success' });
  });
});

describe('HTTPS C2D (raw requests)', () => {
  let dev: TestDevice;
  const base = (): string => `/devices/${dev.deviceId}/messages/devicebound`;
  const auth = (): Record<string, string> => ({ Authorization: dev.token });

  beforeAll(async () => {
    dev = await h.createDevice('c2d-raw');
  });

  it('answers 204 when nothing is queued', async () => {
    const res = await h.request({ method: 'GET', path: `${base()}?api-version=2021-04-12`, headers: auth() });
    expect(res.status).toBe(204);
  });

  it('sends the lock as a quoted ETag with the iothub-* headers; abandon counts a redelivery', async () => {
    await send(dev.deviceId, 'raw body \u0000\u00ff', 'raw-1', { k: 'v' });
    const first = await h.request({ method: 'GET', path: base(), headers: auth() });
    expect(first.status).toBe(200);
    expect(first.text()).toBe('raw body \u0000\u00ff');
    const lock = /^"(.+)"$/.exec(first.headers.etag ?? '')?.[1];
    expect(lock).toBeDefined();
    expect(first.headers).toMatchObject({
      'iothub-messageid': 'raw-1', 'iothub-correlationid': 'corr-raw-1', 'iothub-deliverycount': '0', 'iothub-app-k': 'v',
      'iothub-to': `/devices/${dev.deviceId}/messages/devicebound`,
    });
    expect(Date.parse(first.headers['iothub-enqueuedtime'] as string)).not.toBeNaN();
    expect(Date.parse(first.headers['iothub-expiry'] as string)).toBeGreaterThan(Date.now());
    // Locked: not handed out twice.
    expect((await h.request({ method: 'GET', path: base(), headers: auth() })).status).toBe(204);

    expect((await h.request({ method: 'POST', path: `${base()}/${lock}/abandon`, headers: { ...auth(), 'If-Match': lock! } })).status).toBe(204);
    const again = await h.request({ method: 'GET', path: base(), headers: auth() });
    expect(again.headers).toMatchObject({ 'iothub-messageid': 'raw-1', 'iothub-deliverycount': '1' });
    const lock2 = /^"(.+)"$/.exec(again.headers.etag ?? '')?.[1];

    // The old lock is stale now: 412 DeviceMessageLockLost.
    const stale = await h.request({ method: 'DELETE', path: `${base()}/${lock}`, headers: { ...auth(), 'If-Match': lock! } });
    expect(stale.status).toBe(412);
    expect(stale.text()).toContain('DeviceMessageLockLost');
    // An If-Match naming another lock than the path is refused the same way.
    expect((await h.request({ method: 'DELETE', path: `${base()}/${lock2}`, headers: { ...auth(), 'If-Match': 'other' } })).status).toBe(412);

    const done = await h.request({ method: 'DELETE', path: `${base()}/${lock2}?api-version=2021-04-12&reject=true`, headers: auth() });
    expect(done.status).toBe(204);
    expect(await feedbackFor('raw-1')).toMatchObject({ statusCode: 'Rejected' });
    expect((await h.request({ method: 'DELETE', path: `${base()}/${lock2}`, headers: auth() })).status).toBe(412);
  });

  it('a lock of one device cannot settle another device\u2019s message', async () => {
    const other = await h.createDevice('c2d-other');
    await send(dev.deviceId, 'mine', 'raw-2');
    const got = await h.request({ method: 'GET', path: base(), headers: auth() });
    const lock = /^"(.+)"$/.exec(got.headers.etag ?? '')?.[1];
    const res = await h.request({ method: 'DELETE', path: `/devices/${other.deviceId}/messages/devicebound/${lock}`, headers: { Authorization: other.token } });
    expect(res.status).toBe(412);
    expect((await h.request({ method: 'DELETE', path: `${base()}/${lock}`, headers: auth() })).status).toBe(204);
    expect(await feedbackFor('raw-2')).toMatchObject({ statusCode: 'Success' });
  });
});
