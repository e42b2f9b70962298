/**
 * Every log line the AMQP head writes, one helper per event (the edgeHub `Events` pattern), so
 * codes and fields stay consistent and greppable. Identities, addresses and conditions go in;
 * tokens and SASL passwords never do.
 */
import type { Logger } from '../../log.js';

export const AmqpEvents = {
  listening(log: Logger, host: string, port: number): void {
    log.info({ event: 'listening', host, port }, 'AMQP head listening');
  },
  tlsClientError(log: Logger, remote: string, reason: string): void {
    log.debug({ event: 'tls-client-error', remote, reason }, 'TLS handshake failed');
  },
  connectionOpened(log: Logger, conn: number, remote: string): void {
    log.debug({ event: 'connection-opened', conn, remote }, 'AMQP connection opened');
  },
  connectionClosed(log: Logger, conn: number, why: string, identities: number): void {
    log.debug({ event: 'connection-closed', conn, why, identities }, 'AMQP connection closed');
  },
  /** The frame guard refused the byte stream: the connection is closed. */
  frameViolation(log: Logger, conn: number, kind: string, detail: string): void {
    log.warn({ event: 'frame-violation', code: 'FH_MSG_INVALID', conn, kind, detail }, 'malformed AMQP input; closing');
  },
  /** rhea raised an error for this connection (protocol error, decode failure). */
  protocolError(log: Logger, conn: number, reason: string): void {
    log.warn({ event: 'protocol-error', code: 'FH_MSG_INVALID', conn, reason }, 'AMQP protocol error; closing');
  },
  /** No AMQP open, or no token, within the allowed time. */
  connectionTimeout(log: Logger, conn: number, phase: 'open' | 'auth'): void {
    log.info({ event: 'connection-timeout', conn, phase }, 'AMQP connection timed out');
  },
  saslRefused(log: Logger, conn: number, code: string): void {
    log.info({ event: 'sasl-refused', code, conn }, 'SASL PLAIN refused');
  },
  putToken(log: Logger, conn: number, status: number, identity: string | undefined, code?: string): void {
    log.debug({ event: 'put-token', conn, status, identity, code }, 'CBS put-token');
  },
  /** A link refused with attach + detach. */
  linkRefused(log: Logger, conn: number, address: string | undefined, condition: string): void {
    log.info({ event: 'link-refused', conn, address, condition }, 'AMQP link refused');
  },
  tokenExpired(log: Logger, conn: number, grant: string): void {
    log.info({ event: 'token-expired', code: 'FH_AUTH_EXPIRED', conn, grant }, 'token expired; detaching its links');
  },
  /** The core ended an identity's session (disabled, replaced, expired, hub closing). */
  closedByCore(log: Logger, identity: string, code: string): void {
    log.info({ event: 'closed-by-core', code, identity }, 'AMQP identity closed by the hub core');
  },
  connectFailed(log: Logger, identity: string, code: string): void {
    log.info({ event: 'connect-failed', code, identity }, 'AMQP identity could not connect');
  },
  telemetryRejected(log: Logger, identity: string, code: string): void {
    log.info({ event: 'telemetry-rejected', code, identity }, 'telemetry not stored; delivery rejected');
  },
  c2dSettleFailed(log: Logger, identity: string, outcome: string, code: string): void {
    log.debug({ event: 'c2d-settle-failed', code, identity, outcome }, 'C2D settlement failed');
  },
  twinError(log: Logger, identity: string, code: string): void {
    log.info({ event: 'twin-error', code, identity }, 'twin request failed');
  },
  badRequest(log: Logger, identity: string, reason: string): void {
    log.info({ event: 'bad-request', code: 'FH_MSG_INVALID', identity, reason }, 'AMQP request ignored');
  },
  serviceC2dRejected(log: Logger, conn: number, code: string): void {
    log.info({ event: 'service-c2d-rejected', code, conn }, 'service C2D message rejected');
  },
  /**
   * The core dropped service-bound records unread: `full` (oldest beyond serviceQueueMaxRecords),
   * `expired` (older than serviceQueueTtlMs), `deliveryCount` (dead-lettered).
   */
  serviceBoundDropped(log: Logger, stream: string, reason: string, count: number): void {
    log.info({ event: 'service-bound-dropped', stream, reason, count }, 'service-bound records dropped');
  },
  /** Settling a lease in the core failed (the records stay stored), or a batch could not be encoded. */
  serviceBoundFailed(log: Logger, stream: string, step: string, err: unknown): void {
    log.warn({ event: 'service-bound-failed', code: 'FH_INTERNAL', stream, step, err }, 'service-bound delivery step failed');
  },
  internalError(log: Logger, conn: number, err: unknown): void {
    log.error({ event: 'internal-error', code: 'FH_INTERNAL', conn, err }, 'AMQP head internal error; closing');
  },
} as const;
