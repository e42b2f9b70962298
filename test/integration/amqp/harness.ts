/**
 * Test harness for the AMQP head: a HubCore on a MemoryStore plus the head with a server
 * certificate from the test CA (127.0.0.1:0 by default; a random loopback address on 5671 for
 * azure-iothub, which dials only amqps://{HostName}:5671), a log capture to assert coded log
 * events, and helpers for devices, SAS tokens and waiting on real peers.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { FileUploadOptions, HubLimits } from '../../../hub-core/core/api.js';
import { HubCore } from '../../../hub-core/core/hub.js';
import { signSas } from '../../../hub-core/core/sas.js';
import type { StoredTelemetry } from '../../../hub-core/core/types.js';
import { createAmqpHead, type AmqpHead, type AmqpHeadOptions } from '../../../hub-core/heads/amqp/index.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { issueServerCert, type TestTls } from '../../helpers/server-cert.js';
import { createSasIdentity, readStoredTelemetry, waitFor } from '../../helpers/core-fixtures.js';

/** One parsed log line. */
export type LogLine = Record<string, unknown> & { code?: string; event?: string };

export interface AmqpTestHub {
  core: HubCore;
  head: AmqpHead;
  store: MemoryStore;
  /** The hub's logical name (SAS sr) and, for service tests, the address it listens on. */
  hostName: string;
  host: string;
  port: number;
  tls: TestTls;
  /** The test CA (PEM) clients trust. */
  ca: string;
  logs: LogLine[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** Bind address; default 127.0.0.1. */
  host?: string;
  /** Port; default 0 (any). */
  port?: number;
  /** The hub's host name; default `fieldhub-amqp-test.local`. */
  hostName?: string;
  limits?: Partial<HubLimits>;
  /** File upload folder (the core's file service), for file-notification tests. */
  files?: FileUploadOptions;
  head?: Partial<Omit<AmqpHeadOptions, 'core' | 'tls' | 'host' | 'port' | 'logger' | 'store'>>;
}

const certs = new Map<string, TestTls>();

/** Starts a hub core and the AMQP head. Close it in afterEach/afterAll. */
export async function startAmqpHub(options: StartOptions = {}): Promise<AmqpTestHub> {
  const host = options.host ?? '127.0.0.1';
  const hostName = options.hostName ?? 'fieldhub-amqp-test.local';
  const certKey = `${host}|${hostName}`;
  let tls = certs.get(certKey);
  if (tls === undefined) {
    tls = issueServerCert([host, hostName]);
    certs.set(certKey, tls);
  }
  const store = new MemoryStore();
  await store.open();
  const core = await HubCore.create({
    store, hostName, ...(options.limits ? { limits: options.limits } : {}), ...(options.files ? { files: options.files } : {}),
  });
  const logs: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logs.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  const head = createAmqpHead({
    core, tls, host, port: options.port ?? 0, logger: pino({ level: 'debug' }, sink), store: store.sublevel('amqp-head'),
    feedbackBatchDelayMs: 50, ...options.head,
  });
  await head.start();
  return {
    core, head, store, hostName, host, port: head.address().port, tls, ca: tls.ca, logs,
    async close() {
      await head.close();
      await core.close();
      await store.close();
    },
  };
}

/** Creates a SAS device (or module) and returns its primary key. */
export function addSasIdentity(hub: AmqpTestHub, deviceId: string, moduleId?: string): Promise<string> {
  return createSasIdentity(hub.core, deviceId, moduleId);
}

/** A device connection string for the SDK, dialing the head through GatewayHostName. */
export function deviceConnectionString(hub: AmqpTestHub, deviceId: string, key: string, moduleId?: string): string {
  const mod = moduleId === undefined ? '' : `;ModuleId=${moduleId}`;
  return `HostName=${hub.hostName};DeviceId=${deviceId}${mod};SharedAccessKey=${key};GatewayHostName=${hub.host}:${hub.port}`;
}

/** A device (or module) SAS token valid for `seconds` (negative: already expired). */
export function deviceToken(hub: AmqpTestHub, deviceId: string, key: string, seconds = 3600, moduleId?: string): string {
  const sr = moduleId === undefined ? `${hub.hostName}/devices/${deviceId}` : `${hub.hostName}/devices/${deviceId}/modules/${moduleId}`;
  return signSas(sr, key, Math.floor(Date.now() / 1000) + seconds);
}

/** A policy token (iothubowner by default) for `{host}[/path]`. */
export function policyToken(hub: AmqpTestHub, keyName = 'iothubowner', path = '', seconds = 3600): string {
  const policy = hub.core.auth.policies().find((p) => p.keyName === keyName);
  if (policy === undefined) throw new Error(`no policy ${keyName}`);
  return signSas(`${hub.hostName}${path}`, policy.primaryKey, Math.floor(Date.now() / 1000) + seconds, keyName);
}

/** The service connection string azure-iothub uses (HostName = the address the head listens on). */
export function serviceConnectionString(hub: AmqpTestHub, keyName = 'iothubowner'): string {
  const policy = hub.core.auth.policies().find((p) => p.keyName === keyName);
  if (policy === undefined) throw new Error(`no policy ${keyName}`);
  return `HostName=${hub.hostName};SharedAccessKeyName=${keyName};SharedAccessKey=${policy.primaryKey}`;
}

/** Every stored telemetry message (optionally one device's). */
export function storedTelemetry(hub: AmqpTestHub, deviceId?: string): Promise<StoredTelemetry[]> {
  return readStoredTelemetry(hub.core, deviceId);
}

export { waitFor };

/** Log lines with the given code or event. */
export function logsWith(hub: AmqpTestHub, match: { code?: string; event?: string }): LogLine[] {
  return hub.logs.filter((l) => (match.code === undefined || l.code === match.code) && (match.event === undefined || l.event === match.event));
}
