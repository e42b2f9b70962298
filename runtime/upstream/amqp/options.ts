/**
 * Options of the AMQP upstream link, their defaults and their checks. Every number carries its
 * unit in its name; `resolveAmqpOptions` fills the defaults once so the rest of the link reads
 * plain fields.
 */
import type { IdentityRef } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';

/**
 * How each identity proves itself upstream (one CBS put-token per identity):
 * - `policy`: a token for `{hostName}/devices/{d}[/modules/{m}]` signed with a hub policy key that
 *   has DeviceConnect (`device`, `iothubowner`), carrying `skn`.
 * - `deviceKeys`: the identity's own symmetric key (no `skn`); `keyFor` is asked at every
 *   (re)attach and token renewal, so a rotated key is picked up.
 */
export type AmqpCredentials =
  | { kind: 'policy'; keyName: string; key: string }
  | { kind: 'deviceKeys'; keyFor(ref: IdentityRef): Promise<string> }
  /**
   * Parent scope (an upstream fieldhub hub; IoT Edge's gateway pattern): the gateway device's own
   * token (sr `{hostName}/devices/{deviceId}`) for itself and for every device whose parent it is
   * upstream (and their modules); the gateway's own modules use their own keys (`keyFor`), as a
   * device token does not cover its modules.
   */
  | { kind: 'parent'; deviceId: string; key: string; keyFor?(ref: IdentityRef): Promise<string> };

/** Capped exponential backoff with full jitter: delay = random(0, min(maxDelayMs, minDelayMs * 2^attempt)). */
export interface BackoffSettings {
  minDelayMs?: number;
  maxDelayMs?: number;
}

export interface AmqpUpstreamOptions {
  /** The upstream hub's host name: SAS audience, TLS name, AMQP open hostname. */
  hostName: string;
  /** Where to dial when it is not `hostName` (tests on a loopback address). Default hostName. */
  connectHost?: string;
  /** Default 5671. */
  port?: number;
  /** PEM of the CA to trust; default the system store plus NODE_EXTRA_CA_CERTS. */
  ca?: string | Buffer;
  /** TLS SNI name; default `hostName` (none when it is an IP address). */
  servername?: string;
  credentials: AmqpCredentials;
  logger: Logger;
  /** Connection backoff. Defaults 1000 / 60000 ms. */
  reconnect?: BackoffSettings;
  /** Backoff of one identity whose attach failed (token refused, link refused). Defaults 5000 / 300000 ms. */
  identityRetry?: BackoffSettings;
  /** Identities attached per second after a (re)connect, across all the link's connections. Default 50. */
  identitiesPerSecond?: number;
  /**
   * Identities (devices and modules) one AMQP connection carries; more open further connections.
   * Default 1000, what IoT Hub multiplexes on one connection.
   */
  identitiesPerConnection?: number;
  /** SAS token lifetime, seconds; renewed at 80 %. Default 3600. */
  tokenTtlS?: number;
  /** Identities per AMQP session (links of one identity stay on one session). Default 200. */
  identitiesPerSession?: number;
  /** Incoming and outgoing delivery buffer of each session (rhea `session_buffer_size`). Default 4096. */
  sessionWindow?: number;
  /** Unsettled C2D messages one identity may hold (receiver credit). Default 4. */
  c2dCredit?: number;
  /** Credit given on the method-request and twin-response links. Default 16. */
  rpcCredit?: number;
  /** A telemetry message not settled upstream within this is failed with FH_UPSTREAM_TIMEOUT. Default 30000. */
  sendTimeoutMs?: number;
  /** Telemetry messages waiting or in flight across the identities of one connection; beyond, sends fail (retryable). Default 10000. */
  maxPendingSends?: number;
  /** Twin GET / PATCH answer timeout. Default 30000. */
  twinTimeoutMs?: number;
  /** Put-token reply timeout. Default 30000. */
  cbsTimeoutMs?: number;
  /** Link attach (and desired-properties subscription) timeout per identity. Default 30000. */
  attachTimeoutMs?: number;
  /** TCP + TLS + AMQP open, ms. Default 30000. */
  connectTimeoutMs?: number;
  /** Direct-method answer time when the upstream does not say (IoT Hub's AMQP requests carry none). Default 30. */
  methodResponseTimeoutS?: number;
  /** A connection that stayed open this long resets the connection backoff. Default 10000. */
  stableAfterMs?: number;
  /** AMQP idle-time-out we ask of the upstream (it heartbeats at half); a silent peer is given up after twice this. Default 30000. */
  idleTimeoutMs?: number;
  /** `com.microsoft:client-version` on every attach. */
  userAgent?: string;
}

