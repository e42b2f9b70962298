/**
 * Options of the MQTT upstream link (one connection per identity), their defaults and their
 * checks. Every number carries its unit in its name; `resolveMqttIdentityOptions` fills the
 * defaults once so the rest of the link reads plain fields. The credentials have the same shape
 * as the AMQP link's, so the gateway builds one object for either protocol.
 */
import type { Logger } from '../../../hub-core/log.js';
import type { AmqpCredentials } from '../amqp/options.js';

/**
 * How each identity proves itself upstream (its MQTT CONNECT password is a SAS token):
 * - `policy`: a token for `{hostName}/devices/{d}[/modules/{m}]` signed with a hub policy key that
 *   has DeviceConnect (`device`, `iothubowner`), carrying `skn`.
 * - `deviceKeys`: the identity's own symmetric key (no `skn`); `keyFor` is asked at every
 *   (re)connect, token renewal included, so a rotated key is picked up.
 */
export type MqttIdentityCredentials = AmqpCredentials;

/** Capped exponential backoff with full jitter: delay = random(0, min(maxDelayMs, minDelayMs * 2^attempt)). */
export interface MqttBackoffSettings {
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface MqttIdentityUpstreamOptions {
  /** The upstream hub's host name: SAS audience, MQTT username prefix, TLS name. */
  hostName: string;
  /** Where to dial when it is not `hostName` (tests on a loopback address, a GatewayHostName). Default hostName. */
  connectHost?: string;
  /** Default 8883. */
  port?: number;
  /** PEM of the CA to trust; default the system store plus NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  /** TLS SNI name; default `hostName` (none when it is an IP address). The certificate is checked against `hostName`. */
  servername?: string;
  credentials: MqttIdentityCredentials;
  logger: Logger;
  /** Backoff of one identity's connection after a loss or a failed attempt. Defaults 1000 / 60000 ms. */
  reconnect?: MqttBackoffSettings;
  /** Identity connections opened per second (first start, after losses, token renewals). Default 20. */
  identitiesPerSecond?: number;
  /** Connection attempts (TLS + CONNECT + SUBSCRIBE) in progress at once. Default max(10, identitiesPerSecond). */
  maxConcurrentConnects?: number;
  /** SAS token lifetime, seconds; the connection is renewed (DISCONNECT + CONNECT) at 80 %. Default 3600. */
  tokenTtlS?: number;
  /** MQTT keepalive, seconds: a silently dead upstream is noticed after 1.5 times this. Default 60. */
  keepaliveS?: number;
  /** TCP + TLS + CONNACK, ms. Default 30000. */
  connectTimeoutMs?: number;
  /** A telemetry message not PUBACKed within this fails with FH_UPSTREAM_TIMEOUT. Default 30000. */
  sendTimeoutMs?: number;
  /** Telemetry messages in flight across all identities; beyond, sends fail (retryable). Default 10000. */
  maxPendingSends?: number;
  /** Twin GET / PATCH answer timeout. Default 30000. */
  twinTimeoutMs?: number;
  /** Direct-method answer time (IoT Hub's MQTT method requests carry none). Default 30. */
  methodResponseTimeoutS?: number;
  /** A connection that stayed up this long resets the identity's backoff. Default 10000. */
  stableAfterMs?: number;
  /** At a token renewal, how long to wait for telemetry in flight before the DISCONNECT. Default 5000. */
  renewDrainMs?: number;
  /** `DeviceClientType` in the MQTT username. */
  userAgent?: string;
}

/** Options with every default filled in. */
export type ResolvedMqttIdentityOptions = Required<Omit<MqttIdentityUpstreamOptions, 'ca' | 'servername' | 'reconnect'>> & {
  ca?: string | Buffer;
  servername?: string;
  reconnect: Required<MqttBackoffSettings>;
};

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

/** Fills defaults; RangeError/TypeError for a programmer's mistake. */
export function resolveMqttIdentityOptions(o: MqttIdentityUpstreamOptions): ResolvedMqttIdentityOptions {
  if (typeof o.hostName !== 'string' || o.hostName === '') throw new TypeError('hostName is required');
  if (!['policy', 'deviceKeys', 'parent'].includes(o.credentials?.kind)) throw new TypeError('credentials must be policy, deviceKeys or parent');
  if (o.logger === undefined) throw new TypeError('logger is required');
  const minDelayMs = positive('reconnect.minDelayMs', o.reconnect?.minDelayMs ?? 1000);
  const maxDelayMs = positive('reconnect.maxDelayMs', o.reconnect?.maxDelayMs ?? Math.max(60_000, minDelayMs));
  if (maxDelayMs < minDelayMs) throw new RangeError('reconnect.maxDelayMs must be >= minDelayMs');
  const identitiesPerSecond = positive('identitiesPerSecond', o.identitiesPerSecond ?? 20);
  const out: ResolvedMqttIdentityOptions = {
    hostName: o.hostName,
    connectHost: o.connectHost ?? o.hostName,
    port: positive('port', o.port ?? 8883),
    credentials: o.credentials,
    logger: o.logger,
    reconnect: { minDelayMs, maxDelayMs },
    identitiesPerSecond,
    maxConcurrentConnects: Math.floor(positive('maxConcurrentConnects', o.maxConcurrentConnects ?? Math.max(10, Math.ceil(identitiesPerSecond)))),
    tokenTtlS: positive('tokenTtlS', o.tokenTtlS ?? 3600),
    keepaliveS: Math.floor(positive('keepaliveS', o.keepaliveS ?? 60)),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? 30_000),
    sendTimeoutMs: positive('sendTimeoutMs', o.sendTimeoutMs ?? 30_000),
    maxPendingSends: Math.floor(positive('maxPendingSends', o.maxPendingSends ?? 10_000)),
    twinTimeoutMs: positive('twinTimeoutMs', o.twinTimeoutMs ?? 30_000),
    methodResponseTimeoutS: positive('methodResponseTimeoutS', o.methodResponseTimeoutS ?? 30),
    stableAfterMs: positive('stableAfterMs', o.stableAfterMs ?? 10_000),
    renewDrainMs: positive('renewDrainMs', o.renewDrainMs ?? 5000),
    userAgent: o.userAgent ?? 'fieldhub-gateway/0.1.0',
  };
  if (o.ca !== undefined) out.ca = o.ca;
  if (o.servername !== undefined) out.servername = o.servername;
  return out;
}
