/**
 * The official service SDK (azure-iothub, unmodified) against the AMQP head: `Client.send`
 * with delivery feedback through `getFeedbackReceiver`, the C2D rejections it maps to typed
 * errors, and file notifications through `getFileNotificationReceiver`. azure-iothub dials
 * only amqps://{HostName}:5671, so the head listens on a random loopback address at 5671 and
 * that address is the hub's HostName.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as ServiceClient } from 'azure-iothub';
import device from 'azure-iot-device';
import deviceAmqp from 'azure-iot-device-amqp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomLoopback } from '../../helpers/loopback.js';
import {
  addSasIdentity, deviceConnectionString, serviceConnectionString, startAmqpHub, waitFor, type AmqpTestHub,
} from './harness.js';

const { Client: DeviceClient, Message } = device;
const { Amqp } = deviceAmqp;

type DeviceMessage = InstanceType<typeof Message>;
type ServiceMessage = { getData(): Buffer; data: unknown };

let hub: AmqpTestHub;
let uploads: string;
let service: ServiceClient;
let deviceClient: InstanceType<typeof DeviceClient>;
const received: DeviceMessage[] = [];

beforeAll(async () => {
  const host = randomLoopback();
  uploads = mkdtempSync(join(tmpdir(), 'fh-amqp-uploads-'));
  hub = await startAmqpHub({
    host, port: 5671, hostName: host, limits: { maxC2dQueueDepth: 3, maxC2dBytes: 4096 }, files: { dir: uploads },
  });
  const key = await addSasIdentity(hub, 'dev1');
  deviceClient = DeviceClient.fromConnectionString(deviceConnectionString(hub, 'dev1', key), Amqp);
  await deviceClient.setOptions({ ca: hub.ca });
  await deviceClient.open();
  deviceClient.on('message', (m: DeviceMessage) => {
    received.push(m);
    void deviceClient.complete(m);
  });
  await addSasIdentity(hub, 'quiet');
  service = ServiceClient.fromConnectionString(serviceConnectionString(hub));
  await service.open();
});

afterAll(async () => {
  await service?.close().catch(() => undefined);
  await deviceClient?.close().catch(() => undefined);
  await hub?.close();
  rmSync(uploads, { recursive: true, force: true });
});

describe('azure-iothub Client over AMQP', () => {
  it('sends C2D to a device and receives the Success feedback after the device completes', async () => {
    const { result: receiver } = await service.getFeedbackReceiver();
    const batches: unknown[][] = [];
    receiver.on('message', (m: ServiceMessage) => {
      batches.push(JSON.parse(m.getData().toString()) as unknown[]);
      void receiver.complete(m as never);
    });
    const msg = new Message('to the device');
    msg.messageId = 'svc-msg-1';
    msg.ack = 'full';
    msg.properties.add('k', 'v');
    await service.send('dev1', msg as never);

    const got = await waitFor(() => received.find((m) => m.messageId === 'svc-msg-1'), 'C2D at the device');
    expect(got.getData().toString()).toBe('to the device');
    expect(got.properties.getValue('k')).toBe('v');
    expect(got.ack).toBe('full');

    const record = await waitFor(() => batches.flat().find((r) => (r as { originalMessageId?: string }).originalMessageId === 'svc-msg-1'), 'feedback');
    expect(record).toMatchObject({ statusCode: 'Success', deviceId: 'dev1', originalMessageId: 'svc-msg-1' });
  });

  it('maps an unknown device to DeviceNotFoundError (amqp:not-found)', async () => {
    const err = await service.send('no-such-device', new Message('x') as never).catch((e: unknown) => e) as Error & { amqpError?: { condition?: string } };
    expect(err.name).toBe('DeviceNotFoundError');
    expect(err.amqpError?.condition).toBe('amqp:not-found');
  });

  it('maps a full queue to DeviceMaximumQueueDepthExceededError and a too large message to MessageTooLargeError', async () => {
    // `quiet` has no receiver: its queue (depth 3 here) fills up.
    for (let i = 0; i < 3; i++) await service.send('quiet', new Message(`m${i}`) as never);
    const full = await service.send('quiet', new Message('one too many') as never).catch((e: unknown) => e) as Error & { amqpError?: { condition?: string } };
    expect(full.name).toBe('DeviceMaximumQueueDepthExceededError');
    expect(full.amqpError?.condition).toBe('amqp:resource-limit-exceeded');
    expect(await hub.core.c2d.queueDepth('quiet')).toBe(3);

    const big = await service.send('dev1', new Message(Buffer.alloc(8192, 0x61)) as never).catch((e: unknown) => e) as Error & { amqpError?: { condition?: string } };
    expect(big.name).toBe('MessageTooLargeError');
    expect(big.amqpError?.condition).toBe('amqp:link:message-size-exceeded');
  });

  it('delivers file notifications to getFileNotificationReceiver', async () => {
    const { result: receiver } = await service.getFileNotificationReceiver();
    const notes: Array<Record<string, unknown>> = [];
    receiver.on('message', (m: ServiceMessage) => {
      notes.push(JSON.parse(m.getData().toString()) as Record<string, unknown>);
      void receiver.complete(m as never);
    });
    // A real upload through the core's file service (what the HTTPS head drives for devices).
    const files = hub.core.files;
    const target = await files.createUpload('dev1', 'logs/a.txt', hub.hostName);
    const path = target.blobName.split('/').map((s) => decodeURIComponent(s));
    const grant = files.authorizeBlob(target.containerName, path, new URLSearchParams(target.sasToken.slice(1)));
    await files.putBlob(grant, (async function* () { yield Buffer.from('hello'); })());
    await files.completeUpload('dev1', target.correlationId, { isSuccess: true, statusCode: 200, statusDescription: 'ok' });
    const note = await waitFor(() => notes[0], 'file notification');
    expect(note).toMatchObject({ deviceId: 'dev1', blobName: 'dev1/logs/a.txt', blobSizeInBytes: 5 });

    // Other producers can use the head's hook.
    hub.head.publishFileNotification({
      deviceId: 'dev1', blobUri: `https://${hub.hostName}/x/dev1/b.txt`, blobName: 'dev1/b.txt',
      lastUpdatedTime: new Date().toISOString(), blobSizeInBytes: 7, enqueuedTimeUtc: new Date().toISOString(),
    });
    expect(await waitFor(() => notes[1], 'hooked notification')).toMatchObject({ blobName: 'dev1/b.txt', blobSizeInBytes: 7 });
  });
});

/**
 * Records kept for receivers that attach later: a hub of its own, so no receiver of the tests
 * above competes for them, and a fresh service client per test (closed at its end), so each
 * test's receiver is the only one attached.
 */
