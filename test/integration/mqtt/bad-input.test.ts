/**
 * Bad input never hurts anyone but its sender: malformed and oversized packets close that one
 * socket, other clients keep working, and everything acknowledged before is in the store.
 */
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addSasIdentity, deviceConnectionString, deviceToken, logsWithCode, startMqttHub, storedTelemetry, username, waitFor,
  type MqttTestHub,
} from './harness.js';
import { closed, connectMqtt, endAllMqtt } from './mqtt-peer.js';
import { connectPacket, destroyAllRaw, packetsOf, rawTls, serverClosed } from './raw-tls.js';

const { Client, Message } = device;
const { Mqtt } = deviceMqtt;

describe('MQTT head: bad input', () => {
  let hub: MqttTestHub;
  let sdk: InstanceType<typeof Client>;
  let key2: string;

  beforeEach(async () => {
    hub = await startMqttHub();
    const key1 = await addSasIdentity(hub, 'dev1');
    key2 = await addSasIdentity(hub, 'dev2');
    sdk = Client.fromConnectionString(deviceConnectionString(hub, 'dev1', key1), Mqtt);
    await sdk.setOptions({ ca: hub.ca });
    await sdk.open();
  });
  afterEach(async () => {
    destroyAllRaw();
    await endAllMqtt();
    await sdk.close().catch(() => undefined);
    await hub.close();
  });

  /** Sends telemetry through the SDK: resolves only after the PUBACK. */
  async function sdkSend(n: number, tag: string): Promise<void> {
    for (let i = 0; i < n; i++) await sdk.sendEvent(new Message(`${tag}-${i}`));
  }

  it('closes sockets sending garbage, a broken CONNECT or a 100 MB PUBLISH; others keep working, acked data is stored', async () => {
    await sdkSend(3, 'before');

    const garbage = await rawTls(hub);
    garbage.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await serverClosed(garbage);

    // A CONNECT whose Remaining Length has five continuation bytes.
    const brokenLength = await rawTls(hub);
    brokenLength.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await serverClosed(brokenLength);

    // A CONNECT whose protocol-name length runs past the packet.
    const brokenBody = await rawTls(hub);
    brokenBody.write(Buffer.from([0x10, 0x06, 0x00, 0x40, 0x4d, 0x51, 0x54, 0x54]));
    await serverClosed(brokenBody);

    // Authenticated, then a PUBLISH claiming 100 MB (0x80 0x80 0x80 0x32): refused on its header.
    const huge = await rawTls(hub);
    const replies = packetsOf(huge);
    huge.write(connectPacket('dev2', username(hub, 'dev2'), deviceToken(hub, 'dev2', key2)));
    await waitFor(() => replies.find((p) => p.cmd === 'connack'), 'CONNACK');
    huge.write(Buffer.from([0x32, 0x80, 0x80, 0x80, 0x32, 0x00, 0x05]));
    huge.write(Buffer.alloc(64 * 1024, 0x61));
    await serverClosed(huge);

    expect(logsWithCode(hub, 'FH_MSG_INVALID').length).toBeGreaterThanOrEqual(3);
    expect(logsWithCode(hub, 'FH_MSG_TOO_LARGE').map((l) => l.event)).toEqual(['packet-too-large']);

    await sdkSend(2, 'after');
    const bodies = (await storedTelemetry(hub)).map((s) => Buffer.from(s.message.body).toString());
    expect(bodies).toEqual(['before-0', 'before-1', 'before-2', 'after-0', 'after-1']);
  });

  it('does not acknowledge a 300 KB message: the client is disconnected and nothing is stored', async () => {
    const c = await connectMqtt(hub, { clientId: 'dev2', username: username(hub, 'dev2'), password: deviceToken(hub, 'dev2', key2) });
    expect(c.outcome).toBe('connected');
    let acked = false;
    const gone = closed(c.client);
    c.client.publish('devices/dev2/messages/events/', Buffer.alloc(300 * 1024, 0x62), { qos: 1 }, (err) => {
      if (!err) acked = true;
    });
    await gone;
    expect(acked).toBe(false);
    expect(await storedTelemetry(hub, 'dev2')).toEqual([]);
    expect(logsWithCode(hub, 'FH_MSG_TOO_LARGE').map((l) => l.event)).toEqual(['telemetry-failed']);
    await sdkSend(1, 'still-fine');
    expect(await storedTelemetry(hub, 'dev1')).toHaveLength(1);
  });

  it('answers a reported patch with bad JSON with res/400 and a JSON error body; the client stays connected', async () => {
    const c = await connectMqtt(hub, { clientId: 'dev2', username: username(hub, 'dev2'), password: deviceToken(hub, 'dev2', key2) });
    const responses: { topic: string; body: string }[] = [];
    c.client.on('message', (topic, payload) => responses.push({ topic, body: payload.toString() }));
    await c.client.subscribeAsync('$iothub/twin/res/#', { qos: 0 });

    c.client.publish('$iothub/twin/PATCH/properties/reported/?$rid=42', '{not json');
    const bad = await waitFor(() => responses.find((r) => r.topic.includes('$rid=42')), 'twin error response');
    expect(bad.topic).toBe('$iothub/twin/res/400/?$rid=42');
    expect(JSON.parse(bad.body)).toMatchObject({ errorCode: 400004 });
    expect(typeof JSON.parse(bad.body).trackingId).toBe('string');

    // A patch the core rejects (a key with a space) also answers 400 with a JSON body.
    c.client.publish('$iothub/twin/PATCH/properties/reported/?$rid=43', JSON.stringify({ 'bad key': 1 }));
    const invalid = await waitFor(() => responses.find((r) => r.topic.includes('$rid=43')), 'twin invalid response');
    expect(invalid.topic).toBe('$iothub/twin/res/400/?$rid=43');
    expect(JSON.parse(invalid.body).errorCode).toBe(400004);

    c.client.publish('$iothub/twin/GET/?$rid=44', ' ');
    const ok = await waitFor(() => responses.find((r) => r.topic.includes('$rid=44')), 'twin GET response');
    expect(ok.topic).toBe('$iothub/twin/res/200/?$rid=44');
    expect(JSON.parse(ok.body)).toMatchObject({ desired: { $version: 1 }, reported: { $version: 1 } });
    expect(c.client.connected).toBe(true);
  });
});
