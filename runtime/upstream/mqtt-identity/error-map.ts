/**
 * What the upstream said over MQTT, as runtime errors (one table): refused CONNACKs, transport
 * failures, lost connections and twin response statuses. Whether the gateway may retry decides
 * everything: credentials refused (FH_UPSTREAM_AUTH) and an upstream that cannot be reached are
 * retried on the identity's own backoff; a twin request refused for good is FH_UPSTREAM_REJECTED.
 */
import { RuntimeError } from '../../errors.js';

/**
 * CONNACK return codes [MQTT-3.2.2.3]: 2 identifier rejected, 4 bad user name or password,
 * 5 not authorized are this identity's credentials or name; 3 server unavailable and 1 (protocol
 * version) are the upstream's.
 */
const AUTH_CONNACK = new Set([2, 4, 5]);

/** Why a connection attempt failed, from the last `error` event before its `close`. */
export function connectError(err: Error | undefined, what: string): RuntimeError {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'number' && AUTH_CONNACK.has(code)) {
    return new RuntimeError('FH_UPSTREAM_AUTH', `${what} refused by the upstream (CONNACK ${code}): ${err?.message ?? ''}`, { retryable: true, cause: err });
  }
  if (typeof code === 'number') {
    return new RuntimeError('FH_UPSTREAM_OFFLINE', `${what}: the upstream is not available (CONNACK ${code})`, { retryable: true, cause: err });
  }
  const reason = err === undefined ? 'no CONNACK (timed out or the connection closed)' : `${typeof code === 'string' ? `${code}: ` : ''}${err.message}`;
  return new RuntimeError('FH_UPSTREAM_UNREACHABLE', `${what}: cannot connect to the upstream: ${reason}`, { retryable: true, ...(err ? { cause: err } : {}) });
}

/** A connection that was up is gone; whatever was pending may be tried again once it is back. */
export function offlineError(what: string, cause?: unknown): RuntimeError {
  return new RuntimeError('FH_UPSTREAM_OFFLINE', what, { retryable: true, ...(cause === undefined ? {} : { cause }) });
}

export function timeoutError(what: string): RuntimeError {
  return new RuntimeError('FH_UPSTREAM_TIMEOUT', what, { retryable: true });
}

/** A twin response with status >= 300 (IoT Hub sends a JSON body with `message`/`errorCode`). */
export function twinError(status: number, body: unknown, what: string): RuntimeError {
  const b = body as { message?: unknown; Message?: unknown; errorCode?: unknown } | null;
  const detail = typeof b?.message === 'string' ? b.message : typeof b?.Message === 'string' ? b.Message : '';
  const text = `${what} answered ${status}${typeof b?.errorCode === 'number' ? ` ${b.errorCode}` : ''}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new RuntimeError('FH_UPSTREAM_AUTH', text, { retryable: true });
  if (status === 504 || status === 408) return new RuntimeError('FH_UPSTREAM_TIMEOUT', text, { retryable: true });
  if (status === 429 || status >= 500) return new RuntimeError('FH_UPSTREAM_OFFLINE', text, { retryable: true });
  return new RuntimeError('FH_UPSTREAM_REJECTED', text, { retryable: false });
}
