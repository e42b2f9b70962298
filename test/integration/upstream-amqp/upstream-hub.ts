/**
 * A real `fieldhub hub` process as the upstream of the AMQP upstream link, and the service-side
 * views a test needs of it: the registry and twins, direct methods and C2D over its HTTPS
 * service API (runtime/cli/service-client.ts), the stored telemetry (`/fieldhub/v1/telemetry`),
 * and C2D feedback over its AMQP service link.
 */
import { randomBytes } from 'node:crypto';
import { connect as tlsConnect } from 'node:tls';
import rhea, { type Connection, type ConnectionOptions, type EventContext } from 'rhea';
import { parseConnectionString, signSas } from '../../../hub-core/core/sas.js';
import { targetFromDataDir } from '../../../runtime/cli/hub-target.js';
import { ServiceClient, enc } from '../../../runtime/cli/service-client.js';
import type { TelemetryLine } from '../../../runtime/cli/telemetry-follower.js';
import { startHubProcess, type HubProcess } from '../../helpers/hub-process.js';

export interface UpstreamHub {
  readonly hub: HubProcess;
  readonly hostName: string;
  readonly amqpPort: number;
  readonly ca: string;
  readonly owner: { keyName: string; key: string };
  service(): ServiceClient;
  /** Creates devices with keys made here (bulk, 100 per request); returns id → primary key. */
  createDevices(ids: string[]): Promise<Map<string, string>>;
  createModule(deviceId: string, moduleId: string): Promise<string>;
  /** Stored telemetry after `afterSeq`. */
  telemetry(afterSeq?: number): Promise<TelemetryLine[]>;
  lastSeq(): Promise<number>;
  /** Stops the hub process and starts another on the same data folder and ports. */
  restart(stopped?: () => Promise<void>): Promise<void>;
  cleanup(): Promise<void>;
}

export function newKey(): string {
  return randomBytes(32).toString('base64');
}

export async function startUpstreamHub(): Promise<UpstreamHub> {
  let hub = await startHubProcess({ hostName: '127.0.0.1', bindAddress: '127.0.0.1' });
  const first = hub;
  const cs = parseConnectionString(hub.ownerConnectionString);
  const owner = { keyName: cs.SharedAccessKeyName ?? 'iothubowner', key: cs.SharedAccessKey ?? '' };
  const service = (): ServiceClient => new ServiceClient(targetFromDataDir(hub.dataDir));
  const up: UpstreamHub = {
    get hub() { return hub; },
    hostName: hub.hostName,
    amqpPort: hub.ports.amqp,
    ca: hub.ca,
    owner,
    service,
    async createDevices(ids) {
      const keys = new Map(ids.map((id) => [id, newKey()]));
      const batches: string[][] = [];
      for (let i = 0; i < ids.length; i += 100) batches.push(ids.slice(i, i + 100));
      await Promise.all(batches.map(async (batch) => {
        const result = await service().json<{ isSuccessful: boolean; errors: unknown[] }>('/devices', {
          method: 'POST',
          body: batch.map((id) => ({
            id, importMode: 'create', status: 'enabled',
            authentication: { type: 'sas', symmetricKey: { primaryKey: keys.get(id), secondaryKey: newKey() } },
          })),
        });
        if (!result.isSuccessful) throw new Error(`bulk create failed: ${JSON.stringify(result.errors).slice(0, 500)}`);
      }));
      return keys;
    },
    async createModule(deviceId, moduleId) {
      const key = newKey();
      await service().json(`/devices/${enc(deviceId)}/modules/${enc(moduleId)}`, {
        method: 'PUT',
        body: { deviceId, moduleId, authentication: { type: 'sas', symmetricKey: { primaryKey: key, secondaryKey: newKey() } } },
      });
      return key;
    },
    async telemetry(afterSeq = 0) {
      const { body } = await service().request(`/fieldhub/v1/telemetry?afterSeq=${afterSeq}`);
      return body.toString('utf8').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as TelemetryLine);
    },
    async lastSeq() {
      const health = await service().json<{ telemetryLastSeq?: number }>('/fieldhub/v1/health');
      return health.telemetryLastSeq ?? 0;
    },
    async restart(stopped) {
      await hub.stop();
      await stopped?.();
      hub = await startHubProcess({
        hostName: hub.hostName, bindAddress: hub.bindAddress, dataDir: hub.dataDir,
        mqttPort: hub.ports.mqtt, httpsPort: hub.ports.https, amqpPort: hub.ports.amqp,
      });
    },
    async cleanup() {
      if (hub !== first) await hub.stop();
      await first.cleanup();
    },
  };
  return up;
}

/** One feedback record (wire contract E "Feedback"). */
export interface FeedbackRecord {
  originalMessageId: string;
  statusCode: string;
  deviceId: string;
}

/** The service's feedback receiver (`/messages/serviceBound/feedback`) over the hub's AMQP port. */
export async function openFeedbackReceiver(up: UpstreamHub): Promise<{ records: FeedbackRecord[]; close(): Promise<void> }> {
  const container = rhea.create_container();
  container.on('error', () => undefined);
  // A TLS socket of our own: rhea would set the IP address as SNI name, which Node warns about.
  const conn: Connection = container.connect({
    host: up.hostName, port: up.amqpPort, hostname: up.hostName, reconnect: false,
    connect: (port: number, host: string, _o: unknown, cb: () => void) => tlsConnect({ host, port, ca: up.ca }, cb),
  } as unknown as ConnectionOptions);
  await new Promise<void>((resolve, reject) => {
    conn.once('connection_open', () => resolve());
    conn.once('disconnected', (c: EventContext) => reject(c.error ?? new Error('disconnected')));
  });
  const token = signSas(up.hostName, up.owner.key, Math.floor(Date.now() / 1000) + 3600, up.owner.keyName);
  const replies = conn.open_receiver({ source: { address: '$cbs' }, credit_window: 10, autoaccept: true });
  const status = new Promise<number>((resolve) => replies.once('message', (c: EventContext) => resolve(Number(c.message?.application_properties?.['status-code']))));
  const cbs = conn.open_sender({ target: { address: '$cbs' } });
  cbs.once('sendable', () => cbs.send({
    message_id: rhea.generate_uuid(), to: '$cbs', reply_to: 'cbs', body: token,
    application_properties: { operation: 'put-token', type: 'servicebus.windows.net:sastoken', name: up.hostName },
  }));
  if ((await status) !== 200) throw new Error('the owner put-token was refused');
  const records: FeedbackRecord[] = [];
  const receiver = conn.open_receiver({ source: { address: '/messages/serviceBound/feedback' }, credit_window: 10, autoaccept: true });
  receiver.on('message', (c: EventContext) => {
    const body = c.message?.body as { content?: Buffer } | undefined;
    records.push(...(JSON.parse(Buffer.from(body?.content ?? Buffer.alloc(0)).toString('utf8')) as FeedbackRecord[]));
  });
  await new Promise<void>((resolve) => receiver.once('receiver_open', () => resolve()));
  return {
    records,
    close: () => new Promise<void>((resolve) => {
      conn.once('connection_close', () => resolve());
      conn.once('disconnected', () => resolve());
      conn.close();
    }),
  };
}
