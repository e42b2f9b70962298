/**
 * The other transports of the unmodified SDKs against a running `fieldhub hub` process, through
 * the server's real wiring (AMQP head on 5671, device API and WebSockets on the HTTPS port 443):
 * - device over AMQP; service `Client.send` over AMQP with delivery feedback;
 * - device over MQTT and AMQP over WebSockets;
 * - device over HTTP with a file upload, and the service's file notification.
 */
import { Readable } from 'node:stream';
import iothub from 'azure-iothub';
import deviceSdk from 'azure-iot-device';
import amqpTransport from 'azure-iot-device-amqp';
import httpTransport from 'azure-iot-device-http';
import mqttTransport from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Client, Message } = deviceSdk;
type DeviceClient = InstanceType<typeof Client>;
type ServiceMessage = { getData(): Buffer };

let e2e: E2eHub;
const clients: DeviceClient[] = [];

beforeAll(async () => {
  e2e = await startE2eHub({ amqpPort: 5671 });
});

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await e2e?.stop();
});

/** A device client on `transport`, dialling the hub by its HostName (the transports' default ports). */
async function open(deviceId: string, transport: unknown): Promise<DeviceClient> {
  const { key } = await e2e.createDevice(deviceId);
  const client = Client.fromConnectionString(`HostName=${e2e.ip};DeviceId=${deviceId};SharedAccessKey=${key}`, transport as never);
  client.on('error', () => undefined);
  clients.push(client);
  // azure-iot-device-http 1.14.4 never calls back from setOptions({ca}) alone: the HTTP transport
  // trusts the hub through NODE_EXTRA_CA_CERTS (the test CA, set by the vitest config).
  if (transport !== httpTransport.Http) await client.setOptions({ ca: e2e.caPem });
  await client.open();
  return client;
}

async function storedBodies(deviceId: string): Promise<string[]> {
  return (await readTelemetry(e2e, { deviceId })).map(bodyText);
}

describe('AMQP through a running hub', () => {
  it('a device sends telemetry and receives C2D sent by azure-iothub, whose feedback reports Success', async () => {
    const client = await open('amqp-dev', amqpTransport.Amqp);
    await client.sendEvent(new Message('over amqp'));
    expect(await storedBodies('amqp-dev')).toEqual(['over amqp']);

    const received: InstanceType<typeof Message>[] = [];
    client.on('message', (msg: InstanceType<typeof Message>) => {
      received.push(msg);
      void client.complete(msg);
    });
    const { result: feedback } = await e2e.service.getFeedbackReceiver();
    const records: Array<Record<string, unknown>> = [];
    feedback.on('message', (m: ServiceMessage) => {
      records.push(...(JSON.parse(m.getData().toString()) as Array<Record<string, unknown>>));
      void feedback.complete(m as never);
    });
    const msg = new Message('from the back end');
    msg.messageId = 'e2e-c2d-1';
    msg.ack = 'full';
    await e2e.service.send('amqp-dev', msg as never);
    await waitFor(() => received.length === 1, 15_000, () => 'the C2D message at the device');
    expect(received[0]!.data.toString()).toBe('from the back end');
    await waitFor(() => records.some((r) => r.originalMessageId === 'e2e-c2d-1'), 20_000, () => 'the feedback record');
    expect(records.find((r) => r.originalMessageId === 'e2e-c2d-1')).toMatchObject({ statusCode: 'Success', deviceId: 'amqp-dev' });
  });

  it('azure-iothub Client.send to an unknown device fails with DeviceNotFoundError', async () => {
    const err = await e2e.service.send('no-such-device', new Message('x') as never).catch((e: unknown) => e);
    expect((err as Error).constructor.name).toBe('DeviceNotFoundError');
  });
});

describe('WebSockets on the HTTPS port of a running hub', () => {
  it('MqttWs and AmqpWs devices send telemetry and read their twins', async () => {
    const overMqtt = await open('mqtt-ws-dev', mqttTransport.MqttWs);
    const overAmqp = await open('amqp-ws-dev', amqpTransport.AmqpWs);
    await overMqtt.sendEvent(new Message('mqtt over ws'));
    await overAmqp.sendEvent(new Message('amqp over ws'));
    expect(await storedBodies('mqtt-ws-dev')).toEqual(['mqtt over ws']);
    expect(await storedBodies('amqp-ws-dev')).toEqual(['amqp over ws']);
    const twin = await overAmqp.getTwin();
    // update() takes a callback and returns nothing: awaiting it directly would not wait.
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ via: 'amqp-ws' }, (err?: Error) => (err ? reject(err) : resolve())));
    const { responseBody } = await e2e.registry.getTwin('amqp-ws-dev');
    expect(responseBody.properties.reported.via).toBe('amqp-ws');
  });
});

describe('HTTP device API of a running hub', () => {
  it('sends telemetry and uploads a file; the service gets the file notification', async () => {
    const client = await open('http-dev', httpTransport.Http);
    await client.sendEvent(new Message('over https'));
    expect(await storedBodies('http-dev')).toEqual(['over https']);

    const { result: receiver } = await e2e.service.getFileNotificationReceiver();
    const notes: Array<Record<string, unknown>> = [];
    receiver.on('message', (m: ServiceMessage) => {
      notes.push(JSON.parse(m.getData().toString()) as Record<string, unknown>);
      void receiver.complete(m as never);
    });
    const content = Buffer.from('log line 1\nlog line 2\n');
    await client.uploadToBlob('logs/today.txt', Readable.from([content]), content.length);
    await waitFor(() => notes.length === 1, 20_000, () => 'the file notification');
    expect(notes[0]).toMatchObject({ deviceId: 'http-dev', blobName: 'http-dev/logs/today.txt', blobSizeInBytes: content.length });
  });
});
