/**
 * The one table that turns hub-core error codes into HTTP status codes and Azure IoT Hub error
 * codes, plus the error body the official SDKs parse (wire contract G).
 *
 * azure-iothub reads `Message` as `ErrorCode:{name};{text}` and picks its error class from the
 * HTTP status alone, except on 404 where only `DeviceNotFound` and `IotHubNotFound` become
 * typed errors (anything else is a bare `Error('Not found')`). The names below are chosen
 * with that in mind: modules use `DeviceNotFound` too, so `getModule` of a missing module gives
 * `DeviceNotFoundError` rather than an untyped error.
 */
import { randomUUID } from 'node:crypto';
import { FieldhubError, type HubErrorCode } from '../../errors.js';

/** How one error code appears on the wire. */
export interface HttpErrorMapping {
  /** HTTP status code. */
  status: number;
  /** Azure error code name, written as `ErrorCode:{name}` in the body. */
  name: string;
  /** Azure numeric error code (six digits: status and a detail). */
  code: number;
}

const unauthorized: HttpErrorMapping = { status: 401, name: 'IotHubUnauthorizedAccess', code: 401002 };
const argumentInvalid: HttpErrorMapping = { status: 400, name: 'ArgumentInvalid', code: 400004 };
const serverError: HttpErrorMapping = { status: 500, name: 'ServerError', code: 500001 };
const preconditionFailed: HttpErrorMapping = { status: 412, name: 'PreconditionFailed', code: 412002 };
const serviceUnavailable: HttpErrorMapping = { status: 503, name: 'ServiceUnavailable', code: 503001 };

/**
 * Every hub-core code. `satisfies Record<HubErrorCode, …>` makes a code added to the catalogue
 * without a row here a compile error, so no code silently falls through to 500.
 */
export const HUB_ERROR_HTTP = {
  // IoT Hub answers a missing permission with 401 as well, never 403 (the SDK maps 403 to
  // TooManyDevicesError, which would be misleading).
  FH_AUTH_MISSING: unauthorized,
  FH_AUTH_MALFORMED: unauthorized,
  FH_AUTH_EXPIRED: unauthorized,
  FH_AUTH_BAD_SIGNATURE: unauthorized,
  FH_AUTH_UNKNOWN_IDENTITY: unauthorized,
  FH_AUTH_DISABLED: unauthorized,
  FH_AUTH_SCOPE: unauthorized,
  FH_AUTH_PERMISSION: unauthorized,
  FH_AUTH_WRONG_METHOD: unauthorized,
  FH_REGISTRY_NOT_FOUND: { status: 404, name: 'DeviceNotFound', code: 404001 },
  FH_REGISTRY_EXISTS: { status: 409, name: 'DeviceAlreadyExists', code: 409001 },
  FH_REGISTRY_INVALID: argumentInvalid,
  FH_REGISTRY_ETAG_MISMATCH: preconditionFailed,
  FH_TWIN_INVALID: argumentInvalid,
  FH_TWIN_ETAG_MISMATCH: preconditionFailed,
  // A service cannot write reported properties: a bad request, not an auth failure.
  FH_TWIN_FORBIDDEN: argumentInvalid,
  FH_QUERY_INVALID: argumentInvalid,
  FH_METHOD_NOT_CONNECTED: { status: 404, name: 'DeviceNotOnline', code: 404103 },
  FH_METHOD_TIMEOUT: { status: 504, name: 'GatewayTimeout', code: 504101 },
  FH_METHOD_INVALID: argumentInvalid,
  FH_C2D_QUEUE_FULL: { status: 403, name: 'DeviceMaximumQueueDepthExceeded', code: 403004 },
  FH_C2D_LOCK_LOST: { status: 412, name: 'DeviceMessageLockLost', code: 412002 },
  FH_MSG_TOO_LARGE: { status: 413, name: 'MessageTooLarge', code: 413001 },
  FH_MSG_INVALID: argumentInvalid,
  FH_THROTTLED: { status: 429, name: 'ThrottlingException', code: 429001 },
  FH_BACKLOG_FULL: { status: 503, name: 'ServiceUnavailable', code: 503001 },
  // The hub or its store is closing or not open yet, or a session went away under the request:
  // transient, and 503 is what the SDKs retry.
  FH_STORE_NOT_OPEN: serviceUnavailable,
  FH_HUB_CLOSED: serviceUnavailable,
  FH_SESSION_REPLACED: serviceUnavailable,
  FH_SESSION_CLOSED: serviceUnavailable,
  FH_STORE_CORRUPT: serverError,
  FH_STORE_LOCKED: serverError,
  FH_STORE_IO: serverError,
  FH_CONFIG_INVALID: serverError,
  FH_CERT_INVALID: serverError,
  FH_LISTEN_FAILED: serverError,
  FH_INTERNAL: serverError,
  // File upload. The blob endpoint answers in Azure Storage's format instead (device/blob-reply.ts);
  // these rows are what the IoT Hub routes (`/devices/{id}/files…`) send.
  FH_FILE_DISABLED: { status: 403, name: 'FileUploadNotConfigured', code: 403010 },
  FH_FILE_TOO_MANY_UPLOADS: { status: 403, name: 'DeviceMaximumActiveFileUploadLimitExceeded', code: 403006 },
  FH_FILE_UPLOAD_UNKNOWN: argumentInvalid,
  FH_FILE_SAS_INVALID: unauthorized,
  FH_FILE_TOO_LARGE: { status: 413, name: 'MessageTooLarge', code: 413001 },
  FH_FILE_QUOTA: { status: 403, name: 'IotHubQuotaExceeded', code: 403002 },
} as const satisfies Record<HubErrorCode, HttpErrorMapping>;

