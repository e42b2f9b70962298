/**
 * Persistent sessions (CleanSession=0) without the SDK: subscriptions survive a reconnect with no
 * SUBSCRIBE, CONNACK reports session-present, un-PUBACKed C2D comes back with DUP=1, and
 * CleanSession=1 discards everything.
 */
import { generate, type IPublishPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, startMqttHub, username, waitFor, type MqttTestHub } from './harness.js';
import { connectMqtt, endAllMqtt } from './mqtt-peer.js';
import { destroyAllRaw, packetsOf, rawTls, serverClosed } from './raw-tls.js';

describe('MQTT head: persistent sessions', () => {
  let hub: MqttTestHub;
  let key: string;

  beforeEach(async () => {
    hub = await startMqttHub();
    key = await addSasIdentity(hub, 'dev1');
  });
  afterEach(async () => {
    destroyAllRaw();
    await endAllMqtt();
    await hub.close();
  });

  const creds = (): { clientId: string; username: string; password: string } =>
    ({ clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key) });

  it('restores subscriptions on reconnect without SUBSCRIBE and reports session-present', async () => {
    const first = await connectMqtt(hub, { ...creds(), clean: false });
    expect(first).toMatchObject({ outcome: 'connected', sessionPresent: false });
    await first.client.subscribeAsync('devices/dev1/messages/devicebound/#', { qos: 1 });
    await first.client.endAsync();

    await hub.core.c2d.send('dev1', { body: Buffer.from('while offline'), system: { messageId: 'off-1' }, properties: {} });

    const got: string[] = [];
    const second = await connectMqtt(hub, { ...creds(), clean: false, resubscribe: false }, (client) => {
      client.on('message', (_topic, payload) => got.push(payload.toString()));
    });
    expect(second).toMatchObject({ outcome: 'connected', sessionPresent: true });
    await waitFor(() => got.includes('while offline'), 'C2D on the restored session');
    await waitFor(async () => (await hub.core.c2d.queueDepth('dev1')) === 0, 'C2D completed by PUBACK');
  });

  it('CleanSession=1 discards the stored session', async () => {
    const first = await connectMqtt(hub, { ...creds(), clean: false });
    await first.client.subscribeAsync('devices/dev1/messages/devicebound/#', { qos: 1 });
    await first.client.endAsync();

    const clean = await connectMqtt(hub, { ...creds(), clean: true });
    expect(clean).toMatchObject({ outcome: 'connected', sessionPresent: false });
    const got: string[] = [];
    clean.client.on('message', (topic) => {
      if (topic.startsWith('devices/')) got.push(topic);
    });
    await hub.core.c2d.send('dev1', { body: Buffer.from('nobody subscribed'), system: {}, properties: {} });
    // A twin round trip on the same connection shows the head processed everything before it.
    const res: string[] = [];
    clean.client.on('message', (topic) => res.push(topic));
    await clean.client.subscribeAsync('$iothub/twin/res/#', { qos: 0 });
    clean.client.publish('$iothub/twin/GET/?$rid=1', ' ');
    await waitFor(() => res.some((t) => t.startsWith('$iothub/twin/res/200/')), 'twin response');
    expect(got).toEqual([]);
    expect(await hub.core.c2d.queueDepth('dev1')).toBe(1);
    await clean.client.endAsync();

    const after = await connectMqtt(hub, { ...creds(), clean: false });
    expect(after).toMatchObject({ outcome: 'connected', sessionPresent: false });
  });

  it('redelivers an un-PUBACKed C2D message with DUP=1 on the next session', async () => {
    const connect = generate({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, clientId: 'dev1', keepalive: 60,
      username: username(hub, 'dev1'), password: Buffer.from(deviceToken(hub, 'dev1', key)),
    });
    const a = await rawTls(hub);
    const fromA = packetsOf(a);
    a.write(connect);
    a.write(generate({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'devices/dev1/messages/devicebound/#', qos: 1 }] }));
    await waitFor(() => fromA.find((p) => p.cmd === 'suback'), 'SUBACK');
    await hub.core.c2d.send('dev1', { body: Buffer.from('unacked'), system: { messageId: 'u1' }, properties: {} });
    const firstTry = await waitFor(() => fromA.find((p): p is IPublishPacket => p.cmd === 'publish'), 'first delivery');
    expect(firstTry.dup).toBe(false);
    // Drop the connection without PUBACK.
    a.destroy();
    await serverClosed(a);
    await waitFor(() => hub.core.registry.connectedCount() === 0, 'session ended');

    const b = await rawTls(hub);
    const fromB = packetsOf(b);
    b.write(connect);
    const connack = await waitFor(() => fromB.find((p) => p.cmd === 'connack'), 'CONNACK');
    expect(connack).toMatchObject({ returnCode: 0, sessionPresent: true });
    const again = await waitFor(() => fromB.find((p): p is IPublishPacket => p.cmd === 'publish'), 'redelivery');
    expect(again.dup).toBe(true);
    expect(again.qos).toBe(1);
    expect(Buffer.from(again.payload).toString()).toBe('unacked');
    b.write(generate({ cmd: 'puback', messageId: again.messageId! }));
    await waitFor(async () => (await hub.core.c2d.queueDepth('dev1')) === 0, 'completed after redelivery');
  });
});
