/**
 * The AMQP head's one table from hub-core error codes to wire forms (wire contract C "Error
 * conditions", G numeric codes): the AMQP error condition used on link detaches and rejected
 * dispositions, the twin response status with its Azure numeric code, and the CBS put-token
 * status. The device SDK turns conditions into typed errors (amqp-base `translateError`) and
 * retries only some of them, so the choice of condition decides retry behaviour.
 */
import { randomUUID } from 'node:crypto';
import type { AmqpError } from 'rhea';
import { FieldhubError, type HubErrorCode } from '../../errors.js';

/** AMQP error conditions the head uses (AMQP 1.0 §2.8.15, plus the Microsoft ones the SDKs know). */
export const Condition = {
  unauthorized: 'amqp:unauthorized-access',
  notFound: 'amqp:not-found',
  resourceLimit: 'amqp:resource-limit-exceeded',
  messageSize: 'amqp:link:message-size-exceeded',
  notAllowed: 'amqp:not-allowed',
  internal: 'amqp:internal-error',
  detachForced: 'amqp:link:detach-forced',
  stolen: 'amqp:link:stolen',
  framing: 'amqp:connection:framing-error',
  connectionForced: 'amqp:connection:forced',
  decode: 'amqp:decode-error',
  throttled: 'com.microsoft:device-container-throttled',
  timeout: 'com.microsoft:timeout',
  argument: 'com.microsoft:argument-error',
  lockLost: 'com.microsoft:message-lock-lost',
  preconditionFailed: 'com.microsoft:precondition-failed',
  alreadyExists: 'com.microsoft:device-already-exists',
} as const;
export type Condition = (typeof Condition)[keyof typeof Condition];

/** How one hub-core code appears on the AMQP wire. */
export interface AmqpErrorMapping {
  condition: Condition;
  /** Twin response `status` annotation and the Azure numeric `errorCode` in the JSON body. */
  twin: { status: number; errorCode: number };
}

const unauthorized: AmqpErrorMapping = { condition: Condition.unauthorized, twin: { status: 401, errorCode: 401002 } };
const argument: AmqpErrorMapping = { condition: Condition.argument, twin: { status: 400, errorCode: 400004 } };
const internal: AmqpErrorMapping = { condition: Condition.internal, twin: { status: 500, errorCode: 500001 } };
// Transient: the SDK retries detach-forced (ServiceUnavailable) and twin 503.
const unavailable: AmqpErrorMapping = { condition: Condition.detachForced, twin: { status: 503, errorCode: 503001 } };

/**
 * Every hub-core code. `satisfies Record<HubErrorCode, …>` makes a code added to the catalogue
 * without a row here a compile error.
 */
