/**
 * Reading request bodies with a hard size limit, without ever buffering more than the limit.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HubError } from '../../errors.js';

/** Default largest request body, bytes (1 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/**
 * After a 413, how many further body bytes are read and thrown away before the connection is
 * cut. A client that is still sending when the server closes usually sees ECONNRESET instead of
 * the 413 (the reset discards the response in flight), so a moderately oversized body is
 * drained and the keep-alive connection survives; a huge one is not worth the bandwidth.
 */
const LINGER_FACTOR = 16;

/**
 * Throws the rest of the body away (counting it, storing nothing) and destroys the socket once
 * more than `capBytes` arrived. The connection stays usable when the body ends within the cap.
 */
function discardRest(req: IncomingMessage, alreadyRead: number, capBytes: number): void {
  let seen = alreadyRead;
  req.on('data', (chunk: Buffer) => {
    seen += chunk.length;
    if (seen > capBytes) req.socket.destroy();
  });
  req.resume();
}

/** The declared Content-Length, or undefined when absent (chunked) or not a number. */
function declaredLength(req: IncomingMessage): number | undefined {
  const raw = req.headers['content-length'];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/**
 * Reads the whole body, counting bytes as they stream in. Past `maxBytes` it stops collecting
 * and rejects with FH_MSG_TOO_LARGE (413); a declared Content-Length over the limit is refused
 * before a byte is read. An aborted upload rejects with FH_MSG_INVALID.
 */
export function readBody(req: IncomingMessage, res: ServerResponse, maxBytes: number): Promise<Buffer> {
  const lingerCap = Math.max(maxBytes * LINGER_FACTOR, 16 * 1024 * 1024);
  const tooLarge = (): HubError =>
    new HubError('FH_MSG_TOO_LARGE', `request body exceeds the ${maxBytes}-byte limit`);
  const declared = declaredLength(req);
  if (declared !== undefined && declared > maxBytes) {
    // Too big to drain: answer, then let Node close the connection after the response.
    if (declared > lingerCap) res.setHeader('Connection', 'close');
    else discardRest(req, 0, lingerCap);
    return Promise.reject(tooLarge());
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onAborted);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        chunks.length = 0;
        discardRest(req, size, lingerCap);
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new HubError('FH_MSG_INVALID', 'request body could not be read', { cause: err }));
    };
    const onAborted = (): void => onError(new Error('request aborted'));
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onAborted);
  });
}

/**
 * Parses a JSON body. An empty or malformed body is FH_MSG_INVALID (400 ArgumentInvalid);
 * the parser's message (with its position) is passed on because it helps the caller.
 */
export function parseJson(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') throw new HubError('FH_MSG_INVALID', 'request body is empty; a JSON document is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new HubError('FH_MSG_INVALID', `request body is not valid JSON: ${(err as Error).message}`);
  }
}

/** Narrows a parsed body to a plain JSON object, else FH_MSG_INVALID. */
export function asObject(value: unknown, what = 'request body'): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new HubError('FH_MSG_INVALID', `${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}
