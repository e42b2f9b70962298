/**
 * One hub for an HTTPS-head test file: HubCore on a MemoryStore, the head on a random loopback
 * address at port 443 (azure-iothub dials https://{HostName}:443 only), a server certificate for
 * that address from the test CA, and helpers for raw requests, tokens and device sessions.
 */
import { request as httpsRequest, Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { SharedAccessSignature as DeviceSas } from 'azure-iot-device';
import { SharedAccessSignature as ServiceSas } from 'azure-iothub';
import type { DeviceProxy, DeviceSession, HubCoreApi } from '../../../hub-core/core/api.js';
import { HubCore } from '../../../hub-core/core/hub.js';
import type { C2dDelivery, JsonObject, MethodRequest } from '../../../hub-core/core/types.js';
import type { HubError } from '../../../hub-core/errors.js';
import { createHttpsHead } from '../../../hub-core/heads/https/index.js';
import type { ProtocolHead } from '../../../hub-core/heads/head.js';
import { silentLogger } from '../../../hub-core/log.js';
import { MemoryStore } from '../../../hub-core/store/memory.js';
import { assertCanBind443, randomLoopback } from '../../helpers/loopback.js';
import { issueServerCert } from '../../helpers/server-cert.js';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** The client's local port: equal across requests that reused one keep-alive connection. */
  localPort: number | undefined;
  /** The body parsed as JSON (throws when it is not). */
  json<T = unknown>(): T;
}

export interface RawRequest {
  method: string;
  path: string;
  headers?: Record<string, string | number>;
  body?: string | Buffer;
  /** Defaults to a fresh connection per request. */
  agent?: Agent | false;
}

export interface Harness {
  ip: string;
  core: HubCoreApi;
  head: ProtocolHead;
  ca: string;
  /** A policy's primary key. */
  policyKey(name: string): string;
  /** `HostName={ip};SharedAccessKeyName={policy};SharedAccessKey={key}`. */
  connectionString(policy?: string): string;
  /** A hub-level SAS token for the policy (`expiry` in Unix seconds; default now + 1 h). */
  policyToken(policy?: string, expiry?: number): string;
  /** A device SAS token (no skn). */
  deviceToken(deviceId: string, key: string): string;
  request(req: RawRequest): Promise<RawResponse>;
  close(): Promise<void>;
}

export function inOneHour(): number {
  return Math.floor(Date.now() / 1000) + 3600;
}

export async function startHarness(options: { maxBodyBytes?: number } = {}): Promise<Harness> {
  const ip = randomLoopback();
  await assertCanBind443(ip);
  const tls = issueServerCert([ip]);
  const store = new MemoryStore();
  await store.open();
  const core = await HubCore.create({ store, hostName: ip });
  const headOptions = { core, tls, host: ip, port: 443, logger: silentLogger(), store: store.sublevel('https') };
  const head = createHttpsHead(options.maxBodyBytes === undefined ? headOptions : { ...headOptions, maxBodyBytes: options.maxBodyBytes });
  await head.start();

  const policyKey = (name: string): string => {
    const p = core.auth.policies().find((x) => x.keyName === name);
    if (p === undefined) throw new Error(`no policy ${name}`);
    return p.primaryKey;
  };

  const request = (req: RawRequest): Promise<RawResponse> => new Promise((resolve, reject) => {
    const r = httpsRequest({
      host: ip, port: 443, method: req.method, path: req.path, ca: tls.ca,
      headers: req.headers ?? {}, agent: req.agent ?? false,
    }, (res) => {
      const localPort = res.socket.localPort;
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({
          status: res.statusCode ?? 0, headers: res.headers, body, localPort,
          json: <T>() => JSON.parse(body.toString('utf8')) as T,
        });
      });
    });
    r.on('error', reject);
    r.end(req.body);
  });

  return {
    ip, core, head, ca: tls.ca, policyKey, request,
    connectionString: (policy = 'iothubowner') => `HostName=${ip};SharedAccessKeyName=${policy};SharedAccessKey=${policyKey(policy)}`,
    policyToken: (policy = 'iothubowner', expiry = inOneHour()) =>
      ServiceSas.create(ip, policy, policyKey(policy), expiry).toString(),
    deviceToken: (deviceId, key) => DeviceSas.create(ip, deviceId, key, inOneHour()).toString(),
    async close() {
      await head.close();
      await core.close();
      await store.close();
    },
  };
}

/**
 * A device connected straight to the core (no protocol head), answering direct methods with
 * `answer` and recording what the core pushes to it.
 */
export class TestDevice implements DeviceProxy {
  readonly protocol = 'mqtt' as const;
  readonly c2d: C2dDelivery[] = [];
  readonly desired: JsonObject[] = [];
  readonly methodCalls: MethodRequest[] = [];
  session: DeviceSession | undefined;

  constructor(private readonly answer?: (req: MethodRequest) => { status: number; payload: unknown } | undefined) {}

  /** Connects `deviceId` (with its SAS key) and enables direct methods. */
  static async connect(
    h: Harness, deviceId: string, key: string,
    answer?: (req: MethodRequest) => { status: number; payload: unknown } | undefined,
  ): Promise<TestDevice> {
    const device = new TestDevice(answer);
    const principal = await h.core.auth.verifySas(h.deviceToken(deviceId, key));
    device.session = await h.core.connect({ deviceId }, principal, device);
    device.session.setMethodsEnabled(true);
    return device;
  }

  sendC2d(delivery: C2dDelivery): void {
    this.c2d.push(delivery);
  }

  sendMethodRequest(request: MethodRequest): void {
    this.methodCalls.push(request);
    const reply = this.answer?.(request);
    // No reply: the device stays silent (the caller's timeout runs out).
    if (reply !== undefined) {
      setImmediate(() => this.session?.respondToMethod(request.rid, reply.status, reply.payload as never));
    }
  }

  sendDesiredPatch(patch: JsonObject): void {
    this.desired.push(patch);
  }

  close(_reason: HubError): void {
    this.session = undefined;
  }
}
