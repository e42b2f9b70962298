/**
 * Every log line the MQTT head writes, one helper per event (the edgeHub `Events` pattern), so
 * codes and fields stay consistent and greppable. Identities and addresses go in; tokens never do.
 */
import type { Logger } from '../../log.js';

/** Where a line came from: the peer address and, once known, the clientId. */
export interface ConnFields {
  remote: string;
  clientId?: string;
}

/** The MQTT head's log events, one helper per line it writes. */
export const MqttEvents = {
  listening(log: Logger, host: string, port: number): void {
    log.info({ event: 'listening', host, port }, 'MQTT head listening');
  },
  /** A CONNECT refused with a CONNACK code; `code` is the hub error code behind it. */
  connectRefused(log: Logger, conn: ConnFields, code: string, connack: number, identity?: string): void {
    log.warn({ event: 'connect-refused', code, connack, identity, ...conn }, 'MQTT connection refused');
  },
  connected(log: Logger, conn: ConnFields, identity: string, auth: 'sas' | 'x509', clean: boolean, sessionPresent: boolean): void {
    log.debug({ event: 'connected', identity, auth, clean, sessionPresent, ...conn }, 'MQTT client connected');
  },
  disconnected(log: Logger, conn: ConnFields, why: string): void {
    log.debug({ event: 'disconnected', why, ...conn }, 'MQTT client disconnected');
  },
  /** A malformed packet or protocol violation: the socket is destroyed. */
  invalidPacket(log: Logger, conn: ConnFields, reason: string): void {
    log.warn({ event: 'invalid-packet', code: 'FH_MSG_INVALID', reason, ...conn }, 'MQTT protocol error; closing');
  },
  /** A packet announced a Remaining Length above the limit: refused on its header. */
  packetTooLarge(log: Logger, conn: ConnFields, limit: number): void {
    log.warn({ event: 'packet-too-large', code: 'FH_MSG_TOO_LARGE', limit, ...conn }, 'MQTT packet too large; closing');
  },
  /** A publish or subscribe outside the identity's own topics. */
  scopeViolation(log: Logger, conn: ConnFields, topic: string): void {
    log.warn({ event: 'scope-violation', code: 'FH_AUTH_SCOPE', topic, ...conn }, 'MQTT publish outside the identity; closing');
  },
  /** A SUBSCRIBE filter outside the identity's own families: granted 0x80. */
  subscribeRefused(log: Logger, conn: ConnFields, filter: string): void {
    log.info({ event: 'subscribe-refused', code: 'FH_AUTH_SCOPE', filter, ...conn }, 'MQTT subscription refused');
  },
  /** Telemetry the core did not store: no PUBACK, the client is disconnected. */
  telemetryFailed(log: Logger, conn: ConnFields, code: string): void {
    log.warn({ event: 'telemetry-failed', code, ...conn }, 'telemetry not stored; closing without PUBACK');
  },
  /** A twin request answered with an error status. */
  twinError(log: Logger, conn: ConnFields, code: string, status: number): void {
    log.info({ event: 'twin-error', code, status, ...conn }, 'twin request failed');
  },
  keepaliveTimeout(log: Logger, conn: ConnFields, limitMs: number): void {
    log.info({ event: 'keepalive-timeout', limitMs, ...conn }, 'MQTT keepalive expired; closing');
  },
  /** The core ended the session (disabled identity, newer connection, token expiry). */
  closedByCore(log: Logger, conn: ConnFields, code: string): void {
    log.info({ event: 'closed-by-core', code, ...conn }, 'MQTT connection closed by the hub core');
  },
  /** An error in the head itself; the connection is closed, others are unaffected. */
  internalError(log: Logger, conn: ConnFields, err: unknown): void {
    log.error({ event: 'internal-error', code: 'FH_INTERNAL', err, ...conn }, 'MQTT head internal error; closing');
  },
  tlsClientError(log: Logger, remote: string, reason: string): void {
    log.debug({ event: 'tls-client-error', remote, reason }, 'TLS handshake failed');
  },
} as const;
