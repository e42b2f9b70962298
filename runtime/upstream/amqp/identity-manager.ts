/**
 * Brings mirrored identities up on the current connection and keeps them up: each one, in turn
 * through the rate gate, gets its token built and put on `$cbs`, its links attached and its
 * desired-properties subscription made, then counts as online. A token refused or a link
 * detached takes only that identity down; it retries on its own backoff while the others go
 * on. Tokens are renewed at 80 % of their lifetime on the same connection. Whether the gateway
 * wants methods for an identity is kept here (for identities not mirrored yet too) and applied
 * at each attach and whenever it changes.
 */
import type { IdentityRef, JsonObject } from '../../../hub-core/core/types.js';
import type { Logger } from '../../../hub-core/log.js';
import { identityKey } from '../../../hub-core/core/ids.js';
import type { RuntimeError } from '../../errors.js';
import type { UpstreamHandlers } from '../link.js';
import { offlineError } from './error-map.js';
import { IdentityLinks } from './identity-links.js';
import { AmqpLinkEvents } from './log-events.js';
import { MirroredIdentity } from './mirrored-identity.js';
import type { ResolvedAmqpOptions } from './options.js';
import { RateGate } from './pacing.js';
import type { SendBudget } from './telemetry-link.js';
import { identityToken } from './tokens.js';
import type { UpstreamConnection } from './upstream-connection.js';

export interface IdentityManagerDeps {
  options: ResolvedAmqpOptions;
  log: Logger;
  budget: SendBudget;
  handlers(): UpstreamHandlers | undefined;
  /** The connection identities attach to, when it is open. */
  connection(): UpstreamConnection | undefined;
  /**
   * The rate gate attaches go through, shared by every connection of the link, so
   * identitiesPerSecond holds for the gateway as a whole. Default a gate of this manager's own.
   */
  gate?: RateGate<string>;
}

/** The gate for `identitiesPerSecond`: at most that many attaches started per second, a few at once. */
export function attachGate(identitiesPerSecond: number): RateGate<string> {
  return new RateGate(identitiesPerSecond, Math.max(10, Math.ceil(identitiesPerSecond)));
}

const asError = (err: unknown): RuntimeError =>
  (typeof (err as { code?: unknown })?.code === 'string' ? err : offlineError(String((err as Error)?.message ?? err), err)) as RuntimeError;

export class IdentityManager {
  private readonly entries = new Map<string, MirroredIdentity>();
  private readonly gate: RateGate<string>;
  private readonly ownGate: boolean;
  /** Keys of the identities the gateway wants methods for. */
  private readonly methodsWanted = new Set<string>();

  constructor(private readonly deps: IdentityManagerDeps) {
    this.ownGate = deps.gate === undefined;
    this.gate = deps.gate ?? attachGate(deps.options.identitiesPerSecond);
  }

  get(ref: IdentityRef): MirroredIdentity | undefined {
    return this.entries.get(identityKey(ref));
  }

  all(): IterableIterator<MirroredIdentity> {
    return this.entries.values();
  }

  get size(): number {
    return this.entries.size;
  }

  add(ref: IdentityRef): void {
    const key = identityKey(ref);
    if (this.entries.has(key)) return;
    const entry = new MirroredIdentity(ref.moduleId === undefined ? { deviceId: ref.deviceId } : { deviceId: ref.deviceId, moduleId: ref.moduleId }, key, this.deps.options.identityRetry);
    entry.methodsWanted = this.methodsWanted.has(key);
    this.entries.set(key, entry);
    if (this.deps.connection()?.isOpen === true) this.enqueue(entry);
  }

  /** Attaches or retires the identity's method links, now if it has links, else at its next attach. */
  setMethodsWanted(ref: IdentityRef, wanted: boolean): void {
    const key = identityKey(ref);
    if (wanted) this.methodsWanted.add(key);
    else this.methodsWanted.delete(key);
    const entry = this.entries.get(key);
    if (entry === undefined || entry.methodsWanted === wanted) return;
    entry.methodsWanted = wanted;
    entry.links?.setMethods(wanted);
  }

