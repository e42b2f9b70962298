/**
 * MQTT protocol behaviour of the head over raw TLS and mqtt.js: keepalive, CONNECT timeout,
 * PUBACK order for pipelined publishes, QoS 0, connection takeover, listen errors and close().
 */
import { createServer } from 'node:net';
import { generate, type IPubackPacket } from 'mqtt-packet';
import { afterEach, describe, expect, it } from 'vitest';
import { isHubError } from '../../../hub-core/errors.js';
import { createMqttHead } from '../../../hub-core/heads/mqtt/index.js';
import { silentLogger } from '../../../hub-core/log.js';
import { issueServerCert } from '../../helpers/server-cert.js';
import {
  addSasIdentity, deviceToken, logsWithCode, startMqttHub, storedTelemetry, username, waitFor, type MqttTestHub,
} from './harness.js';
import { closed, connectMqtt, endAllMqtt } from './mqtt-peer.js';
import { connectPacket, destroyAllRaw, packetsOf, rawTls, serverClosed } from './raw-tls.js';

describe('MQTT head: protocol', () => {
  let hub: MqttTestHub | undefined;

  afterEach(async () => {
    destroyAllRaw();
    await endAllMqtt();
    await hub?.close();
    hub = undefined;
  });

  async function connected(h: MqttTestHub, keepalive = 60): Promise<{ socket: Awaited<ReturnType<typeof rawTls>>; packets: ReturnType<typeof packetsOf> }> {
    const key = await addSasIdentity(h, 'dev1');
    const socket = await rawTls(h);
    const packets = packetsOf(socket);
    socket.write(connectPacket('dev1', username(h, 'dev1'), deviceToken(h, 'dev1', key), keepalive));
    await waitFor(() => packets.find((p) => p.cmd === 'connack'), 'CONNACK');
    return { socket, packets };
  }

  it('answers PINGREQ, and closes after 1.5 x keepalive of silence [MQTT-3.1.2-24]', async () => {
    hub = await startMqttHub();
    const { socket, packets } = await connected(hub, 1);
    socket.write(Buffer.from([0xc0, 0x00]));
    await waitFor(() => packets.find((p) => p.cmd === 'pingresp'), 'PINGRESP');
    await serverClosed(socket);
    expect(hub.logs.filter((l) => l.event === 'keepalive-timeout').map((l) => l.limitMs)).toEqual([1500]);
    await waitFor(() => hub!.core.registry.connectedCount() === 0, 'session ended');
  });

  it('closes a TLS client that never sends CONNECT, and one whose first packet is not CONNECT', async () => {
    hub = await startMqttHub({ connectTimeoutMs: 300 });
    const silent = await rawTls(hub);
    await serverClosed(silent);
    expect(hub.logs.filter((l) => l.event === 'keepalive-timeout').map((l) => l.limitMs)).toEqual([300]);

    const wrongFirst = await rawTls(hub);
    wrongFirst.write(generate({ cmd: 'pingreq' }));
    await serverClosed(wrongFirst);
    expect(logsWithCode(hub, 'FH_MSG_INVALID').map((l) => l.reason)).toEqual(['not-connect']);
  });

  it('sends PUBACKs in arrival order for pipelined QoS 1 telemetry, after storing [MQTT-4.6.0-2]', async () => {
    hub = await startMqttHub();
    const { socket, packets } = await connected(hub);
    const burst = Array.from({ length: 300 }, (_, i) => generate({
      cmd: 'publish', topic: `devices/dev1/messages/events/n=${i}`, payload: Buffer.from(`m${i}`), qos: 1, messageId: i + 1, dup: false, retain: false,
    }));
    socket.write(Buffer.concat(burst));
    const acks = await waitFor(() => {
      const got = packets.filter((p): p is IPubackPacket => p.cmd === 'puback');
      return got.length === 300 && got;
    }, '300 PUBACKs');
    expect(acks.map((p) => p.messageId)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
    const stored = await storedTelemetry(hub, 'dev1');
    expect(stored.map((s) => s.message.properties.n)).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
  });

  it('stores QoS 0 telemetry without acknowledging it', async () => {
    hub = await startMqttHub();
    const { socket, packets } = await connected(hub);
    socket.write(generate({ cmd: 'publish', topic: 'devices/dev1/messages/events/', payload: Buffer.from('q0'), qos: 0, dup: false, retain: false }));
    await waitFor(async () => (await storedTelemetry(hub!, 'dev1')).length === 1, 'QoS 0 stored');
    expect(packets.filter((p) => p.cmd === 'puback')).toEqual([]);
  });

  it('a second CONNECT on one connection is a protocol violation [MQTT-3.1.0-2]', async () => {
    hub = await startMqttHub();
    const key = await addSasIdentity(hub, 'dev1');
    const { socket } = await connected(hub);
    socket.write(connectPacket('dev1', username(hub, 'dev1'), deviceToken(hub, 'dev1', key)));
    await serverClosed(socket);
    expect(logsWithCode(hub, 'FH_MSG_INVALID').map((l) => l.reason)).toEqual(['second CONNECT']);
  });

  it('a new connection of the same identity replaces the old one', async () => {
    hub = await startMqttHub();
    const key = await addSasIdentity(hub, 'dev1');
    const creds = { clientId: 'dev1', username: username(hub, 'dev1'), password: deviceToken(hub, 'dev1', key) };
    const first = await connectMqtt(hub, creds);
    const firstGone = closed(first.client);
    const second = await connectMqtt(hub, creds);
    expect(second.outcome).toBe('connected');
    await firstGone;
    expect(logsWithCode(hub, 'FH_SESSION_REPLACED').map((l) => l.event)).toEqual(['closed-by-core']);
    await second.client.publishAsync('devices/dev1/messages/events/', 'from the newer connection', { qos: 1 });
    expect(await storedTelemetry(hub, 'dev1')).toHaveLength(1);
  });

  it('start() rejects FH_LISTEN_FAILED naming the port and errno when the port is taken', async () => {
    hub = await startMqttHub();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', () => resolve()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const head = createMqttHead({ core: hub.core, tls: issueServerCert(), host: '127.0.0.1', port, logger: silentLogger(), store: hub.store.sublevel('other-head') });
      const err = await head.start().then(() => undefined, (e: unknown) => e);
      expect(isHubError(err, 'FH_LISTEN_FAILED')).toBe(true);
      expect((err as Error).message).toContain(String(port));
      expect((err as Error).message).toContain('EADDRINUSE');
      await head.close();
    } finally {
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
    }
  });

  it('close() ends every connection and stops listening', async () => {
    hub = await startMqttHub();
    const { socket } = await connected(hub);
    const gone = serverClosed(socket);
    await hub.head.close();
    await gone;
    await waitFor(() => hub!.core.registry.connectedCount() === 0, 'sessions ended');
    await expect(rawTls(hub)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });
});
