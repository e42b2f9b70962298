/**
 * The wiring in startHubServer: the HTTPS port of a running hub serves MQTT over WebSockets to
 * the unmodified SDK (MqttWs), refuses a subprotocol no started head serves, and the hub still
 * closes promptly with a WebSocket device connected (the bridge closes before the HTTPS head).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import device from 'azure-iot-device';
import deviceMqtt from 'azure-iot-device-mqtt';
import { WebSocket } from 'ws';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger, startHubServer } from '../../../hub-core/index.js';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';

const { Client, Message } = device;
const { MqttWs } = deviceMqtt;

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('startHubServer with WebSocket devices', () => {
  it('serves MqttWs on the HTTPS port and closes with the device still connected', async () => {
    const ip = randomLoopback();
    await assertCanBind443(ip);
    const dataDir = mkdtempSync(join(tmpdir(), 'fh-ws-server-'));
    dirs.push(dataDir);
    const server = await startHubServer({
      hostName: ip, dataDir, bindAddress: ip, mqtt: { port: 0 }, amqp: { port: 0 }, https: { port: 443 },
    }, silentLogger());
    let client: InstanceType<typeof Client> | undefined;
    try {
      const dev = await server.core.registry.createDevice({ deviceId: 'srv-ws' });
      const key = dev.authentication.symmetricKey!.primaryKey!;
      client = Client.fromConnectionString(`HostName=${ip};DeviceId=srv-ws;SharedAccessKey=${key}`, MqttWs);
      await client.setOptions({ ca: server.certificates.tls.ca });
      await client.open();
      await client.sendEvent(new Message('through the server'));
      const stored = [];
      for await (const m of server.core.telemetry.read({ deviceId: 'srv-ws' })) stored.push(Buffer.from(m.message.body).toString());
      expect(stored).toEqual(['through the server']);

      // The server registers its AMQP head with the bridge: AMQPWSB10 is accepted on the HTTPS port.
      const status = await new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(`wss://${ip}:443/$iothub/websocket`, ['AMQPWSB10'], { ca: server.certificates.tls.ca });
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => {
          ws.terminate();
          resolve(101);
        });
        ws.once('error', reject);
      });
      expect(status).toBe(101);
    } finally {
      // The device is still connected over its WebSocket: close() must not wait for it.
      await server.close();
      await client?.close().catch(() => undefined);
    }
  });
});
