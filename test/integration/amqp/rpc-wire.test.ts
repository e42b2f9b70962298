/**
 * Twin and method links at the wire level (wire contract C "Message formats"), with a plain
 * rhea client: twin operations and their `status`/`version` annotations, error bodies, the
 * desired subscription (PUT / DELETE), method requests with uuid correlation ids, and the
 * identity's session ending with its last link.
 */
import rhea, { type EventContext, type Message, type Receiver, type Sender } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, startAmqpHub, waitFor, type AmqpTestHub } from './harness.js';
import { connectPeer, type RheaPeer } from './rhea-peer.js';

let hub: AmqpTestHub;

beforeAll(async () => {
  hub = await startAmqpHub();
});

afterAll(async () => {
  await hub?.close();
});

interface TwinChannel {
  request(operation: string, resource?: string, body?: string): Promise<Message>;
  /** Messages without a correlation id (desired notifications), in arrival order. */
  notifications: Message[];
  sender: Sender;
  receiver: Receiver;
}

async function twinChannel(peer: RheaPeer, deviceId: string): Promise<TwinChannel> {
  const address = `/devices/${deviceId}/twin`;
  const properties = { 'com.microsoft:channel-correlation-id': `twin:${rhea.generate_uuid()}`, 'com.microsoft:api-version': '2021-04-12' };
  const receiver = await peer.receiver(address, { properties, credit_window: 100, autoaccept: true });
  const sender = await peer.sender(address, { properties, snd_settle_mode: 1 });
  const pending = new Map<string, (m: Message) => void>();
  const notifications: Message[] = [];
  receiver.on('message', (c: EventContext) => {
    const m = c.message!;
    if (m.correlation_id === undefined) notifications.push(m);
    else pending.get(String(m.correlation_id))?.(m);
  });
  return {
    sender, receiver, notifications,
    request(operation, resource, body = ' ') {
      const id = rhea.generate_uuid();
      return new Promise((resolve) => {
        pending.set(id, resolve);
        const annotations: Record<string, string> = { operation };
        if (resource !== undefined) annotations.resource = resource;
        sender.send({ correlation_id: id, message_annotations: annotations, body: rhea.message.data_section(Buffer.from(body)) });
      });
    },
  };
}

const json = (m: Message): unknown => {
  const text = (m.body as { content: Buffer }).content.toString();
  return text === '' ? undefined : JSON.parse(text);
};

describe('twin and methods on the wire', () => {
  it('answers twin operations with status and version annotations and JSON bodies', async () => {
    const key = await addSasIdentity(hub, 'tw');
    const peer = await connectPeer(hub);
    expect(await peer.putToken(deviceToken(hub, 'tw', key))).toBe(200);
    const twin = await twinChannel(peer, 'tw');

    const get = await twin.request('GET');
    expect(get.message_annotations?.status).toBe(200);
    expect(json(get)).toMatchObject({ desired: { $version: 1 }, reported: { $version: 1 } });

    const patch = await twin.request('PATCH', '/properties/reported', JSON.stringify({ fw: '2.0' }));
    expect(patch.message_annotations).toMatchObject({ status: 204, version: 2 });
    expect((await hub.core.twins.get({ deviceId: 'tw' })).properties.reported.fw).toBe('2.0');

    const bad = await twin.request('PATCH', '/properties/reported', '{not json');
    expect(bad.message_annotations?.status).toBe(400);
    expect(json(bad)).toMatchObject({ errorCode: 400004 });
    const unknown = await twin.request('POST', '/whatever');
    expect(unknown.message_annotations?.status).toBe(400);

    // Desired notifications only between PUT and DELETE; the link keeps order, so a GET answered
    // after a patch proves whether a notification went out before it.
    expect((await twin.request('PUT', '/notifications/twin/properties/desired')).message_annotations?.status).toBe(200);
    await hub.core.twins.patch({ deviceId: 'tw' }, { properties: { desired: { rate: 5 } } });
    await twin.request('GET');
    expect(twin.notifications.map(json)).toEqual([{ rate: 5, $version: 2 }]);
    expect((await twin.request('DELETE', '/notifications/twin/properties/desired')).message_annotations?.status).toBe(200);
    await hub.core.twins.patch({ deviceId: 'tw' }, { properties: { desired: { rate: 6 } } });
    await twin.request('GET');
    expect(twin.notifications).toHaveLength(1);

    // The last link of the identity ends its session.
    expect(hub.core.registry.connectedCount()).toBe(1);
    twin.sender.close();
    twin.receiver.close();
    await waitFor(() => hub.core.registry.connectedCount() === 0, 'session ended with its last link');
    await peer.close();
  });

  it('sends method requests with uuid correlation ids and matches answers as canonical strings', async () => {
    const key = await addSasIdentity(hub, 'mth');
    const peer = await connectPeer(hub);
    expect(await peer.putToken(deviceToken(hub, 'mth', key))).toBe(200);
    const address = '/devices/mth/methods/devicebound';
    const responses = await peer.sender(address);
    const requests = await peer.receiver(address, { credit_window: 10, autoaccept: true });
    const seen: Message[] = [];
    requests.on('message', (c: EventContext) => {
      const m = c.message!;
      seen.push(m);
      const { a, b } = json(m) as { a: number; b: number };
      // Echo the id in another form than received (uppercase text for a uuid), as some SDKs do.
      const id = Buffer.isBuffer(m.correlation_id) ? rhea.uuid_to_string(m.correlation_id).toUpperCase() : m.correlation_id;
      responses.send({
        correlation_id: id, application_properties: { 'IoThub-status': rhea.types.wrap_int(200) },
        body: rhea.message.data_section(Buffer.from(JSON.stringify({ sum: a + b }))),
      });
    });
    const result = await hub.core.methods.invoke({ deviceId: 'mth' }, {
      methodName: 'add', payload: { a: 2, b: 3 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
    });
    expect(result).toEqual({ status: 200, payload: { sum: 5 } });
    expect(seen[0]?.application_properties?.['IoThub-methodname']).toBe('add');
    // An AMQP uuid on the wire, as Azure sends it.
    expect(Buffer.isBuffer(seen[0]?.correlation_id) && (seen[0]?.correlation_id as Buffer).length === 16).toBe(true);
    await peer.close();
  });
});