  remove(ref: IdentityRef): void {
    const entry = this.get(ref);
    if (entry === undefined) return;
    this.entries.delete(entry.key);
    this.gate.cancel(entry.key);
    entry.state = 'removed';
    entry.generation++;
    entry.clearTimers();
    entry.links?.close(offlineError(`${entry.key} is no longer mirrored`));
    entry.detach();
  }

  /** The connection is open: every identity waiting for one goes through the gate. */
  connected(): void {
    for (const entry of this.entries.values()) if (entry.state === 'idle') this.enqueue(entry);
  }

  /** The connection is gone: every identity is offline until the next one. */
  connectionLost(err: RuntimeError, report: boolean): void {
    this.cancelWaiting();
    for (const entry of this.entries.values()) {
      const wasOnline = entry.state === 'online';
      entry.generation++;
      clearTimeout(entry.renewTimer);
      entry.links?.abort(err);
      entry.detach();
      if (entry.state !== 'retry' && entry.state !== 'removed') entry.state = 'idle';
      if (wasOnline && report) this.offline(entry, err);
    }
  }

  close(): void {
    if (this.ownGate) this.gate.close();
    else this.cancelWaiting();
    const err = offlineError('the upstream link is closing');
    for (const entry of this.entries.values()) {
      entry.generation++;
      entry.clearTimers();
      entry.links?.close(err);
      entry.detach();
      entry.state = 'idle';
    }
  }

  /** Drops this manager's identities from the gate's queue (a shared gate keeps the others'). */
  private cancelWaiting(): void {
    if (this.ownGate) this.gate.clear();
    else for (const key of this.entries.keys()) this.gate.cancel(key);
  }

  private enqueue(entry: MirroredIdentity): void {
    entry.state = 'queued';
    this.gate.enqueue(entry.key, () => this.attach(entry));
  }

  private async attach(entry: MirroredIdentity): Promise<void> {
    const conn = this.deps.connection();
    if (entry.state !== 'queued') return;
    if (conn === undefined || !conn.isOpen) {
      entry.state = 'idle';
      return;
    }
    entry.state = 'attaching';
    const gen = ++entry.generation;
    const stale = (): boolean => entry.generation !== gen || entry.state !== 'attaching';
    const o = this.deps.options;
    try {
      const token = await identityToken(o.credentials, o.hostName, entry.ref, o.tokenTtlS);
      if (stale()) return;
      await conn.cbs.putToken(token.audience, token.token);
      if (stale()) return;
      const seat = conn.seat();
      entry.seat = seat;
      const ended = new AbortController();
      const links = new IdentityLinks({
        ref: entry.ref, key: entry.key, session: seat.session, signal: AbortSignal.any([conn.signal, ended.signal]),
        options: o, budget: this.deps.budget, log: this.deps.log, methods: entry.methodsWanted,
        onMethod: (call) => {
          const h = this.deps.handlers();
          return h === undefined ? Promise.resolve({ status: 503, payload: null }) : h.onMethod(entry.ref, call);
        },
        onC2d: (c2d) => this.guard(entry, 'onC2d', (h) => h.onC2d(entry.ref, c2d)),
        onDesired: (patch: JsonObject) => this.guard(entry, 'onDesired', (h) => h.onDesired(entry.ref, patch)),
        onDown: (err) => this.linksDown(entry, links, err),
      });
      entry.links = links;
      seat.onEnd((err) => {
        ended.abort(err);
        if (entry.links === links && links.isUp) {
          links.abort(err);
          this.linksDown(entry, links, err);
        }
      });
      await links.open();
      if (stale()) return;
      entry.state = 'online';
      entry.tokenExpiresAtMs = token.expiresAtMs;
      entry.backoff.reset();
      entry.lastError = undefined;
      this.scheduleRenewal(entry, gen, token.expiresAtMs);
      AmqpLinkEvents.identityOnline(this.deps.log, entry.key);
      this.guard(entry, 'onIdentityOnline', (h) => h.onIdentityOnline(entry.ref));
    } catch (err) {
      if (stale()) return;
      entry.links?.close(asError(err));
      entry.detach();
      this.retryLater(entry, asError(err), false);
    }
  }

