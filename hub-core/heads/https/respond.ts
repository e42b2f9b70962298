/**
 * Writing responses: JSON replies and Azure-format error bodies.
 */
import type { ServerResponse } from 'node:http';
import { errorBody, type HttpErrorMapping } from './error-map.js';
import type { Reply } from './route.js';

/** Content type of every JSON response; the SDK parses a body only when it says application/json. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Writes a handler's reply. */
export function writeReply(res: ServerResponse, reply: Reply): void {
  const headers: Record<string, string | number> = { ...reply.headers };
  if (reply.body === undefined) {
    headers['Content-Length'] = 0;
    res.writeHead(reply.status, headers).end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(reply.body), 'utf8');
  headers['Content-Type'] = JSON_CONTENT_TYPE;
  headers['Content-Length'] = payload.length;
  res.writeHead(reply.status, headers).end(payload);
}

/**
 * An error in the IoT Hub REST format (wire contract G), with the Azure error name also in
 * `iothub-errorcode` as IoT Hub does.
 */
export function errorReply(error: HttpErrorMapping & { message: string }, headers: Readonly<Record<string, string>> = {}): Reply {
  return {
    status: error.status,
    body: errorBody(error),
    headers: { ...headers, 'iothub-errorcode': error.name },
  };
}
