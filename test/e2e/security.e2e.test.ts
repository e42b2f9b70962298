/**
 * Each way in that must stay shut, tried with the device SDK where it can express the attempt
 * and with a bare MQTT client where it cannot: wrong key, expired token, another device's token
 * or topics, a disabled device, no credentials, and no TLS.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IPublishPacket } from 'mqtt-packet';
import iothub from 'azure-iothub';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { openDevice } from './support/device.js';
import { deviceToken, RawMqtt, sdkUsername } from './support/raw-mqtt.js';
import { readTelemetry } from './support/service-http.js';
import { runCli } from './support/cli.js';
import { waitFor } from './support/observe.js';

let e2e: E2eHub;
const keys = new Map<string, string>();

beforeAll(async () => {
  e2e = await startE2eHub();
  for (const id of ['sec-a', 'sec-b']) keys.set(id, (await e2e.createDevice(id)).key);
});

afterAll(async () => {
  await e2e?.stop();
});

function key(id: string): string {
  const k = keys.get(id);
  if (!k) throw new Error(`no key for ${id}`);
  return k;
}

/** A key that is valid base64 of the right size, but not the device's. */
const WRONG_KEY = Buffer.alloc(32, 7).toString('base64');

/** CONNECT with a bare client; resolves to the CONNACK return code, or 'closed' without one. */
async function rawConnect(clientId: string, username: string | undefined, password: string | undefined): Promise<number | 'closed'> {
  const { client, connack } = await RawMqtt.connect({
    host: e2e.ip, port: e2e.hub.ports.mqtt, ca: e2e.caPem, clientId,
    ...(username !== undefined ? { username } : {}), ...(password !== undefined ? { password } : {}),
  });
  const result = connack?.returnCode ?? 'closed';
  if (result !== 0) {
    // MQTT 3.1.1 [MQTT-3.2.2-5]: after a refusing CONNACK the server closes the connection.
    await waitFor(() => client.isClosed, 15_000, () => `${clientId}: refused (${result}) but not hung up on`);
  } else {
    await client.end();
  }
  return result;
}

