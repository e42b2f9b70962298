/**
 * One hub for an HTTPS device-API test file: HubCore on a MemoryStore with file upload into a
 * temporary folder, the HTTPS head on a random loopback address at port 443 (azure-iot-device-http
 * and file upload dial https://{HostName}:443 only), and helpers for devices, SDK clients and raw
 * requests. The hub's clock is the real one plus an offset a test can move forward, so token
 * expiry is tested without waiting.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, SharedAccessSignature as DeviceSas } from 'azure-iot-device';
import { Http } from 'azure-iot-device-http';
import type { Clock, FileUploadOptions } from '../../../hub-core/core/api.js';
import { systemClock } from '../../../hub-core/core/clock.js';
import { HubCore } from '../../../hub-core/core/hub.js';
import type { StoredTelemetry } from '../../../hub-core/core/types.js';
import type { ProtocolHead } from '../../../hub-core/heads/head.js';
import { createHttpsHead } from '../../../hub-core/heads/https/index.js';
import { silentLogger } from '../../../hub-core/log.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';
import { issueServerCert } from '../../helpers/server-cert.js';
import { readStoredTelemetry } from '../../helpers/core-fixtures.js';

/** The system clock moved forward by `offsetMs`; timers run on real time. */
export class OffsetClock implements Clock {
  offsetMs = 0;
  now(): number {
    return Date.now() + this.offsetMs;
  }
  setTimeout(fn: () => void, ms: number): { cancel(): void } {
    return systemClock.setTimeout(fn, ms);
  }
}

/** A response read whole by {@link DeviceHarness.request}. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text(): string;
}

/** A registered device with its key, connection string and a ready token. */
export interface TestDevice {
  deviceId: string;
  key: string;
  connectionString: string;
  /** A device SAS token (no skn), valid one hour. */
  token: string;
}

/** The hub under test and its helpers; see the file comment. */
export interface DeviceHarness {
  ip: string;
  core: HubCore;
  head: ProtocolHead;
  clock: OffsetClock;
  uploadDir: string;
  createDevice(deviceId: string): Promise<TestDevice>;
  /** An SDK client over HTTP (closed by close()). */
  client(device: TestDevice): Client;
  /** A raw HTTPS request to the head; `body` chunks are written in order, then the request ends. */
  request(req: { method: string; path: string; headers?: Record<string, string | number>; body?: string | Buffer }): Promise<RawResponse>;
  /** Options for a hand-made `https.request` to the head. */
  requestOptions(method: string, path: string, headers: Record<string, string | number>): RequestOptions;
  close(): Promise<void>;
}

/** Starts a hub with file upload into a temporary folder; `files` overrides the upload options. */
export async function startDeviceHarness(files: Partial<FileUploadOptions> = {}): Promise<DeviceHarness> {
  const ip = randomLoopback();
  await assertCanBind443(ip);
  const tls = issueServerCert([ip]);
  const uploadDir = mkdtempSync(join(tmpdir(), 'fh-uploads-'));
  const store = new MemoryStore();
  await store.open();
  const clock = new OffsetClock();
  const core = await HubCore.create({ store, hostName: ip, clock, files: { dir: uploadDir, ...files } });
  const head = createHttpsHead({ core, tls, host: ip, port: 443, logger: silentLogger(), store: store.sublevel('https') });
  await head.start();
  const clients: Client[] = [];

  const requestOptions = (method: string, path: string, headers: Record<string, string | number>): RequestOptions =>
    ({ host: ip, port: 443, method, path, ca: tls.ca, headers, agent: false });

  return {
    ip, core, head, clock, uploadDir, requestOptions,
    async createDevice(deviceId) {
      const device = await core.registry.createDevice({ deviceId });
      const key = device.authentication.symmetricKey?.primaryKey ?? '';
      return {
        deviceId, key,
        connectionString: `HostName=${ip};DeviceId=${deviceId};SharedAccessKey=${key}`,
        token: DeviceSas.create(ip, deviceId, key, Math.floor(Date.now() / 1000) + 3600).toString(),
      };
    },
    client(device) {
      const c = Client.fromConnectionString(device.connectionString, Http);
      clients.push(c);
      return c;
    },
    request: (req) => new Promise((resolve, reject) => {
      const r = httpsRequest(requestOptions(req.method, req.path, req.headers ?? {}), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const body = Buffer.concat(chunks);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: () => body.toString('utf8') });
        });
      });
      r.on('error', reject);
      r.end(req.body);
    }),
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await head.close();
      await core.close();
      await store.close();
      rmSync(uploadDir, { recursive: true, force: true });
    },
  };
}

/** The device messages stored for `deviceId`, oldest first. */
export function storedTelemetry(core: HubCore, deviceId: string): Promise<StoredTelemetry[]> {
  return readStoredTelemetry(core, deviceId);
}
