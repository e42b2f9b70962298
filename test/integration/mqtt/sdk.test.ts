/**
 * The official Azure IoT device SDK (azure-iot-device + azure-iot-device-mqtt, unmodified)
 * against the MQTT head: telemetry, twin, direct methods, C2D, and a module identity.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addSasIdentity, deviceConnectionString, startMqttHub, storedTelemetry, waitFor, type MqttTestHub,
} from './harness.js';

const { Client, ModuleClient, Message } = device;
const { Mqtt } = deviceMqtt;

type Closable = { close(): Promise<unknown> };

describe('MQTT head with the official device SDK', () => {
  let hub: MqttTestHub;
  const clients: Closable[] = [];

  beforeEach(async () => {
    hub = await startMqttHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await hub.close();
  });

  async function openDevice(deviceId: string): Promise<InstanceType<typeof Client>> {
    const key = await addSasIdentity(hub, deviceId);
    const client = Client.fromConnectionString(deviceConnectionString(hub, deviceId, key), Mqtt);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    return client;
  }

  it('stores telemetry with system and application properties', async () => {
    const client = await openDevice('dev1');
    const msg = new Message(JSON.stringify({ temp: 21.5 }));
    msg.messageId = 'm-1';
    msg.correlationId = 'c-1';
    msg.contentType = 'application/json';
    msg.contentEncoding = 'utf-8';
    msg.properties.add('alert', 'yes & no');
    msg.properties.add('dt-subject', 'thermo');
    await client.sendEvent(msg);

    const [stored] = await storedTelemetry(hub, 'dev1');
    expect(stored).toBeDefined();
    expect(Buffer.from(stored!.message.body).toString()).toBe('{"temp":21.5}');
    expect(stored!.message.system).toMatchObject({
      messageId: 'm-1', correlationId: 'c-1', contentType: 'application/json', contentEncoding: 'utf-8', subject: 'thermo',
    });
    expect(stored!.message.properties).toEqual({ alert: 'yes & no' });
  });

  it('answers twin GET, applies reported patches and pushes desired patches', async () => {
    const client = await openDevice('dev1');
    const twin = await client.getTwin();
    expect(twin.properties.desired.$version).toBe(1);

    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update({ fw: '1.2.3', nested: { a: 1 } }, (err?: Error) => (err ? reject(err) : resolve()));
    });
    const serviceTwin = await hub.core.twins.get({ deviceId: 'dev1' });
    expect(serviceTwin.properties.reported).toMatchObject({ fw: '1.2.3', nested: { a: 1 } });

    const desired: Record<string, unknown>[] = [];
    twin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    // The SDK emits the full desired document once on subscribe; wait for the subscription.
    await waitFor(() => desired.length >= 1, 'initial desired event');
    await hub.core.twins.patch({ deviceId: 'dev1' }, { properties: { desired: { interval: 30 } } });
    const patch = await waitFor(() => desired.find((d) => d.interval === 30), 'desired patch');
    expect(patch.$version).toBe(2);

    // A second GET after the patch sees the new desired version.
    const again = await client.getTwin();
    expect(again.properties.desired.interval).toBe(30);
  });

  it('invokes a direct method answered by onDeviceMethod', async () => {
    const client = await openDevice('dev1');
    let seen: unknown;
    client.onDeviceMethod('reboot', (request, response) => {
      seen = request.payload;
      void response.send(200, { ok: true, delay: (request.payload as { delay: number }).delay });
    });
    // onDeviceMethod subscribes asynchronously; invoke waits for the connection (connectTimeout).
    const result = await hub.core.methods.invoke({ deviceId: 'dev1' }, {
      methodName: 'reboot', payload: { delay: 5 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(seen).toEqual({ delay: 5 });
    expect(result).toEqual({ status: 200, payload: { ok: true, delay: 5 } });
  });

  it('delivers a null method payload as valid JSON', async () => {
    const client = await openDevice('dev1');
    client.onDeviceMethod('ping', (request, response) => {
      void response.send(200, { got: request.payload ?? 'null' });
    });
    const result = await hub.core.methods.invoke({ deviceId: 'dev1' }, {
      methodName: 'ping', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(result.status).toBe(200);
  });

  it('delivers C2D messages with properties and completes them', async () => {
    const client = await openDevice('dev1');
    const received: InstanceType<typeof Message>[] = [];
    client.on('message', (m: InstanceType<typeof Message>) => {
      received.push(m);
      void client.complete(m);
    });
    await hub.core.c2d.send('dev1', {
      body: Buffer.from('hello device'),
      system: { messageId: 'c2d-1', correlationId: 'corr/1', ack: 'full' },
      properties: { color: 'red/blue', 'with space': 'a&b=c', empty: '' },
    });
    const m = await waitFor(() => received[0], 'C2D message');
    expect(m.getData().toString()).toBe('hello device');
    expect(m.messageId).toBe('c2d-1');
    expect(m.correlationId).toBe('corr/1');
    expect(m.to?.toLowerCase()).toBe('/devices/dev1/messages/devicebound');
    expect(m.properties.getValue('color')).toBe('red/blue');
    expect(m.properties.getValue('with space')).toBe('a&b=c');
    expect(m.properties.getValue('empty')).toBe('');
    expect(m.properties.getValue('iothub-ack')).toBe('full');
    // PUBACK = Completed: the queue drains.
    await waitFor(async () => (await hub.core.c2d.queueDepth('dev1')) === 0, 'C2D completion');
  });

  it('serves a module identity: telemetry, output events and twin', async () => {
    const key = await addSasIdentity(hub, 'edge1', 'mod1');
    const client = ModuleClient.fromConnectionString(deviceConnectionString(hub, 'edge1', key, 'mod1'), Mqtt);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();

    await client.sendEvent(new Message('from module'));
    await client.sendOutputEvent('out1', new Message('to output'));
    const stored = await storedTelemetry(hub, 'edge1');
    expect(stored.map((s) => [s.moduleId, Buffer.from(s.message.body).toString(), s.message.system.outputName])).toEqual([
      ['mod1', 'from module', undefined],
      ['mod1', 'to output', 'out1'],
    ]);

    const twin = await client.getTwin();
    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update({ role: 'filter' }, (err?: Error) => (err ? reject(err) : resolve()));
    });
    const serviceTwin = await hub.core.twins.get({ deviceId: 'edge1', moduleId: 'mod1' });
    expect(serviceTwin.properties.reported.role).toBe('filter');
  });
});