describe('refused connections', () => {
  it('a good key is accepted (the control case)', async () => {
    expect(await rawConnect('sec-a', sdkUsername(e2e.ip, 'sec-a'), deviceToken(e2e.ip, 'sec-a', key('sec-a')))).toBe(0);
    const dev = await openDevice(e2e.deviceConnectionString('sec-a', key('sec-a')), { ca: e2e.caPem });
    await dev.close();
  });

  it('wrong key', async () => {
    await expect(openDevice(e2e.deviceConnectionString('sec-a', WRONG_KEY), { ca: e2e.caPem }))
      .rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(await rawConnect('sec-a', sdkUsername(e2e.ip, 'sec-a'), deviceToken(e2e.ip, 'sec-a', WRONG_KEY))).not.toBe(0);
  });

  it('expired token', async () => {
    const expired = deviceToken(e2e.ip, 'sec-a', key('sec-a'), -60);
    const cs = `HostName=${e2e.ip};DeviceId=sec-a;SharedAccessSignature=${expired};GatewayHostName=${e2e.ip}:${e2e.hub.ports.mqtt}`;
    await expect(openDevice(cs, { ca: e2e.caPem })).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(await rawConnect('sec-a', sdkUsername(e2e.ip, 'sec-a'), expired)).not.toBe(0);
  });

  it("another device's valid token", async () => {
    const tokenOfB = deviceToken(e2e.ip, 'sec-b', key('sec-b'));
    expect(await rawConnect('sec-a', sdkUsername(e2e.ip, 'sec-a'), tokenOfB)).not.toBe(0);
  });

  it('no credentials at all', async () => {
    expect(await rawConnect('sec-a', undefined, undefined)).not.toBe(0);
    expect(await rawConnect('sec-a', sdkUsername(e2e.ip, 'sec-a'), undefined)).not.toBe(0);
  });

  it('a device that does not exist', async () => {
    expect(await rawConnect('sec-ghost', sdkUsername(e2e.ip, 'sec-ghost'), deviceToken(e2e.ip, 'sec-ghost', WRONG_KEY))).not.toBe(0);
  });

  it('disabled device', async () => {
    const { key: k, connectionString } = await e2e.createDevice('sec-off', 'disabled');
    await expect(openDevice(connectionString, { ca: e2e.caPem })).rejects.toMatchObject({ name: 'UnauthorizedError' });
    expect(await rawConnect('sec-off', sdkUsername(e2e.ip, 'sec-off'), deviceToken(e2e.ip, 'sec-off', k))).not.toBe(0);
  });

  it('no TLS: a plain TCP CONNECT gets no CONNACK', async () => {
    const client = await RawMqtt.dial({ host: e2e.ip, port: e2e.hub.ports.mqtt });
    client.send({
      cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'sec-a', clean: false, keepalive: 180,
      username: sdkUsername(e2e.ip, 'sec-a'), password: Buffer.from(deviceToken(e2e.ip, 'sec-a', key('sec-a'))),
    });
    // The TLS server treats the bytes as a broken handshake and hangs up; no MQTT packet comes back.
    await client.closed;
    expect(client.received).toEqual([]);
  });

  it('no TLS on the service port either', async () => {
    const socket = net.connect({ host: e2e.ip, port: e2e.hub.ports.https });
    let answer = '';
    socket.setEncoding('latin1');
    socket.on('data', (d: string) => { answer += d; });
    socket.on('error', () => undefined);
    socket.write(`GET /devices?api-version=2021-04-12 HTTP/1.1\r\nHost: ${e2e.ip}\r\nAuthorization: ${e2e.ownerSas()}\r\n\r\n`);
    await new Promise<void>((resolve) => socket.once('close', () => resolve()));
    expect(answer).not.toMatch(/^HTTP\//);
  });

  it('service API with a wrong policy key', async () => {
    const bad = `HostName=${e2e.ip};SharedAccessKeyName=iothubowner;SharedAccessKey=${WRONG_KEY}`;
    await expect(iothub.Registry.fromConnectionString(bad).get('sec-a')).rejects.toMatchObject({ name: 'UnauthorizedError' });
  });
});

describe('cross-device topics', () => {
  async function connectAsA(): Promise<RawMqtt> {
    const { client, connack } = await RawMqtt.connect({
      host: e2e.ip, port: e2e.hub.ports.mqtt, ca: e2e.caPem, clientId: 'sec-a',
      username: sdkUsername(e2e.ip, 'sec-a'), password: deviceToken(e2e.ip, 'sec-a', key('sec-a')),
    });
    expect(connack?.returnCode).toBe(0);
    return client;
  }

  it("publishing to another device's telemetry topic: disconnected, nothing stored for it", async () => {
    const a = await connectAsA();
    const ownId = a.publish('devices/sec-a/messages/events/', 'mine');
    await waitFor(() => a.received.some((p) => p.cmd === 'puback' && p.messageId === ownId), 15_000, () => 'own telemetry not acknowledged');

    const foreignId = a.publish('devices/sec-b/messages/events/', 'pretending to be B');
    await a.closed;
    expect(a.received.some((p) => p.cmd === 'puback' && p.messageId === foreignId)).toBe(false);
    expect(await readTelemetry(e2e, { deviceId: 'sec-b' })).toEqual([]);
    const mine = await readTelemetry(e2e, { deviceId: 'sec-a' });
    expect(mine.every((r) => r.deviceId === 'sec-a')).toBe(true);
  });

  it("subscribing to another device's C2D topic is refused and B's messages never reach A", async () => {
    const a = await connectAsA();
    const granted = await a.subscribe('devices/sec-b/messages/devicebound/#', 1);
    // Either a SUBACK failure code (0x80) or a closed connection: both refuse.
    if (granted !== undefined) expect(granted).toEqual([0x80]);
    const publishes: IPublishPacket[] = [];
    a.on('publish', (p: IPublishPacket) => publishes.push(p));
    if (!a.isClosed) {
      // A's own C2D subscription works, so a message to A proves the connection still delivers.
      expect(await a.subscribe('devices/sec-a/messages/devicebound/#', 1)).toEqual([1]);
      await runCli(['c2d', 'send', 'sec-b', 'for B only', '--data-dir', e2e.hub.dataDir]);
      await runCli(['c2d', 'send', 'sec-a', 'for A', '--data-dir', e2e.hub.dataDir]);
      await waitFor(() => publishes.length >= 1, 15_000, () => 'A received nothing');
      for (const p of publishes) {
        if (p.qos === 1 && p.messageId !== undefined) a.send({ cmd: 'puback', messageId: p.messageId });
      }
      expect(publishes.map((p) => p.payload.toString())).toEqual(['for A']);
      expect(publishes.every((p) => p.topic.startsWith('devices/sec-a/messages/devicebound/'))).toBe(true);
      await a.end();
    }
  });
});
