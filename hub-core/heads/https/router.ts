/**
 * A small router: method + path pattern → route. Patterns are split into segments; literal
 * segments match case-insensitively (IoT Hub clients differ: `deviceBound` vs `devicebound`),
 * `{name}` parameters match one non-empty segment and are percent-decoded (ids arrive
 * `encodeURIComponent`-encoded). Among routes for the same method, more literal segments
 * earlier wins, so `POST /devices/query` beats `POST /devices/{id}`-style patterns while
 * `GET /devices/query` still reaches a device called "query".
 */
import { HubError } from '../../errors.js';
import type { HttpMethod, RouteDef, RouteParams } from './route.js';

type Segment = { literal: string } | { param: string };

interface CompiledRoute {
  def: RouteDef;
  segments: Segment[];
  /** Bit string of literal positions, for precedence (higher = more specific). */
  rank: number;
}

/** The outcome of a lookup. */
export type RouteMatch =
  | { kind: 'found'; route: RouteDef; params: RouteParams }
  /** The path exists, for other methods (405 with Allow). */
  | { kind: 'method'; allowed: HttpMethod[] }
  | { kind: 'none' };

function compile(def: RouteDef): CompiledRoute {
  const parts = splitPath(def.path);
  const segments = parts.map((part): Segment => {
    const m = /^\{([A-Za-z][A-Za-z0-9]*)\}$/.exec(part);
    return m?.[1] !== undefined ? { param: m[1] } : { literal: part.toLowerCase() };
  });
  let rank = 0;
  for (const s of segments) rank = rank * 2 + ('literal' in s ? 1 : 0);
  return { def, segments, rank };
}

/** Path segments without empty ones from leading/trailing slashes. */
function splitPath(path: string): string[] {
  const parts = path.split('/');
  if (parts[0] === '') parts.shift();
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function decodeSegment(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new HubError('FH_MSG_INVALID', `path segment '${raw}' is not valid percent-encoding`);
  }
}

/** Route table with lookup by method and raw path; see the file comment for the rules. */
export class Router {
  readonly #routes: CompiledRoute[] = [];

  /** Adds routes; later additions never shadow earlier ones of equal rank. */
  add(...defs: RouteDef[]): this {
    for (const def of defs) this.#routes.push(compile(def));
    // Stable sort: most specific first.
    this.#routes.sort((a, b) => b.rank - a.rank);
    return this;
  }

  /**
   * Finds the route for `method` and a raw (still percent-encoded) path without query.
   * Throws FH_MSG_INVALID when a parameter is not valid percent-encoding.
   */
  match(method: string, rawPath: string): RouteMatch {
    const parts = splitPath(rawPath);
    const allowed = new Set<HttpMethod>();
    for (const route of this.#routes) {
      if (!segmentsMatch(route.segments, parts)) continue;
      if (route.def.method !== method) {
        allowed.add(route.def.method);
        continue;
      }
      const params: Record<string, string> = {};
      route.segments.forEach((seg, i) => {
        if ('param' in seg) params[seg.param] = decodeSegment(parts[i] ?? '');
      });
      return { kind: 'found', route: route.def, params };
    }
    return allowed.size > 0 ? { kind: 'method', allowed: [...allowed] } : { kind: 'none' };
  }
}

function segmentsMatch(segments: Segment[], parts: string[]): boolean {
  if (segments.length !== parts.length) return false;
  return segments.every((seg, i) => {
    const part = parts[i] ?? '';
    return 'literal' in seg ? part.toLowerCase() === seg.literal : part.length > 0;
  });
}
