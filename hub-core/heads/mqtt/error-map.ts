/**
 * The MQTT head's one table from hub-core error codes to wire forms: CONNACK return codes for
 * refused connections, and twin response status + Azure numeric code for `$iothub/twin/res/…`.
 * Wire contract B ("Refusing a connection", "Twin response") and G (numeric codes).
 */
import { randomUUID } from 'node:crypto';
import { isHubError, type HubErrorCode } from '../../errors.js';

/** MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2.3]. */
export const ConnackCode = {
  accepted: 0,
  unacceptableProtocol: 1,
  identifierRejected: 2,
  serverUnavailable: 3,
  badUsernameOrPassword: 4,
  notAuthorized: 5,
} as const;
/** One of the {@link ConnackCode} values. */
export type ConnackCode = (typeof ConnackCode)[keyof typeof ConnackCode];

/** How one error code shows on the wire. */
interface WireForm {
  /** CONNACK return code when the code refuses a CONNECT. */
  connack: ConnackCode;
  /** Twin response status (topic) and Azure numeric errorCode (body). */
  twin: { status: number; errorCode: number };
}

const unauthorized: WireForm = { connack: ConnackCode.notAuthorized, twin: { status: 401, errorCode: 401002 } };
const badCredentials: WireForm = { connack: ConnackCode.badUsernameOrPassword, twin: { status: 401, errorCode: 401002 } };
const argument: WireForm = { connack: ConnackCode.serverUnavailable, twin: { status: 400, errorCode: 400004 } };
const internal: WireForm = { connack: ConnackCode.serverUnavailable, twin: { status: 500, errorCode: 500001 } };

/**
 * The table. Codes not listed map to {@link internal} (CONNACK 3, twin 500).
 * CONNACK 5 covers every "we know who you claim to be and say no" case; 4 is reserved for
 * credentials we cannot even read (malformed token, no password and no certificate).
 */
const TABLE: Partial<Record<HubErrorCode, WireForm>> = {
  FH_AUTH_MISSING: badCredentials,
  FH_AUTH_MALFORMED: badCredentials,
  FH_AUTH_EXPIRED: unauthorized,
  FH_AUTH_BAD_SIGNATURE: unauthorized,
  FH_AUTH_UNKNOWN_IDENTITY: unauthorized,
  FH_AUTH_DISABLED: unauthorized,
  FH_AUTH_SCOPE: unauthorized,
  FH_AUTH_PERMISSION: unauthorized,
  FH_AUTH_WRONG_METHOD: unauthorized,
  FH_REGISTRY_NOT_FOUND: { connack: ConnackCode.notAuthorized, twin: { status: 404, errorCode: 404001 } },
  FH_TWIN_INVALID: argument,
  FH_TWIN_FORBIDDEN: argument,
  FH_MSG_INVALID: argument,
  FH_MSG_TOO_LARGE: argument,
  FH_THROTTLED: { connack: ConnackCode.serverUnavailable, twin: { status: 429, errorCode: 429001 } },
  FH_BACKLOG_FULL: { connack: ConnackCode.serverUnavailable, twin: { status: 503, errorCode: 503001 } },
};

function formOf(err: unknown): WireForm {
  return (isHubError(err) ? TABLE[err.code as HubErrorCode] : undefined) ?? internal;
}

/** The stable code of any error, for logs: a HubError's code, else FH_INTERNAL. */
export function codeOf(err: unknown): string {
  return isHubError(err) ? err.code : 'FH_INTERNAL';
}

/** CONNACK return code for an error raised while accepting a CONNECT. */
export function connackCodeFor(err: unknown): ConnackCode {
  return formOf(err).connack;
}

/** A twin error response: the status for the topic and the JSON body the SDKs expect. */
export function twinErrorFor(err: unknown, now: Date = new Date()): { status: number; body: string } {
  const { status, errorCode } = formOf(err).twin;
  // Messages from HubError are ours; anything else may carry internals, so it gets a generic text.
  const message = isHubError(err) ? err.message : 'Internal server error';
  const body = JSON.stringify({ errorCode, trackingId: randomUUID(), message, timestampUtc: now.toISOString() });
  return { status, body };
}
