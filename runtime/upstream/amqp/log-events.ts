/**
 * Every log line the AMQP upstream link writes, one helper per event, so fields and codes stay
 * consistent and greppable. Identities, hosts and error codes go in; tokens and keys never do.
 */
import type { Logger } from '../../../hub-core/log.js';

function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'FH_INTERNAL';
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

export const AmqpLinkEvents = {
  connecting(log: Logger, host: string, port: number, attempt: number): void {
    log.debug({ event: 'connecting', host, port, attempt }, 'connecting to the upstream');
  },
  connected(log: Logger, host: string, port: number, identities: number, failedAttempts: number): void {
    log.info({ event: 'connected', host, port, identities, failedAttempts },
      failedAttempts === 0 ? 'upstream connection open' : `upstream connection open after ${failedAttempts} failed attempts`);
  },
  /**
   * A warning for the first failure of an outage, debug for the retries after it (a short backoff
   * would otherwise write a warning every few seconds for as long as the upstream is away).
   */
  connectionLost(log: Logger, err: unknown, retryInMs: number, failuresInRow: number): void {
    const fields = { event: 'connection-lost', code: codeOf(err), reason: messageOf(err), retryInMs, failuresInRow };
    if (failuresInRow <= 1) log.warn(fields, 'upstream connection lost; retrying (further attempts of this outage log at debug)');
    else log.debug(fields, 'upstream connection attempt failed; retrying');
  },
  identityOnline(log: Logger, identity: string): void {
    log.debug({ event: 'identity-online', identity }, 'identity online upstream');
  },
  identityDown(log: Logger, identity: string, err: unknown, retryInMs: number | undefined): void {
    log.info({ event: 'identity-down', identity, code: codeOf(err), reason: messageOf(err), retryInMs }, 'identity offline upstream');
  },
  tokenRenewFailed(log: Logger, identity: string, err: unknown): void {
    log.warn({ event: 'token-renew-failed', identity, code: codeOf(err), reason: messageOf(err) }, 'upstream token renewal failed');
  },
  badMethodRequest(log: Logger, identity: string): void {
    log.warn({ event: 'bad-method-request', identity }, 'method request without name or correlation id ignored');
  },
  methodHandlerFailed(log: Logger, identity: string, method: string, err: unknown): void {
    log.warn({ event: 'method-handler-failed', identity, method, code: codeOf(err), reason: messageOf(err) }, 'method handler failed; answered 500');
  },
  methodAnswerDropped(log: Logger, identity: string): void {
    log.warn({ event: 'method-answer-dropped', identity }, 'method answer dropped: the link cannot take it');
  },
  badC2d(log: Logger, identity: string, err: unknown): void {
    log.warn({ event: 'bad-c2d', identity, reason: messageOf(err) }, 'unreadable C2D message released');
  },
  handlerFailed(log: Logger, identity: string, handler: string, err: unknown): void {
    log.error({ event: 'handler-failed', identity, handler, reason: messageOf(err) }, 'gateway handler threw');
  },
  closed(log: Logger): void {
    log.info({ event: 'closed' }, 'upstream link closed');
  },
};
