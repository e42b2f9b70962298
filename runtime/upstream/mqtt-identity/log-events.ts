/**
 * Every log line the MQTT upstream link writes, one helper per event, so fields and codes stay
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

export const MqttIdentityEvents = {
  connecting(log: Logger, identity: string, host: string, port: number): void {
    log.debug({ event: 'connecting', identity, host, port }, 'connecting an identity to the upstream');
  },
  identityOnline(log: Logger, identity: string, sessionPresent: boolean): void {
    log.debug({ event: 'identity-online', identity, sessionPresent }, 'identity online upstream');
  },
  identityDown(log: Logger, identity: string, err: unknown, retryInMs: number): void {
    log.info({ event: 'identity-down', identity, code: codeOf(err), reason: messageOf(err), retryInMs }, 'identity offline upstream; retrying');
  },
  tokenRenewal(log: Logger, identity: string): void {
    log.debug({ event: 'token-renewal', identity }, 'renewing the identity token (reconnect)');
  },
  subscribeFailed(log: Logger, identity: string, err: unknown): void {
    log.warn({ event: 'subscribe-failed', identity, reason: messageOf(err) }, 'the upstream refused a subscription; reconnecting');
  },
  badMethodRequest(log: Logger, identity: string, topic: string): void {
    log.warn({ event: 'bad-method-request', identity, topic }, 'method request without name or request id ignored');
  },
  methodHandlerFailed(log: Logger, identity: string, method: string, err: unknown): void {
    log.warn({ event: 'method-handler-failed', identity, method, code: codeOf(err), reason: messageOf(err) }, 'method handler failed; answered 500');
  },
  methodAnswerDropped(log: Logger, identity: string, method: string): void {
    log.warn({ event: 'method-answer-dropped', identity, method }, 'method answer dropped: the connection it came on is gone');
  },
  c2dRejectedAsCompleted(log: Logger, identity: string, messageId: string | undefined): void {
    log.warn({ event: 'c2d-reject-over-mqtt', identity, messageId }, 'MQTT cannot reject a C2D message: acknowledged (the upstream counts it delivered)');
  },
  c2dAbandoned(log: Logger, identity: string, messageId: string | undefined): void {
    log.info({ event: 'c2d-abandon-over-mqtt', identity, messageId }, 'C2D message left unacknowledged: the upstream redelivers it on the next connection');
  },
  unexpectedTopic(log: Logger, identity: string, topic: string): void {
    log.debug({ event: 'unexpected-topic', identity, topic }, 'message on a topic this link does not use; ignored');
  },
  handlerFailed(log: Logger, identity: string, handler: string, err: unknown): void {
    log.error({ event: 'handler-failed', identity, handler, reason: messageOf(err) }, 'gateway handler threw');
  },
  closed(log: Logger, identities: number): void {
    log.info({ event: 'closed', identities }, 'upstream link closed');
  },
};
