/**
 * The error a route that cannot be used raises: FH_ROUTE_INVALID with the route's name and the
 * 1-based column of the fault in the route string, so `fieldhub config check` can point at it.
 */
import { RuntimeError } from '../errors.js';

/** FH_ROUTE_INVALID for one route; `column` is 1-based, in UTF-16 code units of the route string. */
export class RouteError extends RuntimeError {
  /** The route's name (its key in the config's `routes:` map). */
  readonly routeName: string;
  /** 1-based column of the fault in the route string. */
  readonly column: number;

  constructor(routeName: string, column: number, message: string, options: { cause?: unknown } = {}) {
    super('FH_ROUTE_INVALID', `route "${routeName}", column ${column}: ${message}`, options);
    this.name = 'RouteError';
    this.routeName = routeName;
    this.column = column;
  }
}
