/**
 * The request pipeline: route → authenticate → authorise → handler → reply, with every failure
 * turned into an Azure-format error. One request's failure never escapes to the server (no
 * unhandled rejection, no thrown listener), so a bad request cannot affect any other.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { HubCoreApi } from '../../core/api.js';
import type { Principal } from '../../core/types.js';
import type { Logger } from '../../log.js';
import { authenticate, authorize, idSegment, resourceOf } from './auth.js';
import { HEAD_ERROR_HTTP, resolveError, withoutRetryableStatus } from './error-map.js';
import { parseJson, readBody } from './request-body.js';
import { errorReply, writeReply } from './respond.js';
import type { Reply, RequestContext, RouteDef, RouteParams } from './route.js';
import type { Router } from './router.js';

/** What the dispatcher needs: the core, the route table, a logger and the body limit (bytes). */
export interface DispatchOptions {
  core: HubCoreApi;
  router: Router;
  logger: Logger;
  maxBodyBytes: number;
}

/** Splits `req.url` into the raw path and the query (never logged: it may carry secrets). */
function splitUrl(url: string): { rawPath: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q < 0
    ? { rawPath: url, query: new URLSearchParams() }
    : { rawPath: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** `"etag"`, `W/"etag"` or `etag` → `etag`; `"*"` → `*`. */
export function parseIfMatch(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  let v = header.trim();
  if (v.startsWith('W/')) v = v.slice(2);
  if (v.length >= 2 && v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1);
  return v;
}

/** The path the auth rule defaults to: decoded ids, in the route's own segments. */
function decodedPath(route: RouteDef, params: RouteParams): string {
  return route.path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, (_, name: string) => idSegment(params[name] ?? ''));
}

function makeContext(
  opts: DispatchOptions, req: IncomingMessage, res: ServerResponse,
  params: RouteParams, query: URLSearchParams, principal: Principal,
): RequestContext {
  let bodyPromise: Promise<Buffer> | undefined;
  const body = (): Promise<Buffer> => (bodyPromise ??= readBody(req, res, opts.maxBodyBytes));
  return {
    req, res, core: opts.core, logger: opts.logger, params, query, principal,
    param: (name) => {
      const v = params[name];
      if (v === undefined) throw new TypeError(`route has no parameter '${name}'`);
      return v;
    },
    maxBodyBytes: opts.maxBodyBytes,
    body,
    json: async () => parseJson(await body()),
    ifMatch: () => parseIfMatch(req.headers['if-match']),
  };
}

/**
 * A request whose body nobody read gets drained by Node after the response so the connection
 * can be reused. That is fine for a small body, but an unread chunked or oversized one (an
 * unauthenticated 1 GB upload) would be read to the end: close the connection instead.
 */
function closeIfLargeBodyUnread(req: IncomingMessage, res: ServerResponse, maxBodyBytes: number): void {
  // readableFlowing stays null until someone reads or drains the body (readBody does both).
  if (req.complete || req.readableFlowing !== null || res.headersSent) return;
  const length = Number(req.headers['content-length'] ?? NaN);
  const unknownLength = req.headers['transfer-encoding'] !== undefined && Number.isNaN(length);
  if (unknownLength || length > maxBodyBytes) res.setHeader('Connection', 'close');
}

/** Creates the server's request listener. */
export function createDispatcher(opts: DispatchOptions): RequestListener {
  const { core, router, logger } = opts;

  /** Runs the route; resolves to the reply to write (undefined: the handler wrote it). */
  async function run(req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): Promise<Reply | undefined> {
    let route: RouteDef | undefined;
    try {
      const match = router.match(req.method ?? '', rawPath);
      if (match.kind === 'none') {
        return errorReply({ ...HEAD_ERROR_HTTP.routeNotFound, message: `no such resource: ${req.method} ${rawPath}` });
      }
      if (match.kind === 'method') {
        return errorReply({ ...HEAD_ERROR_HTTP.methodNotAllowed, message: `${req.method} is not allowed here` },
          { Allow: match.allowed.join(', ') });
      }
      route = match.route;
      const principal = await authenticate(req, core);
      authorize(core, principal, route.auth, resourceOf(route.auth, match.params, decodedPath(route, match.params)));
      return await route.handler(makeContext(opts, req, res, match.params, query, principal));
    } catch (err) {
      let resolved = resolveError(err);
      if (route?.noRetryableErrors) resolved = withoutRetryableStatus(resolved);
      if (resolved.unexpected) logger.error({ err, method: req.method, path: rawPath }, 'https request failed');
      if (res.headersSent) {
        // A stream already started: the only honest signal left is to cut it.
        res.destroy();
        return undefined;
      }
      return errorReply(resolved);
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse, rawPath: string, query: URLSearchParams): Promise<void> {
    const reply = await run(req, res, rawPath, query);
    if (reply === undefined || res.headersSent || res.destroyed) return;
    closeIfLargeBodyUnread(req, res, opts.maxBodyBytes);
    writeReply(res, reply);
  }

  return (req, res) => {
    const started = performance.now();
    const { rawPath, query } = splitUrl(req.url ?? '/');
    res.once('close', () => {
      // Identities in the path are fine to log; the query string and Authorization are not.
      logger.debug({
        method: req.method, path: rawPath, status: res.statusCode,
        ms: Math.round((performance.now() - started) * 10) / 10, completed: res.writableFinished,
      }, 'https request');
    });
    handle(req, res, rawPath, query).catch((err: unknown) => {
      // handle() catches everything itself; this is the last guard against a crash.
      logger.error({ err }, 'https dispatcher failure');
      res.destroy();
    });
  };
}
