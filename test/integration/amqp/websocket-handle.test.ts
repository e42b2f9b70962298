/**
 * What the WebSocket adapter on the HTTPS port will do, done here by a minimal stand-in: accept
 * the upgrade at `/$iothub/websocket` with subprotocol `AMQPWSB10`, turn the WebSocket into a
 * byte stream and hand it to `head.handle()`. The official device SDK's AmqpWs transport
 * (unmodified) then sends telemetry, receives C2D and answers a method through it. AmqpWs dials
 * wss://{HostName}:443 only, hence a random loopback address on 443.
 */
import { createServer, type Server } from 'node:https';
import device from 'azure-iot-device';
import deviceAmqp from 'azure-iot-device-amqp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebSocketStream, WebSocketServer } from 'ws';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';
import { addSasIdentity, startAmqpHub, storedTelemetry, waitFor, type AmqpTestHub } from './harness.js';

const { Client, Message } = device;
const { AmqpWs } = deviceAmqp;

let hub: AmqpTestHub;
let https: Server;
let wss: WebSocketServer;

beforeAll(async () => {
  const host = randomLoopback();
  await assertCanBind443(host);
  hub = await startAmqpHub({ host, hostName: host });
  wss = new WebSocketServer({ noServer: true, handleProtocols: (protocols) => (protocols.has('AMQPWSB10') ? 'AMQPWSB10' : false) });
  https = createServer({ key: hub.tls.key, cert: hub.tls.cert });
  https.on('upgrade', (req, socket, head) => {
    if (req.url !== '/$iothub/websocket') {
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => hub.head.handle(createWebSocketStream(ws)));
  });
  await new Promise<void>((resolve) => https.listen(443, host, () => resolve()));
});

afterAll(async () => {
  wss?.close();
  await hub?.close();
  await new Promise<void>((resolve) => (https ? https.close(() => resolve()) : resolve()));
});

describe('AMQP over WebSockets through handle()', () => {
  it('serves the device SDK AmqpWs transport: telemetry, C2D and a method', async () => {
    const key = await addSasIdentity(hub, 'ws-dev');
    const client = Client.fromConnectionString(`HostName=${hub.hostName};DeviceId=ws-dev;SharedAccessKey=${key}`, AmqpWs);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    try {
      await client.sendEvent(new Message('over websockets'));
      const [stored] = await storedTelemetry(hub, 'ws-dev');
      expect(Buffer.from(stored!.message.body).toString()).toBe('over websockets');

      const got: string[] = [];
      client.on('message', (m: InstanceType<typeof Message>) => {
        got.push(m.getData().toString());
        void client.complete(m);
      });
      await hub.core.c2d.send('ws-dev', { body: Buffer.from('down the socket'), system: {}, properties: {} });
      await waitFor(() => got.length === 1, 'C2D over websockets');
      expect(got).toEqual(['down the socket']);

      client.onDeviceMethod('hello', (_req, res) => void res.send(200, 'hi'));
      const result = await hub.core.methods.invoke({ deviceId: 'ws-dev' }, {
        methodName: 'hello', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10,
      });
      expect(result).toEqual({ status: 200, payload: 'hi' });
      // The one connection of this head is the WebSocket stream (its TLS port saw nobody).
      expect(hub.head.stats().connectionsAccepted).toBe(1);
    } finally {
      await client.close();
    }
  });
});