export const HUB_ERROR_AMQP = {
  FH_AUTH_MISSING: unauthorized,
  FH_AUTH_MALFORMED: unauthorized,
  FH_AUTH_EXPIRED: unauthorized,
  FH_AUTH_BAD_SIGNATURE: unauthorized,
  FH_AUTH_UNKNOWN_IDENTITY: unauthorized,
  FH_AUTH_DISABLED: unauthorized,
  FH_AUTH_SCOPE: unauthorized,
  FH_AUTH_PERMISSION: unauthorized,
  FH_AUTH_WRONG_METHOD: unauthorized,
  FH_REGISTRY_NOT_FOUND: { condition: Condition.notFound, twin: { status: 404, errorCode: 404001 } },
  FH_REGISTRY_EXISTS: { condition: Condition.alreadyExists, twin: { status: 409, errorCode: 409001 } },
  FH_REGISTRY_INVALID: argument,
  FH_REGISTRY_ETAG_MISMATCH: { condition: Condition.preconditionFailed, twin: { status: 412, errorCode: 412002 } },
  FH_TWIN_INVALID: argument,
  FH_TWIN_ETAG_MISMATCH: { condition: Condition.preconditionFailed, twin: { status: 412, errorCode: 412002 } },
  // A device writing desired properties: an operation it may not do (InvalidOperationError).
  FH_TWIN_FORBIDDEN: { condition: Condition.notAllowed, twin: { status: 403, errorCode: 403000 } },
  FH_QUERY_INVALID: argument,
  FH_METHOD_NOT_CONNECTED: { condition: Condition.timeout, twin: { status: 404, errorCode: 404103 } },
  FH_METHOD_TIMEOUT: { condition: Condition.timeout, twin: { status: 504, errorCode: 504101 } },
  FH_METHOD_INVALID: argument,
  // Service C2D send: DeviceMaximumQueueDepthExceededError in azure-iothub [contract E].
  FH_C2D_QUEUE_FULL: { condition: Condition.resourceLimit, twin: { status: 403, errorCode: 403004 } },
  FH_C2D_LOCK_LOST: { condition: Condition.lockLost, twin: { status: 412, errorCode: 412002 } },
  FH_MSG_TOO_LARGE: { condition: Condition.messageSize, twin: { status: 413, errorCode: 413001 } },
  FH_MSG_INVALID: argument,
  FH_THROTTLED: { condition: Condition.throttled, twin: { status: 429, errorCode: 429001 } },
  FH_BACKLOG_FULL: { condition: Condition.resourceLimit, twin: { status: 503, errorCode: 503001 } },
  // A newer connection of the identity took over: AMQP's own "link stolen" condition.
  FH_SESSION_REPLACED: { condition: Condition.stolen, twin: { status: 503, errorCode: 503001 } },
  FH_SESSION_CLOSED: unavailable,
  FH_HUB_CLOSED: unavailable,
  FH_STORE_NOT_OPEN: unavailable,
  FH_STORE_CORRUPT: internal,
  FH_STORE_LOCKED: internal,
  FH_STORE_IO: internal,
  FH_CONFIG_INVALID: internal,
  FH_CERT_INVALID: internal,
  FH_LISTEN_FAILED: internal,
  FH_INTERNAL: internal,
  // File upload runs over HTTPS; these rows keep the table total should one surface here.
  FH_FILE_DISABLED: { condition: Condition.notAllowed, twin: { status: 403, errorCode: 403000 } },
  FH_FILE_TOO_MANY_UPLOADS: { condition: Condition.resourceLimit, twin: { status: 403, errorCode: 403005 } },
  FH_FILE_UPLOAD_UNKNOWN: { condition: Condition.notFound, twin: { status: 404, errorCode: 404000 } },
  FH_FILE_SAS_INVALID: unauthorized,
  FH_FILE_TOO_LARGE: { condition: Condition.messageSize, twin: { status: 413, errorCode: 413001 } },
  FH_FILE_QUOTA: { condition: Condition.resourceLimit, twin: { status: 403, errorCode: 403002 } },
} as const satisfies Record<HubErrorCode, AmqpErrorMapping>;

function mappingOf(err: unknown): AmqpErrorMapping {
  if (err instanceof FieldhubError) {
    const m = (HUB_ERROR_AMQP as Readonly<Record<string, AmqpErrorMapping | undefined>>)[err.code];
    if (m !== undefined) return m;
  }
  return internal;
}

/** The stable code of any error, for logs: a fieldhub error's code, else FH_INTERNAL. */
export function codeOf(err: unknown): string {
  return err instanceof FieldhubError ? err.code : 'FH_INTERNAL';
}

/** An AMQP error (condition + description) for a detach or a rejected disposition. */
export function amqpErrorFor(err: unknown): AmqpError {
  // Descriptions of non-fieldhub errors could carry internals: they get a generic text.
  const description = err instanceof FieldhubError ? err.message : 'internal error';
  return { condition: mappingOf(err).condition, description };
}

/** An AMQP error for a condition the head detects itself. */
export function headError(condition: Condition, description: string): AmqpError {
  return { condition, description };
}

/**
 * A twin error response: the `status` annotation and a JSON body with the Azure numeric code
 * (the Node SDK reads only the status; other SDKs read the body, which must be JSON).
 */
export function twinErrorFor(err: unknown, now: Date = new Date()): { status: number; body: string } {
  const { status, errorCode } = mappingOf(err).twin;
  const message = err instanceof FieldhubError ? err.message : 'Internal server error';
  return { status, body: JSON.stringify({ errorCode, trackingId: randomUUID(), message, timestampUtc: now.toISOString() }) };
}

/** CBS put-token reply status: 200 OK, 401 for any credential failure, 500 otherwise. */
export function cbsStatusFor(err: unknown): number {
  return mappingOf(err).condition === Condition.unauthorized ? 401 : 500;
}