  /** An online identity's link was detached (or its session ended) by the upstream. */
  private linksDown(entry: MirroredIdentity, links: IdentityLinks, err: RuntimeError): void {
    if (entry.links !== links || entry.state !== 'online') return;
    entry.generation++;
    clearTimeout(entry.renewTimer);
    entry.detach();
    this.retryLater(entry, err, true);
  }

  private retryLater(entry: MirroredIdentity, err: RuntimeError, wasOnline: boolean): void {
    entry.noteError(err);
    entry.state = 'retry';
    const delay = entry.backoff.next();
    entry.retryAt = Date.now() + delay;
    clearTimeout(entry.retryTimer);
    entry.retryTimer = setTimeout(() => {
      entry.retryTimer = undefined;
      entry.retryAt = undefined;
      if (entry.state !== 'retry') return;
      if (this.deps.connection()?.isOpen === true) this.enqueue(entry);
      else entry.state = 'idle';
    }, delay);
    entry.retryTimer.unref();
    AmqpLinkEvents.identityDown(this.deps.log, entry.key, err, delay);
    // The gateway hears of an identity that was up, and of one whose credentials are refused.
    if (wasOnline || err.code === 'FH_UPSTREAM_AUTH') this.offline(entry, err);
  }

  /** Renews at 80 % of the token's remaining life (`se` is whole seconds: measured from now). */
  private scheduleRenewal(entry: MirroredIdentity, gen: number, expiresAtMs: number, retryInMs?: number): void {
    clearTimeout(entry.renewTimer);
    const delay = retryInMs ?? Math.max(500, (expiresAtMs - Date.now()) * 0.8);
    entry.renewTimer = setTimeout(() => void this.renew(entry, gen), Math.min(delay, 2 ** 31 - 1));
    entry.renewTimer.unref();
  }

  private async renew(entry: MirroredIdentity, gen: number): Promise<void> {
    const conn = this.deps.connection();
    if (entry.generation !== gen || entry.state !== 'online' || conn === undefined) return;
    const o = this.deps.options;
    try {
      const token = await identityToken(o.credentials, o.hostName, entry.ref, o.tokenTtlS);
      await conn.cbs.putToken(token.audience, token.token);
      entry.tokenExpiresAtMs = token.expiresAtMs;
      if (entry.generation === gen) this.scheduleRenewal(entry, gen, token.expiresAtMs);
    } catch (err) {
      if (entry.generation !== gen || entry.state !== 'online') return;
      const error = asError(err);
      AmqpLinkEvents.tokenRenewFailed(this.deps.log, entry.key, error);
      if (error.code === 'FH_UPSTREAM_AUTH') {
        const links = entry.links;
        links?.close(error);
        if (links !== undefined) this.linksDown(entry, links, error);
      } else {
        // The old token still holds for a while: try again well before it ends.
        const left = (entry.tokenExpiresAtMs ?? Date.now()) - Date.now();
        this.scheduleRenewal(entry, gen, entry.tokenExpiresAtMs ?? Date.now(), Math.max(500, Math.min(60_000, left / 4)));
      }
    }
  }

  private offline(entry: MirroredIdentity, err: RuntimeError): void {
    this.guard(entry, 'onIdentityOffline', (h) => h.onIdentityOffline(entry.ref, err));
  }

  /** Calls a gateway handler; a handler that throws is logged, never breaks the link. */
  private guard(entry: MirroredIdentity, name: string, fn: (h: UpstreamHandlers) => void): void {
    const h = this.deps.handlers();
    if (h === undefined) return;
    try {
      fn(h);
    } catch (err) {
      AmqpLinkEvents.handlerFailed(this.deps.log, entry.key, name, err);
    }
  }
}
