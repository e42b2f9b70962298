/**
 * The official device SDK with AMQP over WebSockets (azure-iot-device + AmqpWs, unmodified)
 * against the HTTPS port's `/$iothub/websocket` (subprotocol AMQPWSB10): telemetry, C2D,
 * twin, direct methods, and the connection's end seen by the core.
 */
import device from 'azure-iot-device';
import deviceAmqp from 'azure-iot-device-amqp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../hub-core/core/types.js';
import {
  addSasDevice, deviceConnectionString, startWsHub, storedTelemetry, waitFor, type WsTestHub,
} from './harness.js';

const { Client, Message } = device;
const { AmqpWs } = deviceAmqp;

type DeviceClient = InstanceType<typeof Client>;
type DeviceMessage = InstanceType<typeof Message>;

describe('AMQP over WebSockets with the official device SDK', () => {
  let hub: WsTestHub;
  const clients: DeviceClient[] = [];

  beforeEach(async () => {
    hub = await startWsHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await hub.close();
  });

  async function openDevice(deviceId: string): Promise<DeviceClient> {
    const key = await addSasDevice(hub, deviceId);
    const client = Client.fromConnectionString(deviceConnectionString(hub, deviceId, key), AmqpWs);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    return client;
  }

  it('stores telemetry with system and application properties', async () => {
    const client = await openDevice('aws-dev1');
    expect(hub.bridge.connectionCount()).toBe(1);
    expect(hub.amqp.stats().connectionsOpen).toBe(1);
    const msg = new Message(JSON.stringify({ temp: 21.5 }));
    msg.messageId = 'm-1';
    msg.contentType = 'application/json';
    msg.properties.add('alert', 'yes & no');
    // sendEvent resolves on `accepted`, which the head gives once the message is stored.
    await client.sendEvent(msg);

    const stored = await storedTelemetry(hub, 'aws-dev1');
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.message.body).toString()).toBe('{"temp":21.5}');
    expect(stored[0]!.message.system).toMatchObject({ messageId: 'm-1', contentType: 'application/json' });
    expect(stored[0]!.message.properties).toEqual({ alert: 'yes & no' });
  });

  it('carries a message close to the 256 KiB limit split into AMQP frames', async () => {
    const client = await openDevice('aws-big');
    const body = Buffer.alloc(250 * 1024, 9);
    await client.sendEvent(new Message(body));
    const [stored] = await storedTelemetry(hub, 'aws-big');
    expect(Buffer.from(stored!.message.body).equals(body)).toBe(true);
  });

  it('delivers C2D with properties; complete gives Success feedback', async () => {
    const client = await openDevice('aws-dev1');
    const feedback: FeedbackRecord[] = [];
    hub.core.c2d.onFeedback((r) => feedback.push(r));
    const received: DeviceMessage[] = [];
    client.on('message', (m: DeviceMessage) => {
      received.push(m);
      void client.complete(m);
    });
    await hub.core.c2d.send('aws-dev1', {
      body: Buffer.from('hello over amqp-ws'), system: { messageId: 'c2d-1', ack: 'full' }, properties: { color: 'red/blue' },
    });
    const m = await waitFor(() => received[0], 'C2D message');
    expect(m.getData().toString()).toBe('hello over amqp-ws');
    expect(m.messageId).toBe('c2d-1');
    expect(m.properties.getValue('color')).toBe('red/blue');
    const record = await waitFor(() => feedback.find((f) => f.originalMessageId === 'c2d-1'), 'feedback');
    expect(record.statusCode).toBe('Success');
    expect(await hub.core.c2d.queueDepth('aws-dev1')).toBe(0);
  });

  it('answers twin GET, applies reported patches and pushes desired patches', async () => {
    const client = await openDevice('aws-dev1');
    const twin = await client.getTwin();
    expect(twin.properties.desired.$version).toBe(1);

    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update({ fw: '2.0.0' }, (err?: Error) => (err ? reject(err) : resolve()));
    });
    const serviceTwin = await hub.core.twins.get({ deviceId: 'aws-dev1' });
    expect(serviceTwin.properties.reported).toMatchObject({ fw: '2.0.0' });

    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    await waitFor(() => desired.length >= 1, 'initial desired event');
    // The PUT subscription travels after the first event; patch until the device sees one.
    await waitFor(async () => {
      await hub.core.twins.patch({ deviceId: 'aws-dev1' }, { properties: { desired: { interval: 30 } } });
      return desired.some((d) => d.interval === 30);
    }, 'desired patch', 10_000);
    expect(typeof desired.find((d) => d.interval === 30)!.$version).toBe('number');
  });

  it('invokes a direct method answered by onDeviceMethod', async () => {
    const client = await openDevice('aws-dev1');
    let seen: unknown;
    client.onDeviceMethod('reboot', (request, response) => {
      seen = request.payload;
      void response.send(200, { ok: true });
    });
    const result = await hub.core.methods.invoke({ deviceId: 'aws-dev1' }, {
      methodName: 'reboot', payload: { delay: 5 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(seen).toEqual({ delay: 5 });
    expect(result).toEqual({ status: 200, payload: { ok: true } });
  });

  it('ends the device session when the client closes its WebSocket', async () => {
    const client = await openDevice('aws-dev1');
    await client.sendEvent(new Message('hi'));
    await client.close();
    clients.splice(0);
    await waitFor(() => hub.disconnects.includes('aws-dev1:amqp'), 'deviceDisconnected');
    await waitFor(() => hub.bridge.connectionCount() === 0 && hub.amqp.stats().connectionsOpen === 0, 'connection gone');
  });
});
