/**
 * The hub-core error catalogue. Codes are API (stable, `FH_<AREA>_<WHAT>`); messages are not.
 * Each protocol head maps a code to its wire form in one table (see heads/<head>/error-map.ts).
 */

/** Base of every fieldhub error, in every top-level folder. */
export class FieldhubError extends Error {
  readonly code: string;
  /** True when the caller may retry the same request later and expect it to succeed. */
  readonly retryable: boolean;
  constructor(code: string, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FieldhubError';
    this.code = code;
    this.retryable = options.retryable ?? false;
  }
}

/** Every code hub-core raises, with what it means. docs/errors.md is checked against this table. */
export const HubErrorCodes = {
  FH_STORE_NOT_OPEN: 'The store is not open (opening, closing or closed).',
  FH_STORE_CORRUPT: 'The store could not be read back; its files are damaged.',
  FH_STORE_LOCKED: 'Another process holds the store (another hub runs on this data folder).',
  FH_STORE_IO: 'The store failed to read or write.',
  FH_AUTH_MISSING: 'No credentials were presented.',
  FH_AUTH_MALFORMED: 'The SAS token is not of the form `SharedAccessSignature sr=…&sig=…&se=…`.',
  FH_AUTH_EXPIRED: 'The SAS token has expired.',
  FH_AUTH_BAD_SIGNATURE: 'The SAS token signature does not match any key of the identity or policy.',
  FH_AUTH_UNKNOWN_IDENTITY: 'The token names a device, module or policy the hub does not know.',
  FH_AUTH_DISABLED: 'The identity is disabled.',
  FH_AUTH_SCOPE: 'The token does not cover the resource it is used for.',
  FH_AUTH_PERMISSION: 'The policy lacks the permission the operation needs.',
  FH_AUTH_WRONG_METHOD: 'The identity uses another authentication method (for example X.509, not SAS).',
  FH_REGISTRY_NOT_FOUND: 'No such device or module.',
  FH_REGISTRY_EXISTS: 'A device or module with that id already exists.',
  FH_REGISTRY_INVALID: 'The device or module description is invalid (id, keys, thumbprints, status).',
  FH_REGISTRY_ETAG_MISMATCH: 'The If-Match etag does not match the current etag.',
  FH_TWIN_INVALID: 'The twin patch is not valid JSON, or breaks a key, depth, size or value rule.',
  FH_TWIN_ETAG_MISMATCH: 'The twin etag does not match.',
  FH_TWIN_FORBIDDEN: 'The caller may not write this part of the twin (devices write only reported).',
  FH_QUERY_INVALID: 'The query is not valid; the message gives the position.',
  FH_METHOD_NOT_CONNECTED: 'The device is not connected or has not subscribed to direct methods.',
  FH_METHOD_TIMEOUT: 'The device did not answer the direct method in time.',
  FH_METHOD_INVALID: 'The direct method request is invalid (name, payload size or timeout).',
  FH_C2D_QUEUE_FULL: 'The device\u2019s cloud-to-device queue is full.',
  FH_C2D_LOCK_LOST: 'The lock token is unknown or expired.',
  FH_MSG_TOO_LARGE: 'The message exceeds the size limit.',
  FH_MSG_INVALID: 'The message is malformed.',
  FH_THROTTLED: 'The identity exceeded its rate limit; retry later.',
  FH_BACKLOG_FULL: 'The gateway cannot take the message now: its upstream outbox is full and its policy is reject; retry later.',
  FH_SESSION_REPLACED: 'A newer connection of the same identity replaced this one.',
  FH_SESSION_CLOSED: 'The session has ended; open a new connection.',
  FH_HUB_CLOSED: 'The hub core is closing or closed.',
  FH_CONFIG_INVALID: 'The hub configuration is invalid.',
  FH_CERT_INVALID: 'A certificate or key could not be read or does not match.',
  FH_LISTEN_FAILED: 'A protocol head could not listen on its port.',
  FH_INTERNAL: 'An unexpected internal error.',
  FH_FILE_DISABLED: 'File upload is not configured on this hub (it has no upload folder).',
  FH_FILE_TOO_MANY_UPLOADS: 'The device already has the maximum number of file uploads in progress (10).',
  FH_FILE_UPLOAD_UNKNOWN: 'No file upload with that correlation id is in progress for the device.',
  FH_FILE_SAS_INVALID: 'The blob SAS token is missing, altered, expired, or for another blob.',
  FH_FILE_TOO_LARGE: 'The file exceeds the upload size limit.',
  FH_FILE_QUOTA: 'Storing the file would exceed the upload folder quota.',
} as const;

export type HubErrorCode = keyof typeof HubErrorCodes;

/** A hub-core error with a code from {@link HubErrorCodes}. */
export class HubError extends FieldhubError {
  declare readonly code: HubErrorCode;
  constructor(code: HubErrorCode, message: string, options: { cause?: unknown; retryable?: boolean } = {}) {
    super(code, message, options);
    this.name = 'HubError';
  }
}

/** True when `err` is a hub-core error with the given code. */
export function isHubError(err: unknown, code?: HubErrorCode): err is HubError {
  return err instanceof FieldhubError && (code === undefined || err.code === code);
}
