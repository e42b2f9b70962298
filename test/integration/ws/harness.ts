/**
 * One hub for a WebSocket test file: HubCore on a MemoryStore, the MQTT and AMQP heads (their own
 * TLS ports on 127.0.0.1:0, unused here), the WebSocket bridge, and the HTTPS head on a random
 * loopback address at port 443 with the bridge as its upgrade hook. The device SDK's WebSocket
 * transports dial `wss://{GatewayHostName or HostName}:443/$iothub/websocket` (the port is fixed,
 * `host:port` would become `host:port:443`), so the hub's HostName is that address and the
 * server certificate carries it as an IP SAN.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { WebSocket } from 'ws';
import { HubCore } from '../../../hub-core/core/hub.js';
import type { IdentityRef, StoredTelemetry } from '../../../hub-core/core/types.js';
import { createAmqpHead, type AmqpHead } from '../../../hub-core/heads/amqp/index.js';
import type { ProtocolHead } from '../../../hub-core/heads/head.js';
import { createHttpsHead } from '../../../hub-core/heads/https/index.js';
import { createMqttHead, type MqttHead } from '../../../hub-core/heads/mqtt/index.js';
import { createWebSocketBridge, type WebSocketBridge, type WebSocketBridgeOptions } from '../../../hub-core/heads/ws/index.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';
import { issueServerCert } from '../../helpers/server-cert.js';
import { readStoredTelemetry, waitFor } from '../../helpers/core-fixtures.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { code?: string; event?: string };

export interface WsTestHub {
  /** The loopback address the HTTPS head listens on (port 443); also the hub's HostName. */
  ip: string;
  core: HubCore;
  mqtt: MqttHead;
  amqp: AmqpHead;
  https: ProtocolHead;
  bridge: WebSocketBridge;
  /** The test CA (PEM) clients trust. */
  ca: string;
  logs: LogLine[];
  /** deviceDisconnected events, as `{deviceId}:{protocol}`. */
  disconnects: string[];
  /** Closes bridge, heads (HTTPS first, as the server does), core and store. Idempotent. */
  close(): Promise<void>;
}

export type BridgeLimits = Pick<WebSocketBridgeOptions, 'mqttMaxPayloadBytes' | 'amqpMaxPayloadBytes'>;

/** The WebSocket URL the SDK transports dial. */
export function wsUrl(hub: WsTestHub, path = '/$iothub/websocket'): string {
  return `wss://${hub.ip}:443${path}`;
}

export async function startWsHub(limits: BridgeLimits = {}): Promise<WsTestHub> {
  const ip = randomLoopback();
  await assertCanBind443(ip);
  const tls = issueServerCert([ip]);
  const store = new MemoryStore();
  await store.open();
  const core = await HubCore.create({ store, hostName: ip });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const common = { core, tls, logger };
  const mqtt = createMqttHead({ ...common, host: '127.0.0.1', port: 0, store: store.sublevel('mqtt-head') });
  const amqp = createAmqpHead({ ...common, host: '127.0.0.1', port: 0, store: store.sublevel('amqp-head') });
  const bridge = createWebSocketBridge({ logger, mqtt, amqp, ...limits });
  const https = createHttpsHead({
    ...common, host: ip, port: 443, store: store.sublevel('https-head'),
    onUpgrade: (req, socket, head) => bridge.handleUpgrade(req, socket, head),
  });
  await mqtt.start();
  await amqp.start();
  await https.start();
  const disconnects: string[] = [];
  core.on('deviceDisconnected', (ref: IdentityRef, protocol: string) => disconnects.push(`${ref.deviceId}:${protocol}`));
  let closing: Promise<void> | undefined;
  return {
    ip, core, mqtt, amqp, https, bridge, ca: tls.ca, logs, disconnects,
    close() {
      closing ??= (async () => {
        await bridge.close();
        await https.close();
        await amqp.close();
        await mqtt.close();
        await core.close();
        await store.close();
      })();
      return closing;
    },
  };
}

/** Creates a SAS device and returns its primary key. */
export async function addSasDevice(hub: WsTestHub, deviceId: string): Promise<string> {
  const dev = await hub.core.registry.createDevice({ deviceId });
  return dev.authentication.symmetricKey!.primaryKey!;
}

/** A device connection string: HostName is the hub's loopback address (the WS transports dial it on 443). */
export function deviceConnectionString(hub: WsTestHub, deviceId: string, key: string): string {
  return `HostName=${hub.ip};DeviceId=${deviceId};SharedAccessKey=${key}`;
}

/** Every stored telemetry message of one device. */
export function storedTelemetry(hub: WsTestHub, deviceId: string): Promise<StoredTelemetry[]> {
  return readStoredTelemetry(hub.core, deviceId);
}

export { waitFor };

/** How a raw WebSocket attempt ended: opened (with the agreed subprotocol) or refused with an HTTP status. */
export type WsOutcome = { opened: true; ws: WebSocket; protocol: string } | { opened: false; status: number; body: string };

/** Opens a raw WebSocket (the `ws` client) offering `protocols`. */
export function openRaw(hub: WsTestHub, protocols: string[], path?: string): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl(hub, path), protocols, { ca: hub.ca });
    ws.once('open', () => resolve({ opened: true, ws, protocol: ws.protocol }));
    ws.once('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ opened: false, status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    ws.once('error', reject);
  });
}

/** Resolves with the close code once `ws` is closed, collecting what the server sent meanwhile. */
export function closed(ws: WebSocket, received: Buffer[] = []): Promise<number> {
  return new Promise((resolve) => {
    ws.on('message', (data: Buffer) => received.push(data));
    if (ws.readyState === ws.CLOSED) resolve(1006);
    else ws.once('close', (code: number) => resolve(code));
  });
}
