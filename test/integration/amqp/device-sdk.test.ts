/**
 * The official Azure IoT device SDK (azure-iot-device + azure-iot-device-amqp, unmodified)
 * against the AMQP head: telemetry with properties, C2D complete / reject / abandon, twin
 * get / reported / desired, direct methods, and a module identity.
 */
import device from 'azure-iot-device';
import deviceAmqp from 'azure-iot-device-amqp';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FeedbackRecord } from '../../../hub-core/core/types.js';
import {
  addSasIdentity, deviceConnectionString, startAmqpHub, storedTelemetry, waitFor, type AmqpTestHub,
} from './harness.js';

const { Client, ModuleClient, Message } = device;
const { Amqp } = deviceAmqp;

type Closable = { close(): Promise<unknown> };
type DeviceMessage = InstanceType<typeof Message>;

describe('AMQP head with the official device SDK', () => {
  let hub: AmqpTestHub;
  const clients: Closable[] = [];

  beforeEach(async () => {
    hub = await startAmqpHub();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.close().catch(() => undefined);
    await hub.close();
  });

  async function openDevice(deviceId: string): Promise<InstanceType<typeof Client>> {
    const key = await addSasIdentity(hub, deviceId);
    const client = Client.fromConnectionString(deviceConnectionString(hub, deviceId, key), Amqp);
    clients.push(client);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    return client;
  }

  it('stores telemetry with system and application properties, accepted only once stored', async () => {
    const client = await openDevice('dev1');
    const msg = new Message(JSON.stringify({ temp: 21.5 }));
    msg.messageId = '6c1c0b8e-3f4a-4a51-9d7e-2f0a8d6b5c11';
    msg.correlationId = 'c-1';
    msg.contentType = 'application/json';
    msg.contentEncoding = 'utf-8';
    msg.properties.add('alert', 'yes & no');
    msg.properties.add('dt-subject', 'thermo');
    await client.sendEvent(msg);

    // sendEvent resolved = the hub accepted = the message is readable from the store.
    const [stored] = await storedTelemetry(hub, 'dev1');
    expect(stored).toBeDefined();
    expect(Buffer.from(stored!.message.body).toString()).toBe('{"temp":21.5}');
    expect(stored!.message.system).toMatchObject({
      messageId: '6c1c0b8e-3f4a-4a51-9d7e-2f0a8d6b5c11', correlationId: 'c-1', contentType: 'application/json',
      contentEncoding: 'utf-8', subject: 'thermo',
    });
    expect(stored!.message.properties).toEqual({ alert: 'yes & no' });
  });

  it('delivers C2D with a Data body and properties; complete gives Success feedback', async () => {
    const client = await openDevice('dev1');
    const feedback: FeedbackRecord[] = [];
    hub.core.c2d.onFeedback((r) => feedback.push(r));
    const received: DeviceMessage[] = [];
    client.on('message', (m: DeviceMessage) => {
      received.push(m);
      void client.complete(m);
    });
    await hub.core.c2d.send('dev1', {
      body: Buffer.from('hello device'),
      system: { messageId: 'c2d-1', correlationId: 'corr/1', ack: 'full', userId: 'svc' },
      properties: { color: 'red/blue', empty: '' },
    });
    const m = await waitFor(() => received[0], 'C2D message');
    expect(m.getData().toString()).toBe('hello device');
    expect(m.messageId).toBe('c2d-1');
    expect(m.correlationId).toBe('corr/1');
    expect(m.to?.toLowerCase()).toBe('/devices/dev1/messages/devicebound');
    expect(m.ack).toBe('full');
    expect(m.properties.getValue('color')).toBe('red/blue');
    expect(m.properties.getValue('empty')).toBe('');
    const record = await waitFor(() => feedback.find((f) => f.originalMessageId === 'c2d-1'), 'feedback');
    expect(record.statusCode).toBe('Success');
    expect(await hub.core.c2d.queueDepth('dev1')).toBe(0);
  });

  it('rejects (dead-letters) and abandons (redelivers) C2D messages', async () => {
    const client = await openDevice('dev1');
    const feedback: FeedbackRecord[] = [];
    hub.core.c2d.onFeedback((r) => feedback.push(r));
    const seen: Array<{ id: string | undefined; count: number }> = [];
    const counts = new Map<string, number>();
    client.on('message', (m: DeviceMessage) => {
      const id = String(m.messageId);
      const n = (counts.get(id) ?? 0) + 1;
      counts.set(id, n);
      seen.push({ id, count: n });
      if (id === 'to-reject') void client.reject(m);
      else if (n === 1) void client.abandon(m);
      else void client.complete(m);
    });
    await hub.core.c2d.send('dev1', { body: Buffer.from('r'), system: { messageId: 'to-reject', ack: 'negative' }, properties: {} });
    await hub.core.c2d.send('dev1', { body: Buffer.from('a'), system: { messageId: 'to-abandon', ack: 'full' }, properties: {} });

    const rejected = await waitFor(() => feedback.find((f) => f.originalMessageId === 'to-reject'), 'reject feedback');
    expect(rejected.statusCode).toBe('Rejected');
    const completed = await waitFor(() => feedback.find((f) => f.originalMessageId === 'to-abandon'), 'abandon then complete');
    expect(completed.statusCode).toBe('Success');
    // Abandoned once, then delivered again and completed; rejected never comes back.
    expect(counts.get('to-abandon')).toBe(2);
    expect(counts.get('to-reject')).toBe(1);
    expect(await hub.core.c2d.queueDepth('dev1')).toBe(0);
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
    await waitFor(() => desired.length >= 1, 'initial desired event');
    // The SDK sends its PUT subscription after that first event; a patch applied before the hub
    // has it is (rightly) not pushed. Patch every 250 ms until one arrives.
    for (let i = 0; i < 40 && !desired.some((d) => d.interval === 30); i++) {
      await hub.core.twins.patch({ deviceId: 'dev1' }, { properties: { desired: { interval: 30 } } });
      await new Promise((r) => setTimeout(r, 250));
    }
    const patch = desired.find((d) => d.interval === 30)!;
    expect(typeof patch.$version).toBe('number');

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
    const result = await hub.core.methods.invoke({ deviceId: 'dev1' }, {
      methodName: 'reboot', payload: { delay: 5 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(seen).toEqual({ delay: 5 });
    expect(result).toEqual({ status: 200, payload: { ok: true, delay: 5 } });

    // A null payload arrives as JSON `null`, not an empty body (the SDK would answer 400).
    client.onDeviceMethod('ping', (request, response) => {
      void response.send(200, { got: request.payload === null ? 'null' : typeof request.payload });
    });
    const ping = await hub.core.methods.invoke({ deviceId: 'dev1' }, {
      methodName: 'ping', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(ping).toEqual({ status: 200, payload: { got: 'null' } });
  });

  it('serves a module identity: telemetry, output events, twin and methods', async () => {
    const key = await addSasIdentity(hub, 'edge1', 'mod1');
    const client = ModuleClient.fromConnectionString(deviceConnectionString(hub, 'edge1', key, 'mod1'), Amqp);
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
    expect(stored[1]!.message.properties).toEqual({});

    const twin = await client.getTwin();
    await new Promise<void>((resolve, reject) => {
      twin.properties.reported.update({ role: 'filter' }, (err?: Error) => (err ? reject(err) : resolve()));
    });
    const serviceTwin = await hub.core.twins.get({ deviceId: 'edge1', moduleId: 'mod1' });
    expect(serviceTwin.properties.reported.role).toBe('filter');

    client.onMethod('ping', (_request, response) => {
      void response?.send(201, 'pong');
    });
    const result = await hub.core.methods.invoke({ deviceId: 'edge1', moduleId: 'mod1' }, {
      methodName: 'ping', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(result).toEqual({ status: 201, payload: 'pong' });
  });
});
