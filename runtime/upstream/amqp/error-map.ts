/**
 * What the upstream said, as runtime errors (one table): AMQP error conditions of rejected
 * deliveries and link detaches, CBS put-token statuses and twin response statuses. Whether the
 * gateway may retry decides everything here: a message refused for good is dead-lettered by the
 * outbox, anything transient (throttled, busy, link lost, token trouble) is retried.
 */
import type { AmqpError } from 'rhea';
import { RuntimeError } from '../../errors.js';

/** Conditions that mean "this identity's credentials are not accepted" (wire contract C). */
const AUTH_CONDITIONS = new Set(['amqp:unauthorized-access', 'amqp:not-found']);

/**
 * Conditions that are transient: IoT Hub's SDK retries them (throttled, internal error, detach
 * forced, timeout), plus the quota/backlog condition (the hub's outbox or Azure's daily quota:
 * later may work) and a stolen link (another connection took the identity over).
 */
const TRANSIENT_CONDITIONS = new Set([
  'com.microsoft:device-container-throttled', 'amqp:internal-error', 'amqp:link:detach-forced', 'com.microsoft:timeout',
  'amqp:resource-limit-exceeded', 'amqp:link:stolen', 'amqp:connection:forced', 'com.microsoft:precondition-failed',
]);

function describe(error: AmqpError | undefined): string {
  if (error === undefined) return 'no error given';
  return `${String(error.condition ?? 'unknown')}${error.description ? `: ${String(error.description)}` : ''}`;
}

/** A `rejected` telemetry outcome: permanent (FH_UPSTREAM_REJECTED) unless the condition is transient. */
export function rejectedError(error: AmqpError | undefined, what: string): RuntimeError {
  const condition = String(error?.condition ?? '');
  if (AUTH_CONDITIONS.has(condition)) return new RuntimeError('FH_UPSTREAM_AUTH', `${what} refused: ${describe(error)}`, { retryable: true });
  if (TRANSIENT_CONDITIONS.has(condition)) return new RuntimeError('FH_UPSTREAM_OFFLINE', `${what} not taken now: ${describe(error)}`, { retryable: true });
  return new RuntimeError('FH_UPSTREAM_REJECTED', `${what} rejected upstream: ${describe(error)}`, { retryable: false });
}

/** A link the upstream refused or detached. */
export function detachError(error: AmqpError | Error | undefined, what: string): RuntimeError {
  const amqp = error as AmqpError | undefined;
  if (AUTH_CONDITIONS.has(String(amqp?.condition ?? ''))) {
    return new RuntimeError('FH_UPSTREAM_AUTH', `${what} refused: ${describe(amqp)}`, { retryable: true });
  }
  return new RuntimeError('FH_UPSTREAM_OFFLINE', `${what} detached: ${describe(amqp)}`, { retryable: true });
}

/** A put-token reply other than 200. 401/403/404 are credential problems; the rest are the hub's. */
export function cbsError(status: number, description: string, audience: string): RuntimeError {
  const what = `put-token for ${decodeURIComponent(audience)} answered ${status}${description ? ` (${description})` : ''}`;
  if (status === 401 || status === 403 || status === 404) return new RuntimeError('FH_UPSTREAM_AUTH', what, { retryable: true });
  return new RuntimeError('FH_UPSTREAM_OFFLINE', what, { retryable: true });
}

/** A twin response with status >= 300 (IoT Hub sends a JSON body with `message`/`errorCode`). */
export function twinError(status: number, body: unknown, what: string): RuntimeError {
  const b = body as { message?: unknown; Message?: unknown; errorCode?: unknown } | null;
  const detail = typeof b?.message === 'string' ? b.message : typeof b?.Message === 'string' ? b.Message : '';
  const text = `${what} answered ${status}${typeof b?.errorCode === 'number' ? ` ${b.errorCode}` : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 401) return new RuntimeError('FH_UPSTREAM_AUTH', text, { retryable: true });
  if (status === 504) return new RuntimeError('FH_UPSTREAM_TIMEOUT', text, { retryable: true });
  if (status === 429 || status >= 500) return new RuntimeError('FH_UPSTREAM_OFFLINE', text, { retryable: true });
  return new RuntimeError('FH_UPSTREAM_REJECTED', text, { retryable: false });
}

/** The link or connection is gone; whatever was pending may be tried again once it is back. */
export function offlineError(what: string, cause?: unknown): RuntimeError {
  return new RuntimeError('FH_UPSTREAM_OFFLINE', what, { retryable: true, ...(cause === undefined ? {} : { cause }) });
}

export function timeoutError(what: string): RuntimeError {
  return new RuntimeError('FH_UPSTREAM_TIMEOUT', what, { retryable: true });
}