/** Conditions the head itself detects before any core call. */
export const HEAD_ERROR_HTTP = {
  routeNotFound: { status: 404, name: 'NotFound', code: 404000 },
  methodNotAllowed: { status: 405, name: 'MethodNotAllowed', code: 405000 },
} as const satisfies Record<string, HttpErrorMapping>;

/** An error resolved to its wire form. */
export interface ResolvedError extends HttpErrorMapping {
  message: string;
  /** True when the cause is not a known fieldhub error: worth a log line at error level. */
  unexpected: boolean;
}

/** Maps any thrown value to its HTTP form. Unknown errors become 500 ServerError. */
export function resolveError(err: unknown): ResolvedError {
  if (err instanceof FieldhubError) {
    // FieldhubError from elsewhere (runtime codes) may carry a code outside this table.
    const mapping = (HUB_ERROR_HTTP as Readonly<Record<string, HttpErrorMapping | undefined>>)[err.code];
    if (mapping !== undefined) return { ...mapping, message: err.message, unexpected: mapping.status === 500 };
  }
  // Internal details stay in the log, not in the response.
  return { ...serverError, message: 'internal server error', unexpected: true };
}

/**
 * Direct method calls go through the SDK's retry policy, which re-invokes on 429, 500 and 503
 * for up to four minutes: the device could run the method many times. Those statuses are
 * replaced by 502 (BadDeviceResponseError, not retried) on method routes.
 */
export function withoutRetryableStatus(resolved: ResolvedError): ResolvedError {
  if (resolved.status !== 429 && resolved.status !== 500 && resolved.status !== 503) return resolved;
  return { ...resolved, status: 502, name: 'BadDeviceResponse', code: 502001 };
}

/** IoT Hub's `MM/dd/yyyy HH:mm:ss` (UTC) timestamp, as found in ExceptionMessage. */
function azureTimestamp(date: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${p(date.getUTCMonth() + 1)}/${p(date.getUTCDate())}/${date.getUTCFullYear()} ` +
    `${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
}

/**
 * The REST error body (wire contract G). The SDK splits `Message` on `;` and keeps only the
 * second part, so a `;` in the text would truncate it: it is replaced by `,`. An empty text
 * would make the SDK ignore the code, so there is always some text. `errorCode` (numeric) is a
 * fieldhub addition for non-SDK clients such as the CLI; the SDK ignores it.
 */
export function errorBody(resolved: HttpErrorMapping & { message: string }, trackingId = randomUUID()): Record<string, unknown> {
  const text = resolved.message.replace(/;/g, ',').replace(/[\r\n]+/g, ' ').trim() || resolved.name;
  return {
    Message: `ErrorCode:${resolved.name};${text}`,
    ExceptionMessage: `Tracking ID:${trackingId.replace(/-/g, '')}-G:0-TimeStamp:${azureTimestamp(new Date())}`,
    errorCode: resolved.code,
  };
}
