/**
 * The official device SDK with MQTT over WebSockets (azure-iot-device + MqttWs, unmodified)
 * against the HTTPS port's `/$iothub/websocket`: telemetry, twin, direct methods, C2D, and the
 * connection's end seen by the core.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addSasDevice, deviceConnectionString, startWsHub, storedTelemetry, waitFor, type WsTestHub,
} from './harness.js';

const { Client, Message } = device;
const { MqttWs } = deviceMqtt;

type DeviceClient = InstanceType<typeof Client>;
type DeviceMessage = InstanceType<typeof Message>;

describe('MQTT over WebSockets with the official device SDK', () => {
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
    const client = Client.fromConnectionString(deviceConnectionString(hub, deviceId, key), MqttWs);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    return client;
  }

  it('stores telemetry with system and application properties', async () => {
    const client = await openDevice('ws-dev1');
    expect(hub.bridge.connectionCount()).toBe(1);
    const msg = new Message(JSON.stringify({ temp: 21.5 }));
    msg.messageId = 'm-1';
    msg.contentType = 'application/json';
    msg.contentEncoding = 'utf-8';
    msg.properties.add('alert', 'yes & no');
    // sendEvent resolves on PUBACK, which the head sends once the message is stored.
    await client.sendEvent(msg);

    const stored = await storedTelemetry(hub, 'ws-dev1');
    expect(stored).toHaveLength(1);
    expect(Buffer.from(stored[0]!.message.body).toString()).toBe('{"temp":21.5}');
    expect(stored[0]!.message.system).toMatchObject({ messageId: 'm-1', contentType: 'application/json', contentEncoding: 'utf-8' });
    expect(stored[0]!.message.properties).toEqual({ alert: 'yes & no' });
  });

  it('carries a message close to the 256 KiB limit across many WebSocket frames', async () => {
    const client = await openDevice('ws-big');
    const body = Buffer.alloc(250 * 1024, 7);
    await client.sendEvent(new Message(body));
    const [stored] = await storedTelemetry(hub, 'ws-big');
    expect(Buffer.from(stored!.message.body).equals(body)).toBe(true);
  });

  it('answers twin GET, applies reported patches and pushes desired patches', async () => {
    const client = await openDevice('ws-dev1');
    const twin = await client.getTwin();
    expect(twin.properties.desired.$version).toBe(1);

    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update({ fw: '1.2.3' }, (err?: Error) => (err ? reject(err) : resolve()));
    });
    const serviceTwin = await hub.core.twins.get({ deviceId: 'ws-dev1' });
    expect(serviceTwin.properties.reported).toMatchObject({ fw: '1.2.3' });

    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    // The SDK emits the full desired document once on subscribe; wait for the subscription.
    await waitFor(() => desired.length >= 1, 'initial desired event');
    await hub.core.twins.patch({ deviceId: 'ws-dev1' }, { properties: { desired: { interval: 30 } } });
    const patch = await waitFor(() => desired.find((d) => d.interval === 30), 'desired patch');
    expect(patch.$version).toBe(2);
  });

  it('invokes a direct method answered by onDeviceMethod', async () => {
    const client = await openDevice('ws-dev1');
    let seen: unknown;
    client.onDeviceMethod('reboot', (request, response) => {
      seen = request.payload;
      void response.send(200, { ok: true });
    });
    // onDeviceMethod subscribes asynchronously; invoke waits for the connection (connectTimeout).
    const result = await hub.core.methods.invoke({ deviceId: 'ws-dev1' }, {
      methodName: 'reboot', payload: { delay: 5 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(seen).toEqual({ delay: 5 });
    expect(result).toEqual({ status: 200, payload: { ok: true } });
  });

  it('delivers C2D messages with properties and completes them', async () => {
    const client = await openDevice('ws-dev1');
    const received: DeviceMessage[] = [];
    client.on('message', (m: DeviceMessage) => {
      received.push(m);
      void client.complete(m);
    });
    await hub.core.c2d.send('ws-dev1', {
      body: Buffer.from('hello over ws'), system: { messageId: 'c2d-1', ack: 'full' }, properties: { color: 'red/blue' },
    });
    const m = await waitFor(() => received[0], 'C2D message');
    expect(m.getData().toString()).toBe('hello over ws');
    expect(m.messageId).toBe('c2d-1');
    expect(m.properties.getValue('color')).toBe('red/blue');
    // PUBACK = Completed: the queue drains.
    await waitFor(async () => (await hub.core.c2d.queueDepth('ws-dev1')) === 0, 'C2D completion');
  });

  it('ends the device session when the client closes its WebSocket', async () => {
    const client = await openDevice('ws-dev1');
    await client.close();
    clients.splice(0);
    await waitFor(() => hub.disconnects.includes('ws-dev1:mqtt'), 'deviceDisconnected');
    await waitFor(() => hub.bridge.connectionCount() === 0, 'WebSocket gone');
  });
});
