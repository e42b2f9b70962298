/**
 * What a route is: method, path pattern, the permission it needs and a handler. Service routes
 * (registry, twins, query, methods, fieldhub extensions) and, later, the device-side HTTP API
 * (`/devices/{id}/messages/events`, devicebound, files) are all declared this way; they differ
 * only in their {@link AuthRule}: device routes ask for DeviceConnect on the device's own
 * resource, which `core.auth.authorize` grants to that device's token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { HubCoreApi } from '../../core/api.js';
import type { Permission, Principal } from '../../core/types.js';
import type { Logger } from '../../log.js';

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** Decoded path parameters, by the names used in the route pattern (`{id}` → `id`). */
export type RouteParams = Readonly<Record<string, string>>;

/**
 * Who may call a route: a principal that holds any one of `anyOf` on `resource`.
 * `resource` defaults to the request path with decoded ids (e.g. `/devices/d1/modules/m1`).
 */
export interface AuthRule {
  anyOf: readonly Permission[];
  resource?: (params: RouteParams) => string;
}

/** Per-request state handed to a handler. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly core: HubCoreApi;
  readonly logger: Logger;
  readonly params: RouteParams;
  /** A path parameter the route pattern declares (a TypeError for an undeclared name). */
  param(name: string): string;
  /** The query string (`api-version` and friends). */
  readonly query: URLSearchParams;
  readonly principal: Principal;
  /** The largest body this head reads, bytes. */
  readonly maxBodyBytes: number;
  /** Reads the raw body (limited to maxBodyBytes; 413 beyond). */
  body(): Promise<Buffer>;
  /** Reads and parses a JSON body (400 when empty or malformed). */
  json(): Promise<unknown>;
  /** The If-Match header with quotes (and a weak `W/` prefix) removed; undefined when absent. */
  ifMatch(): string | undefined;
}

/** A response a handler returns; the dispatcher writes it. */
export interface Reply {
  status: number;
  /** Serialised as JSON (`application/json; charset=utf-8`) unless undefined. */
  body?: unknown;
  headers?: Readonly<Record<string, string>>;
}

/**
 * Handles one request. Return a {@link Reply}, or undefined after writing the response
 * yourself (streams). Throw a HubError for failures: the dispatcher maps it (error-map.ts).
 */
export type RouteHandler = (ctx: RequestContext) => Promise<Reply | undefined>;

export interface RouteDef {
  method: HttpMethod;
  /** Literal segments and `{name}` parameters, e.g. `/devices/{deviceId}/modules/{moduleId}`. */
  path: string;
  auth: AuthRule;
  /**
   * Direct-method routes: 429/500/503 would make the SDK re-invoke the method for minutes,
   * so the dispatcher answers those as 502 instead.
   */
  noRetryableErrors?: boolean;
  handler: RouteHandler;
}

/** Shorthand for a JSON 200. */
export function ok(body: unknown, headers?: Record<string, string>): Reply {
  return headers === undefined ? { status: 200, body } : { status: 200, body, headers };
}

/** Shorthand for a 204 without a body. */
export function noContent(): Reply {
  return { status: 204 };
}
