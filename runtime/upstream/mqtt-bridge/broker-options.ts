/**
 * The broker options shared by the MQTT route sink and the plain MQTT bridge link: their type,
 * their validation into mqtt.js client options (FH_CONFIG_INVALID naming the option), the URL
 * without credentials for logs, and the recognition of a refused login.
 */
import { readFileSync } from 'node:fs';
import type { IClientOptions } from 'mqtt';
import { RuntimeError } from '../../errors.js';

/** How to reach the broker; the sink's and the bridge's options extend this. */
export interface MqttBrokerOptions {
  /** `mqtt://host[:port]` or `mqtts://host[:port]` (TLS; trust from `caFile` or the system store). */
  url: string;
  clientId?: string;
  username?: string;
  password?: string;
  /** PEM CA bundle that signed the broker's certificate (mqtts). */
  caFile?: string;
  /** 4 = MQTT 3.1.1 (default, every broker), 5 = MQTT 5 (carries user properties). */
  protocolVersion?: 4 | 5;
  /** Bound on the TCP + TLS + CONNACK handshake (default 10 s). */
  connectTimeoutMs?: number;
  /** Bound on the wait for a PUBACK (default 10 s). */
  ackTimeoutMs?: number;
  /** MQTT keepalive in seconds (default 30): how fast a silently dead broker is noticed. */
  keepaliveS?: number;
  /** Reconnect delay ceilings: first `minMs` (default 100), doubling up to `maxMs` (default 1000). */
  reconnect?: { minMs?: number; maxMs?: number };
}

/** MQTT 3.1.1 CONNACK 4/5 and MQTT 5 134/135: the broker refused the credentials. */
export function isAuthRefusal(err: Error | undefined): boolean {
  const code = (err as { code?: unknown } | undefined)?.code;
  return code === 4 || code === 5 || code === 134 || code === 135;
}

/** Checks the broker options that do not depend on the user (url scheme, CA file, numbers). */
export function brokerClientOptions(o: MqttBrokerOptions, what: string): IClientOptions {
  const bad = (why: string): never => {
    throw new RuntimeError('FH_CONFIG_INVALID', `${what}: ${why}`);
  };
  let url: URL;
  try {
    url = new URL(o.url);
  } catch {
    return bad('url is not a valid URL (expected mqtt://host:port or mqtts://host:port)');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:') bad(`url must start with mqtt:// or mqtts:// (got ${url.protocol}//)`);
  if (o.protocolVersion !== undefined && o.protocolVersion !== 4 && o.protocolVersion !== 5) bad('protocolVersion must be 4 (MQTT 3.1.1) or 5');
  for (const key of ['connectTimeoutMs', 'ackTimeoutMs', 'keepaliveS'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isFinite(v) && v > 0)) bad(`${key} must be a positive number`);
  }
  let ca: Buffer | undefined;
  if (o.caFile !== undefined) {
    try {
      ca = readFileSync(o.caFile);
    } catch (err) {
      bad(`caFile ${o.caFile} cannot be read (${(err as Error).message})`);
    }
  }
  return {
    protocolVersion: o.protocolVersion ?? 4,
    connectTimeout: o.connectTimeoutMs ?? 10_000,
    keepalive: o.keepaliveS ?? 30,
    ...(o.username !== undefined ? { username: o.username } : {}),
    ...(o.password !== undefined ? { password: o.password } : {}),
    ...(ca !== undefined ? { ca } : {}),
    rejectUnauthorized: true,
  };
}

/** The URL without user info, for logs and error messages (a password may be in the URL). */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid url)';
  }
}
