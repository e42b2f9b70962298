/**
 * Responses of the blob endpoint in Azure Storage's format, which @azure/storage-blob parses:
 * `x-ms-request-id` / `x-ms-version` on everything, and errors as
 * `<Error><Code>…</Code><Message>…</Message></Error>` with the code also in `x-ms-error-code`.
 * The SDK surfaces the status and code (RestError.statusCode / .code); the device SDK reports the
 * status to the hub in its upload notification.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { FieldhubError } from '../../../errors.js';

/** The storage service version we answer as (any recent one works for the SDKs). */
export const STORAGE_VERSION = '2020-10-02';

/**
 * Bytes of an unread request body thrown away after an early answer, so the client reads the
 * answer instead of a connection reset (which storage SDKs retry for half a minute). One SDK
 * block (4 MiB) plus headroom; a larger remainder gets the connection closed instead.
 */
export const DRAIN_CAP_BYTES = 4 * 1024 * 1024 + 64 * 1024;

/** A failure the endpoint detects itself (method, URL, headers), in storage terms. */
export class StorageRequestError extends Error {
  constructor(readonly status: number, readonly storageCode: string, message: string) {
    super(message);
  }
}

/** Hub-core codes → storage status and error code. */
const STORAGE_ERRORS: Readonly<Record<string, { status: number; code: string }>> = {
  FH_FILE_SAS_INVALID: { status: 403, code: 'AuthenticationFailed' },
  FH_FILE_QUOTA: { status: 403, code: 'QuotaExceeded' },
  FH_FILE_TOO_LARGE: { status: 413, code: 'RequestBodyTooLarge' },
  FH_MSG_TOO_LARGE: { status: 413, code: 'RequestBodyTooLarge' },
  FH_MSG_INVALID: { status: 400, code: 'InvalidInput' },
  FH_FILE_DISABLED: { status: 404, code: 'ContainerNotFound' },
  FH_HUB_CLOSED: { status: 503, code: 'ServerBusy' },
  FH_STORE_NOT_OPEN: { status: 503, code: 'ServerBusy' },
};

/** An error in storage terms; `unexpected` marks what deserves an error-level log line. */
export function storageErrorOf(err: unknown): { status: number; code: string; message: string; unexpected: boolean } {
  if (err instanceof StorageRequestError) return { status: err.status, code: err.storageCode, message: err.message, unexpected: false };
  if (err instanceof FieldhubError) {
    const mapped = STORAGE_ERRORS[err.code];
    if (mapped !== undefined) return { ...mapped, message: err.message, unexpected: false };
  }
  return { status: 500, code: 'InternalError', message: 'internal server error', unexpected: true };
}

const xmlEscape = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Headers every blob response carries. */
function baseHeaders(req: IncomingMessage, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'x-ms-request-id': requestId,
    'x-ms-version': STORAGE_VERSION,
    Date: new Date().toUTCString(),
  };
  const clientId = req.headers['x-ms-client-request-id'];
  if (typeof clientId === 'string' && /^[\x20-\x7e]{1,1024}$/.test(clientId)) headers['x-ms-client-request-id'] = clientId;
  return headers;
}

/** 201 Created, as Put Blob, Put Block and Put Block List answer. */
export function writeCreated(req: IncomingMessage, res: ServerResponse, extra: Record<string, string>): void {
  res.writeHead(201, { ...baseHeaders(req, randomUUID()), 'x-ms-request-server-encrypted': 'true', ...extra, 'Content-Length': 0 }).end();
}

/** A storage error response. The unread rest of the body is drained (bounded) or the connection closed. */
export function writeStorageError(req: IncomingMessage, res: ServerResponse, error: { status: number; code: string; message: string }): void {
  const requestId = randomUUID();
  const text = `${error.message}\nRequestId:${requestId}\nTime:${new Date().toISOString()}`;
  const body = Buffer.from(`<?xml version="1.0" encoding="utf-8"?><Error><Code>${xmlEscape(error.code)}</Code>` +
    `<Message>${xmlEscape(text)}</Message></Error>`, 'utf8');
  discardUnread(req, res);
  res.writeHead(error.status, {
    ...baseHeaders(req, requestId), 'x-ms-error-code': error.code,
    'Content-Type': 'application/xml', 'Content-Length': body.length,
  }).end(body);
}

/**
 * After an early answer the body may still be arriving. Up to {@link DRAIN_CAP_BYTES} more are
 * read and thrown away (never stored), so the connection stays usable; a declared or actual
 * remainder past that gets the connection closed. Either way nothing is buffered.
 */
function discardUnread(req: IncomingMessage, res: ServerResponse): void {
  if (req.complete) return;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > DRAIN_CAP_BYTES) {
    res.setHeader('Connection', 'close');
    return;
  }
  let seen = 0;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > DRAIN_CAP_BYTES) req.socket.destroy();
  });
  req.on('error', () => undefined);
  req.resume();
}
