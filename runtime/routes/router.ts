/**
 * The router: a route map compiled once, then asked per message which sinks it goes to.
 *
 * Per sender (module id, output name) the router caches which routes can apply: the sinks of
 * those without a condition (one frozen array, returned as is when no condition adds a sink) and
 * the routes with a condition. So the common case (no WHERE) costs two map lookups and allocates
 * nothing; a condition is evaluated against one reused {@link MessageScope}, which parses a JSON
 * body at most once per message whatever the number of conditions reading it.
 */
import type { IdentityRef, Message } from '../../hub-core/core/types.js';
import { conditionHolds, MessageScope, type MessageCondition } from './message-condition.js';
import { RouteError } from './route-error.js';
import { parseRoute, sinkKey, type ParsedRoute, type RouteSink, type RouteSource } from './route-parser.js';

/** The config's `routes:` map: route name -> route string. */
export type RouteMap = Readonly<Record<string, string>>;

/** What {@link compileRoutes} checks the routes against. */
export interface CompileRoutesOptions {
  /** Names of the local sinks defined under `sinks:`; `Sink("x")` must name one of them. */
  sinkNames: readonly string[];
  /** When given, `BrokeredEndpoint("/modules/<m>/…")` must name one of these modules. */
  moduleIds?: readonly string[];
}

/** A message as the router sees it: the sender and the message (a StoredTelemetry fits). */
export interface RoutedMessage {
  deviceId: string;
  moduleId?: string;
  message: Message;
}

/** Compiled routes. */
export interface Router {
  /** The routes, in the map's order. */
  readonly routes: readonly ParsedRoute[];
  /** Every distinct sink the routes name (the same objects {@link match} returns). */
  readonly sinks: readonly RouteSink[];
  /**
   * The distinct sinks the message goes to, each once, possibly none. The array may be shared
   * between calls: do not modify it. Sinks are interned: equal sinks are the same object.
   */
  match(msg: RoutedMessage): readonly RouteSink[];
  /** True when some route takes the message to `$upstream` (an admission check before storing it). */
  routesToUpstream(ref: IdentityRef, message: Message): boolean;
}

/** A route that has a WHERE condition. */
type ConditionalRoute = ParsedRoute & { readonly condition: MessageCondition };

interface SenderEntry {
  /** Sinks of the matching routes without a condition, distinct. */
  fixed: readonly RouteSink[];
  fixedUpstream: boolean;
  /** Matching routes with a condition whose sink is not already in `fixed`. */
  conditional: readonly ConditionalRoute[];
}

/** Cached senders (module id x output name pairs) before the cache starts over. */
const MAX_CACHED_SENDERS = 4096;

function sourceMatches(source: RouteSource, moduleId: string | undefined, outputName: string): boolean {
  switch (source.kind) {
    case 'all': return true;
    case 'devices': return moduleId === undefined;
    case 'modules': return moduleId !== undefined;
    case 'module': return moduleId === source.moduleId.toLowerCase();
    case 'moduleOutputs': return moduleId === source.moduleId.toLowerCase() && outputName !== '';
    case 'moduleOutput': return moduleId === source.moduleId.toLowerCase() && outputName === source.outputName.toLowerCase();
  }
}

class CompiledRouter implements Router {
  readonly sinks: readonly RouteSink[];
  private readonly scope = new MessageScope();
  private readonly deviceEntry: SenderEntry;
  private readonly moduleEntries = new Map<string, Map<string, SenderEntry>>();
  private cached = 0;

  constructor(readonly routes: readonly ParsedRoute[], sinks: readonly RouteSink[]) {
    this.sinks = sinks;
    this.deviceEntry = this.entryFor(undefined, '');
  }

  private entryFor(moduleId: string | undefined, outputName: string): SenderEntry {
    const m = moduleId?.toLowerCase();
    const o = outputName.toLowerCase();
    const fixed: RouteSink[] = [];
    const conditional: ConditionalRoute[] = [];
    for (const route of this.routes) {
      if (!sourceMatches(route.source, m, o)) continue;
      if (route.condition !== undefined) conditional.push(route as ConditionalRoute);
      else if (!fixed.includes(route.sink)) fixed.push(route.sink);
    }
    return {
      fixed: Object.freeze(fixed),
      fixedUpstream: fixed.some((s) => s.kind === 'upstream'),
      conditional: conditional.filter((r) => !fixed.includes(r.sink)),
    };
  }