/** Options with every default filled in. */
export type ResolvedAmqpOptions = Required<Omit<AmqpUpstreamOptions, 'ca' | 'servername' | 'reconnect' | 'identityRetry'>> & {
  ca?: string | Buffer;
  servername?: string;
  reconnect: Required<BackoffSettings>;
  identityRetry: Required<BackoffSettings>;
};

function positive(name: string, value: number): number {
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`${name} must be a positive number, got ${value}`);
  return value;
}

function backoff(name: string, given: BackoffSettings | undefined, min: number, max: number): Required<BackoffSettings> {
  const minDelayMs = positive(`${name}.minDelayMs`, given?.minDelayMs ?? min);
  const maxDelayMs = positive(`${name}.maxDelayMs`, given?.maxDelayMs ?? Math.max(max, minDelayMs));
  if (maxDelayMs < minDelayMs) throw new RangeError(`${name}.maxDelayMs must be >= minDelayMs`);
  return { minDelayMs, maxDelayMs };
}

/** Fills defaults; RangeError/TypeError for a programmer's mistake. */
export function resolveAmqpOptions(o: AmqpUpstreamOptions): ResolvedAmqpOptions {
  if (typeof o.hostName !== 'string' || o.hostName === '') throw new TypeError('hostName is required');
  if (!['policy', 'deviceKeys', 'parent'].includes(o.credentials?.kind)) throw new TypeError('credentials must be policy, deviceKeys or parent');
  const out: ResolvedAmqpOptions = {
    hostName: o.hostName,
    connectHost: o.connectHost ?? o.hostName,
    port: positive('port', o.port ?? 5671),
    credentials: o.credentials,
    logger: o.logger,
    reconnect: backoff('reconnect', o.reconnect, 1000, 60_000),
    identityRetry: backoff('identityRetry', o.identityRetry, 5000, 300_000),
    identitiesPerSecond: positive('identitiesPerSecond', o.identitiesPerSecond ?? 50),
    identitiesPerConnection: Math.floor(positive('identitiesPerConnection', o.identitiesPerConnection ?? 1000)),
    tokenTtlS: positive('tokenTtlS', o.tokenTtlS ?? 3600),
    identitiesPerSession: Math.floor(positive('identitiesPerSession', o.identitiesPerSession ?? 200)),
    sessionWindow: Math.floor(positive('sessionWindow', o.sessionWindow ?? 4096)),
    c2dCredit: Math.floor(positive('c2dCredit', o.c2dCredit ?? 4)),
    rpcCredit: Math.floor(positive('rpcCredit', o.rpcCredit ?? 16)),
    sendTimeoutMs: positive('sendTimeoutMs', o.sendTimeoutMs ?? 30_000),
    maxPendingSends: Math.floor(positive('maxPendingSends', o.maxPendingSends ?? 10_000)),
    twinTimeoutMs: positive('twinTimeoutMs', o.twinTimeoutMs ?? 30_000),
    cbsTimeoutMs: positive('cbsTimeoutMs', o.cbsTimeoutMs ?? 30_000),
    attachTimeoutMs: positive('attachTimeoutMs', o.attachTimeoutMs ?? 30_000),
    connectTimeoutMs: positive('connectTimeoutMs', o.connectTimeoutMs ?? 30_000),
    methodResponseTimeoutS: positive('methodResponseTimeoutS', o.methodResponseTimeoutS ?? 30),
    stableAfterMs: positive('stableAfterMs', o.stableAfterMs ?? 10_000),
    idleTimeoutMs: positive('idleTimeoutMs', o.idleTimeoutMs ?? 30_000),
    userAgent: o.userAgent ?? 'fieldhub-gateway/0.1.0',
  };
  if (o.ca !== undefined) out.ca = o.ca;
  if (o.servername !== undefined) out.servername = o.servername;
  return out;
}
