/**
 * A small client for the hub's service API (the Azure IoT Hub REST API plus fieldhub's
 * `/fieldhub/v1` extensions) over node:https. Every request carries a fresh hub-policy SAS token,
 * as azure-iothub does. REST errors become RuntimeErrors whose message carries the status and the
 * Azure error code; connection and TLS failures say what to check.
 */
import { request as httpsRequest, type Agent, type RequestOptions } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import { isIP } from 'node:net';
import { signSas } from '../../hub-core/core/sas.js';
import { RuntimeError } from '../errors.js';
import type { HubTarget } from './hub-target.js';

/** The IoT Hub REST API version the hub speaks (wire contract: 2021-04-12 everywhere). */
export const API_VERSION = '2021-04-12';
const TOKEN_LIFETIME_S = 3600;

export interface RequestInit {
  method?: string;
  /** A JSON value (sent as application/json) or raw bytes. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Socket inactivity limit, ms. Default 60000; 0 for none (streams). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The Azure error code and text out of an error body (wire contract G), when there is one. */
export function parseErrorBody(text: string): { azureCode?: string; errorCode?: number; message: string } {
  try {
    const body = JSON.parse(text) as { Message?: unknown; errorCode?: unknown; message?: unknown };
    const errorCode = typeof body.errorCode === 'number' ? body.errorCode : undefined;
    if (typeof body.Message === 'string') {
      const m = /^ErrorCode:([^;]*);?(.*)$/s.exec(body.Message);
      if (m) return { azureCode: m[1] ?? '', message: (m[2] ?? '').trim(), ...(errorCode !== undefined ? { errorCode } : {}) };
      return { message: body.Message, ...(errorCode !== undefined ? { errorCode } : {}) };
    }
    if (typeof body.message === 'string') return { message: body.message, ...(errorCode !== undefined ? { errorCode } : {}) };
  } catch {
    // not JSON: fall through to the raw text
  }
  return { message: text.trim().slice(0, 500) };
}

/** The RuntimeError for an unsuccessful response. */
export function errorForResponse(status: number, text: string, what: string): RuntimeError {
  const { azureCode, errorCode, message } = parseErrorBody(text);
  const code = azureCode ?? (errorCode !== undefined ? String(errorCode) : undefined);
  const detail = `${status}${code ? ` ${code}` : ''}${message ? `: ${message}` : ''}`;
  if (status === 404 && (errorCode === 404103 || azureCode === 'DeviceNotOnline')) {
    return new RuntimeError('FH_CLI_DEVICE_OFFLINE', `${what}: the device is not connected or has not subscribed to direct methods (${status} ${code ?? ''})`.replace(' )', ')'));
  }
  if (status === 504 || errorCode === 504101) {
    return new RuntimeError('FH_CLI_TIMEOUT', `${what}: the device did not answer in time (${status} ${code ?? ''})`.replace(' )', ')'));
  }
  return new RuntimeError('FH_CLI_REQUEST_FAILED', `${what}: hub answered ${detail}`, { retryable: status === 429 || status >= 500 });
}

const TLS_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_SIGNATURE_FAILURE',
]);

/** The RuntimeError for a request that got no response. */
export function errorForConnection(err: NodeJS.ErrnoException, target: HubTarget, what: string): RuntimeError {
  const where = `https://${target.dialHost}:${target.httpsPort}`;
  const code = err.code ?? '';
  let hint: string;
  if (code === 'ECONNREFUSED') hint = 'connection refused: is the hub running, and is this its HTTPS port (--https-port)?';
  else if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') hint = `cannot resolve ${target.dialHost}`;
  else if (TLS_CODES.has(code)) {
    hint = `TLS: ${err.message}; trust the hub's CA (its DATA_DIR/certs/ca.pem) with --ca FILE or NODE_EXTRA_CA_CERTS, ` +
      `and use the host name its certificate was issued for (${target.hostName})`;
  } else hint = err.message;
  return new RuntimeError('FH_CLI_UNREACHABLE', `${what}: cannot reach the hub at ${where} (${target.source}): ${hint}`, { cause: err, retryable: true });
}

/** Talks to one hub. */
export class ServiceClient {
  /**
   * `agent`: a keep-alive agent for callers that make many requests (the gateway's identity
   * mirror); by default each request has its own connection (a CLI command makes one or two).
   */
  constructor(readonly target: HubTarget, private readonly agent: Agent | false = false) {}

  /** A hub-level SAS token (sr = host name, skn = the policy), valid one hour. */
  token(): string {
    const expiry = Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_S;
    return signSas(this.target.hostName, this.target.policy.key, expiry, this.target.policy.keyName);
  }

  /** Starts a request and resolves with the response once its headers arrived (any status). */
  open(path: string, init: RequestInit = {}, what = path): Promise<IncomingMessage> {
    const t = this.target;
    const sep = path.includes('?') ? '&' : '?';
    const payload = init.body === undefined ? undefined
      : init.body instanceof Uint8Array ? Buffer.from(init.body) : Buffer.from(JSON.stringify(init.body), 'utf8');
    const headers: Record<string, string> = {
      Authorization: this.token(),
      'User-Agent': 'fieldhub-cli',
      ...(payload !== undefined && !(init.body instanceof Uint8Array) ? { 'Content-Type': 'application/json; charset=utf-8' } : {}),
      ...(payload !== undefined ? { 'Content-Length': String(payload.length) } : {}),
      ...init.headers,
    };
    const options: RequestOptions = {
      host: t.dialHost,
      port: t.httpsPort,
      method: init.method ?? 'GET',
      path: `${path}${sep}api-version=${API_VERSION}`,
      headers,
      // Verify against the hub's name even when dialing a local address (hub.json: 127.0.0.1).
      checkServerIdentity: (_host: string, cert: PeerCertificate) => checkServerIdentity(t.hostName, cert),
      ...(isIP(t.hostName) === 0 ? { servername: t.hostName } : {}),
      ...(t.ca !== undefined ? { ca: t.ca } : {}),
      ...(init.signal ? { signal: init.signal } : {}),
      agent: this.agent,
    };
    return new Promise((resolve, reject) => {
      const req = httpsRequest(options, resolve);
      req.on('error', (err: NodeJS.ErrnoException) => reject(err.name === 'AbortError' ? err : errorForConnection(err, t, what)));
      const timeoutMs = init.timeoutMs ?? 60_000;
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
      }
      req.end(payload);
    });
  }

  /** A request whose body is read whole; non-2xx statuses throw (see {@link errorForResponse}). */
  async request(path: string, init: RequestInit = {}, what = `${init.method ?? 'GET'} ${path}`): Promise<{ status: number; body: Buffer; headers: IncomingMessage['headers'] }> {
    const res = await this.open(path, init, what);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const status = res.statusCode ?? 0;
    if (status < 200 || status > 299) throw errorForResponse(status, body.toString('utf8'), what);
    return { status, body, headers: res.headers };
  }

  /** A request answered with JSON (undefined for an empty body). */
  async json<T>(path: string, init: RequestInit = {}, what?: string): Promise<T> {
    const { body } = await this.request(path, init, what);
    return (body.length === 0 ? undefined : JSON.parse(body.toString('utf8'))) as T;
  }
}

/** `encodeURIComponent` for ids in paths (the SDK does the same). */
export const enc = encodeURIComponent;