  private lookup(moduleId: string | undefined, outputName: string | undefined): SenderEntry {
    if (moduleId === undefined) return this.deviceEntry;
    const output = outputName ?? '';
    let byOutput = this.moduleEntries.get(moduleId);
    let entry = byOutput?.get(output);
    if (entry !== undefined) return entry;
    // Output names come from modules and may be many: bound the cache, start over when full.
    if (this.cached >= MAX_CACHED_SENDERS) {
      this.moduleEntries.clear();
      this.cached = 0;
      byOutput = undefined;
    }
    if (byOutput === undefined) {
      byOutput = new Map();
      this.moduleEntries.set(moduleId, byOutput);
    }
    entry = this.entryFor(moduleId, output);
    byOutput.set(output, entry);
    this.cached++;
    return entry;
  }

  match(msg: RoutedMessage): readonly RouteSink[] {
    const entry = this.lookup(msg.moduleId, msg.message.system.outputName);
    if (entry.conditional.length === 0) return entry.fixed;
    const scope = this.scope.reset(msg.message);
    let out: RouteSink[] | undefined;
    try {
      for (const route of entry.conditional) {
        if (out?.includes(route.sink)) continue;
        if (conditionHolds(route.condition, scope)) (out ??= [...entry.fixed]).push(route.sink);
      }
    } finally {
      scope.reset(undefined); // do not keep the message alive
    }
    return out ?? entry.fixed;
  }

  routesToUpstream(ref: IdentityRef, message: Message): boolean {
    const entry = this.lookup(ref.moduleId, message.system.outputName);
    if (entry.fixedUpstream) return true;
    if (entry.conditional.length === 0) return false;
    const scope = this.scope.reset(message);
    try {
      for (const route of entry.conditional) {
        if (route.sink.kind === 'upstream' && conditionHolds(route.condition, scope)) return true;
      }
      return false;
    } finally {
      scope.reset(undefined);
    }
  }
}

/** Parses one route and checks its sink against the options. */
function checkedRoute(name: string, text: string, options: CompileRoutesOptions, sinkNames: ReadonlySet<string>): ParsedRoute {
  const route = parseRoute(name, text);
  const { sink } = route;
  if (sink.kind === 'sink' && !sinkNames.has(sink.name)) {
    const known = options.sinkNames.length === 0 ? 'no sinks are defined' : `defined sinks: ${options.sinkNames.join(', ')}`;
    throw new RouteError(name, route.sinkColumn, `unknown sink "${sink.name}" (${known})`);
  }
  if (sink.kind === 'moduleInput' && options.moduleIds !== undefined && !options.moduleIds.includes(sink.moduleId)) {
    throw new RouteError(name, route.sinkColumn, `BrokeredEndpoint names module "${sink.moduleId}", which is not configured`);
  }
  return route;
}

/**
 * Every problem of a route map, one {@link RouteError} per bad route in map order (empty when all
 * are good): for `fieldhub config check`, which lists them all.
 */
export function checkRoutes(routes: RouteMap, options: CompileRoutesOptions): RouteError[] {
  const sinkNames = new Set(options.sinkNames);
  const errors: RouteError[] = [];
  for (const [name, text] of Object.entries(routes)) {
    try {
      checkedRoute(name, text, options, sinkNames);
    } catch (err) {
      if (!(err instanceof RouteError)) throw err;
      errors.push(err);
    }
  }
  return errors;
}

/**
 * Parses and checks every route, once (at start and in `fieldhub config check`).
 * @throws RouteError (FH_ROUTE_INVALID) for the first bad route in map order: its name, the
 *   1-based column and what is wrong (syntax, an unknown Sink name, an unknown module).
 */
export function compileRoutes(routes: RouteMap, options: CompileRoutesOptions): Router {
  const sinkNames = new Set(options.sinkNames);
  const interned = new Map<string, RouteSink>();
  const parsed: ParsedRoute[] = [];
  for (const [name, text] of Object.entries(routes)) {
    const route = checkedRoute(name, text, options, sinkNames);
    const key = sinkKey(route.sink);
    const same = interned.get(key);
    if (same === undefined) interned.set(key, Object.freeze(route.sink));
    parsed.push(Object.freeze({ ...route, sink: same ?? route.sink }));
  }
  return new CompiledRouter(Object.freeze(parsed), Object.freeze([...interned.values()]));
}
