/**
 * Test harness for the MQTT head: a HubCore on a MemoryStore plus the head on 127.0.0.1:0 with a
 * server certificate from the test CA, a log capture (to assert coded log events), and helpers
 * for devices, SAS tokens and waiting on real peers.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { HubCore } from '../../../hub-core/core/hub.js';
import { signSas } from '../../../hub-core/core/sas.js';
import type { HubLimits } from '../../../hub-core/core/api.js';
import type { IdentityRef, StoredTelemetry } from '../../../hub-core/core/types.js';
import type { ProtocolHead } from '../../../hub-core/heads/head.js';
import { createMqttHead } from '../../../hub-core/heads/mqtt/index.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { issueServerCert } from '../../helpers/server-cert.js';
import { createSasIdentity, readStoredTelemetry, waitFor } from '../../helpers/core-fixtures.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { code?: string; event?: string };

export interface MqttTestHub {
  core: HubCore;
  head: ProtocolHead;
  store: MemoryStore;
  hostName: string;
  port: number;
  /** The test CA (PEM) clients trust. */
  ca: string;
  logs: LogLine[];
  /** Number of deviceConnected events per identity key (`d` or `d/m`). */
  connects: Map<string, number>;
  close(): Promise<void>;
}

let certCache: ReturnType<typeof issueServerCert> | undefined;

/** Starts a hub core and the MQTT head. Close it in afterEach/afterAll. */
export async function startMqttHub(
  options: { maxPacketBytes?: number; connectTimeoutMs?: number; limits?: Partial<HubLimits> } = {},
): Promise<MqttTestHub> {
  certCache ??= issueServerCert();
  const tls = certCache;
  const store = new MemoryStore();
  await store.open();
  const hostName = 'fieldhub-mqtt-test.local';
  const core = await HubCore.create({ store, hostName, ...(options.limits ? { limits: options.limits } : {}) });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const logger = pino({ level: 'debug' }, sink);
  const head = createMqttHead({
    core, tls, host: '127.0.0.1', port: 0, logger, store: store.sublevel('mqtt-head'),
    ...(options.maxPacketBytes !== undefined ? { maxPacketBytes: options.maxPacketBytes } : {}),
    ...(options.connectTimeoutMs !== undefined ? { connectTimeoutMs: options.connectTimeoutMs } : {}),
  });
  await head.start();
  const connects = new Map<string, number>();
  core.on('deviceConnected', (ref: IdentityRef) => {
    const key = ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
    connects.set(key, (connects.get(key) ?? 0) + 1);
  });
  return {
    core, head, store, hostName, port: head.address().port, ca: tls.ca, logs, connects,
    async close() {
      await head.close();
      await core.close();
      await store.close();
    },
  };
}

/** Creates a SAS device (or module) and returns its primary key. */
export function addSasIdentity(hub: MqttTestHub, deviceId: string, moduleId?: string): Promise<string> {
  return createSasIdentity(hub.core, deviceId, moduleId);
}

/** A device connection string for the SDK, dialing the head through GatewayHostName. */
export function deviceConnectionString(hub: MqttTestHub, deviceId: string, key: string, moduleId?: string): string {
  const mod = moduleId === undefined ? '' : `;ModuleId=${moduleId}`;
  return `HostName=${hub.hostName};DeviceId=${deviceId}${mod};SharedAccessKey=${key};GatewayHostName=127.0.0.1:${hub.port}`;
}

/** A device SAS token valid for `seconds` (negative: already expired). */
export function deviceToken(hub: MqttTestHub, deviceId: string, key: string, seconds = 3600): string {
  return signSas(`${hub.hostName}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + seconds);
}

/** The MQTT username the Node SDK sends. */
export function username(hub: MqttTestHub, deviceId: string): string {
  return `${hub.hostName}/${deviceId}/?api-version=2021-04-12`;
}

/** Every stored telemetry message (optionally one device's). */
export function storedTelemetry(hub: MqttTestHub, deviceId?: string): Promise<StoredTelemetry[]> {
  return readStoredTelemetry(hub.core, deviceId);
}

export { waitFor };

/** Log lines with the given code. */
export function logsWithCode(hub: MqttTestHub, code: string): LogLine[] {
  return hub.logs.filter((l) => l.code === code);
}