describe('azure-iothub receivers get feedback and file notifications produced before they attached', () => {
  let late: AmqpTestHub;
  let lateUploads: string;
  let lateDevice: InstanceType<typeof DeviceClient>;
  const completedAtDevice: string[] = [];
  const clients: ServiceClient[] = [];

  beforeAll(async () => {
    lateUploads = mkdtempSync(join(tmpdir(), 'fh-amqp-late-'));
    const host = randomLoopback();
    late = await startAmqpHub({ host, port: 5671, hostName: host, files: { dir: lateUploads } });
    const key = await addSasIdentity(late, 'late1');
    lateDevice = DeviceClient.fromConnectionString(deviceConnectionString(late, 'late1', key), Amqp);
    await lateDevice.setOptions({ ca: late.ca });
    await lateDevice.open();
    lateDevice.on('message', (m: DeviceMessage) => {
      void lateDevice.complete(m).then(() => completedAtDevice.push(String(m.messageId)));
    });
  });

  afterAll(async () => {
    for (const c of clients) await c.close().catch(() => undefined);
    await lateDevice?.close().catch(() => undefined);
    await late?.close();
    rmSync(lateUploads, { recursive: true, force: true });
  });

  async function newServiceClient(): Promise<ServiceClient> {
    const client = ServiceClient.fromConnectionString(serviceConnectionString(late));
    clients.push(client);
    await client.open();
    return client;
  }

  /** Sends a C2D with ack full and waits until the device completed it and its feedback is queued. */
  async function completedC2d(messageId: string): Promise<void> {
    const client = await newServiceClient();
    const msg = new Message(`body of ${messageId}`);
    msg.messageId = messageId;
    msg.ack = 'full';
    await client.send('late1', msg as never);
    await waitFor(() => completedAtDevice.includes(messageId), `${messageId} completed by the device`);
    await waitFor(() => late.core.serviceQueues.feedback.availableCount() === 1, `${messageId}'s feedback queued`);
    await client.close();
  }

  const feedbackIds = (batches: unknown[][]): string[] => batches.flat().map((r) => (r as { originalMessageId: string }).originalMessageId);

  it('getFeedbackReceiver receives the Success record of a C2D completed before it attached', async () => {
    await completedC2d('early-1');
    const service2 = await newServiceClient();
    const { result: receiver } = await service2.getFeedbackReceiver();
    const batches: unknown[][] = [];
    const contentTypes: unknown[] = [];
    receiver.on('message', (m: ServiceMessage & { contentType?: unknown }) => {
      batches.push(JSON.parse(m.getData().toString()) as unknown[]);
      contentTypes.push(m.contentType);
      void receiver.complete(m as never);
    });
    await waitFor(() => batches.length === 1, 'the feedback batch');
    expect(batches[0]).toEqual([expect.objectContaining({ originalMessageId: 'early-1', statusCode: 'Success', deviceId: 'late1' })]);
    expect(contentTypes[0]).toBe('application/vnd.microsoft.iothub.feedback.json');
    // accepted → completed in the core.
    await waitFor(() => late.core.stats().serviceQueues.feedback.records === 0, 'the record completed');
    expect(late.core.stats().serviceQueues.feedback).toMatchObject({ completed: 1, released: 0 });
    await service2.close();
  });

  it('a feedback receiver that abandons a batch gets the same record again', async () => {
    await completedC2d('early-2');
    const service3 = await newServiceClient();
    const { result: receiver } = await service3.getFeedbackReceiver();
    const batches: unknown[][] = [];
    receiver.on('message', (m: ServiceMessage) => {
      batches.push(JSON.parse(m.getData().toString()) as unknown[]);
      // Synchronously, before the SDK's own auto-accept goes out: the first batch is released.
      if (batches.length === 1) void receiver.abandon(m as never);
      else void receiver.complete(m as never);
    });
    await waitFor(() => batches.length === 2, 'the batch delivered again');
    expect(feedbackIds(batches)).toEqual(['early-2', 'early-2']);
    await waitFor(() => late.core.stats().serviceQueues.feedback.records === 0, 'the record completed');
    expect(late.core.stats().serviceQueues.feedback).toMatchObject({ released: 1, completed: 2 });
    await service3.close();
  });

  it('getFileNotificationReceiver receives a notification produced before it attached', async () => {
    const files = late.core.files;
    const target = await files.createUpload('late1', 'early/report.txt', late.hostName);
    const path = target.blobName.split('/').map((s) => decodeURIComponent(s));
    const grant = files.authorizeBlob(target.containerName, path, new URLSearchParams(target.sasToken.slice(1)));
    await files.putBlob(grant, (async function* () { yield Buffer.from('early bytes'); })());
    await files.completeUpload('late1', target.correlationId, { isSuccess: true, statusCode: 200, statusDescription: 'ok' });
    expect(late.core.serviceQueues.fileNotifications.availableCount()).toBe(1);

    const service4 = await newServiceClient();
    const { result: receiver } = await service4.getFileNotificationReceiver();
    const notes: Array<Record<string, unknown>> = [];
    receiver.on('message', (m: ServiceMessage) => {
      notes.push(JSON.parse(m.getData().toString()) as Record<string, unknown>);
      void receiver.complete(m as never);
    });
    const note = await waitFor(() => notes[0], 'the file notification');
    expect(note).toMatchObject({ deviceId: 'late1', blobName: 'late1/early/report.txt', blobSizeInBytes: 11 });
    await waitFor(() => late.core.stats().serviceQueues.fileNotifications.records === 0, 'the notification completed');
    expect(notes).toHaveLength(1);
    await service4.close();
  });
});
