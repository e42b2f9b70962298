/**
 * What the WebSocket bridge refuses and how: unknown or missing subprotocols (400), other paths
 * (404), broken handshakes (400), garbage and oversized frames (only that connection closes),
 * a CONNECT without credentials (no client certificate over WebSockets), and shutdown with
 * WebSockets open. The HTTPS service API and other WebSocket devices keep working throughout.
 */
import { request as httpsRequest } from 'node:https';
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { SharedAccessSignature as ServiceSas } from 'azure-iothub';
import mqtt from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  addSasDevice, closed, deviceConnectionString, openRaw, startWsHub, storedTelemetry, waitFor, wsUrl, type WsTestHub,
} from './harness.js';

const { Client, Message } = device;
const { MqttWs } = deviceMqtt;

type DeviceClient = InstanceType<typeof Client>;

describe('WebSocket bridge bad input', () => {
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

  /** GET /devices/{id} on the service API with an iothubowner token. */
  function getDevice(deviceId: string): Promise<{ status: number; body: string }> {
    const owner = hub.core.auth.policies().find((p) => p.keyName === 'iothubowner')!;
    const token = ServiceSas.create(hub.ip, owner.keyName, owner.primaryKey, Math.floor(Date.now() / 1000) + 3600).toString();
    return new Promise((resolve, reject) => {
      const req = httpsRequest({
        host: hub.ip, port: 443, method: 'GET', path: `/devices/${deviceId}?api-version=2021-04-12`, ca: hub.ca,
        headers: { Authorization: token }, agent: false,
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('refuses unknown or missing subprotocols with 400 and other paths with 404; the service API keeps working', async () => {
    await addSasDevice(hub, 'still-there');
    const unknown = await openRaw(hub, ['mqttv5', 'xmpp']);
    expect(unknown).toMatchObject({ opened: false, status: 400 });
    expect(unknown.opened === false && JSON.parse(unknown.body)).toMatchObject({ Message: expect.stringMatching(/^ErrorCode:ArgumentInvalid;/) });
    expect(await openRaw(hub, [])).toMatchObject({ opened: false, status: 400 });
    expect(await openRaw(hub, ['mqtt'], '/$iothub/other')).toMatchObject({ opened: false, status: 404 });
    expect(await openRaw(hub, ['AMQPWSB10'], '/devices/still-there')).toMatchObject({ opened: false, status: 404 });
    expect(hub.bridge.connectionCount()).toBe(0);
    expect(hub.logs.filter((l) => l.event === 'ws-upgrade-refused').map((l) => l.status)).toEqual([400, 400, 404, 404]);

    const res = await getDevice('still-there');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ deviceId: 'still-there' });
  });

  it('matches the path case-insensitively and answers with the subprotocol token the client offered', async () => {
    const a = await openRaw(hub, ['mqtt'], '/$IOTHUB/WebSocket');
    expect(a).toMatchObject({ opened: true, protocol: 'mqtt' });
    const b = await openRaw(hub, ['foo', 'amqpwsb10'], '/%24iothub/websocket?x=1');
    expect(b).toMatchObject({ opened: true, protocol: 'amqpwsb10' });
    await waitFor(() => hub.bridge.connectionCount() === 2, 'two WebSockets');
    if (a.opened) a.ws.terminate();
    if (b.opened) b.ws.terminate();
  });

  it('lets ws refuse a broken handshake on the right path with 400', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpsRequest({
        host: hub.ip, port: 443, method: 'GET', path: '/$iothub/websocket', ca: hub.ca, agent: false,
        // No Sec-WebSocket-Key / Version: not a valid WebSocket handshake.
        headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Protocol': 'mqtt' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('upgrade', () => reject(new Error('upgraded')));
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(400);
    expect(hub.bridge.connectionCount()).toBe(0);
  });

  it('closes only the connection that sends garbage MQTT bytes', async () => {
    const good = await openDevice('ws-good');
    const raw = await openRaw(hub, ['mqtt']);
    if (!raw.opened) throw new Error('raw WebSocket refused');
    const done = closed(raw.ws);
    // Packet type 15 (reserved in 3.1.1) with junk after it.
    raw.ws.send(Buffer.from([0xf0, 0x05, 0xde, 0xad, 0xbe, 0xef, 0x00, 0xff, 0xff, 0xff]));
    await done;
    await waitFor(() => hub.logs.some((l) => l.event === 'invalid-packet' || l.event === 'packet-too-large'), 'MQTT protocol error logged');

    await good.sendEvent(new Message('after garbage'));
    const stored = await storedTelemetry(hub, 'ws-good');
    expect(stored.map((s) => Buffer.from(s.message.body).toString())).toEqual(['after garbage']);
    await waitFor(() => hub.bridge.connectionCount() === 1, 'only the good WebSocket left');
  });

  it('closes only the connection that sends garbage AMQP bytes, after answering with the AMQP header', async () => {
    const good = await openDevice('ws-good');
    const raw = await openRaw(hub, ['AMQPWSB10']);
    if (!raw.opened) throw new Error('raw WebSocket refused');
    const received: Buffer[] = [];
    const done = closed(raw.ws, received);
    raw.ws.send(Buffer.from('GARBAGE!not amqp at all'));
    await done;
    // [AMQP 2.2]: a bad protocol header is answered with the supported one, then the close.
    expect(Buffer.concat(received).subarray(0, 8)).toEqual(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]));

    await good.sendEvent(new Message('after amqp garbage'));
    expect((await storedTelemetry(hub, 'ws-good')).length).toBe(1);
    await waitFor(() => hub.amqp.stats().connectionsOpen === 0, 'AMQP connection gone');
  });

  it('closes a connection whose WebSocket message exceeds maxPayload with 1009', async () => {
    const good = await openDevice('ws-good');
    const raw = await openRaw(hub, ['mqtt']);
    if (!raw.opened) throw new Error('raw WebSocket refused');
    const done = closed(raw.ws);
    raw.ws.send(Buffer.alloc(600 * 1024));
    expect(await done).toBe(1009);
    await waitFor(() => hub.logs.some((l) => l.event === 'ws-protocol-error' && l.code === 'FH_MSG_TOO_LARGE'), 'logged');
    await good.sendEvent(new Message('still fine'));
    expect((await storedTelemetry(hub, 'ws-good')).length).toBe(1);
  });

  it('refuses a CONNECT without a password: no client certificate exists over WebSockets', async () => {
    await addSasDevice(hub, 'x509-wannabe');
    const client = mqtt.connect(wsUrl(hub), {
      protocolVersion: 4, clientId: 'x509-wannabe', username: `${hub.ip}/x509-wannabe/?api-version=2021-04-12`,
      clean: false, reconnectPeriod: 0, ca: hub.ca, wsOptions: { ca: hub.ca },
    });
    const err = await new Promise<Error & { code?: number }>((resolve) => {
      client.once('error', resolve);
      client.once('connect', () => resolve(new Error('connected')));
    });
    client.end(true);
    // CONNACK 4 (bad user name or password): the head's answer to FH_AUTH_MISSING, as for a TLS
    // client that sends no password and no certificate.
    expect(err.code).toBe(4);
    expect(hub.logs.some((l) => l.event === 'connect-refused' && l.code === 'FH_AUTH_MISSING')).toBe(true);
  });

  it('closes open WebSockets with 1001 when the hub shuts down', async () => {
    const raw = await openRaw(hub, ['mqtt']);
    if (!raw.opened) throw new Error('raw WebSocket refused');
    const done = closed(raw.ws);
    await hub.close();
    expect(await done).toBe(1001);
    expect(hub.bridge.connectionCount()).toBe(0);
  });
});
