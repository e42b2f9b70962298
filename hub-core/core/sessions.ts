/**
 * The connection table: at most one live {@link DeviceSession} per identity (a newer connection
 * replaces the older, as IoT Hub does on MQTT and AMQP), token-expiry timers, and the hooks that
 * let twins, methods and C2D react to a session's flags and its end.
 */
import { HubError, isHubError } from '../errors.js';
import type { Clock, ConnectOptions, DeviceProxy, DeviceSession } from './api.js';
import type { Auth } from './auth.js';
import { describe, identityKey, identityPath } from './ids.js';
import type { Presence } from './presence.js';
import type { Registry } from './registry.js';
import { Session, type SessionServices } from './session.js';
import type { IdentityRef, Principal } from './types.js';

export interface SessionTableDeps {
  clock: Clock;
  auth: Auth;
  registry: Registry;
  presence: Presence;
  /** Emits deviceConnected / deviceDisconnected. */
  emit(event: 'deviceConnected' | 'deviceDisconnected', ref: IdentityRef, protocol: string): void;
}

/** Live sessions by identity key. */
export class SessionTable {
  private readonly live = new Map<string, Session>();
  private services: SessionServices | undefined;
  private closed = false;

  constructor(private readonly deps: SessionTableDeps) {}

  /** Wires the services sessions delegate to (they need the table too, hence not a constructor argument). */
  bind(services: SessionServices): void {
    this.services = services;
  }

  /**
   * Attaches a connected identity; see HubCoreApi.connect. Synchronous up to the return so two
   * racing connects for one identity cannot both win.
   */
  connect(ref: IdentityRef, principal: Principal, proxy: DeviceProxy, options: ConnectOptions = {}): DeviceSession {
    if (this.closed || this.services === undefined) throw new HubError('FH_HUB_CLOSED', 'the hub core is closed');
    const identity: IdentityRef = ref.moduleId === undefined ? { deviceId: ref.deviceId } : { deviceId: ref.deviceId, moduleId: ref.moduleId };
    this.checkPrincipal(identity, principal);
    const info = this.deps.registry.identity(identity);
    if (info === undefined) throw new HubError('FH_AUTH_UNKNOWN_IDENTITY', `${describe(identity)} is not registered`);
    if (!info.enabled) throw new HubError('FH_AUTH_DISABLED', `${describe(identity)} is disabled`);

    const key = identityKey(identity);
    this.live.get(key)?.close(new HubError('FH_SESSION_REPLACED', `a newer connection of ${describe(identity)} replaced this one`));

    const session = new Session({
      identity,
      key,
      proxy,
      persistent: options.persistentSession === true,
      clock: this.deps.clock,
      services: this.services,
      checkRenewal: (p) => this.checkPrincipal(identity, p),
      onEnd: (s) => this.ended(s),
    });
    this.live.set(key, session);
    this.deps.presence.connected(identity, this.deps.clock.now());
    this.deps.emit('deviceConnected', identity, proxy.protocol);
    session.armExpiry(principal.expiresAt);
    return session;
  }

  /** The live session of `ref`, if any. */
  get(ref: IdentityRef): Session | undefined {
    return this.live.get(identityKey(ref));
  }

  /** Closes the session of `ref`, and of its modules when `alsoModules`. */
  closeIdentity(ref: IdentityRef, alsoModules: boolean, reason: HubError): void {
    const key = identityKey(ref);
    for (const session of [...this.live.values()]) {
      const own = session.key === key;
      const child = alsoModules && ref.moduleId === undefined && session.identity.deviceId === ref.deviceId;
      if (own || child) session.close(reason);
    }
  }

  /** Closes every session and refuses new ones (hub shutdown). */
  closeAll(reason: HubError): void {
    this.closed = true;
    for (const session of [...this.live.values()]) session.close(reason);
  }

  /** Live sessions. */
  count(): number {
    return this.live.size;
  }

  /**
   * A device principal connects as itself, or as one of its modules or child devices (parent
   * scope, see Auth.authorize); a policy needs DeviceConnect covering the identity.
   */
  private checkPrincipal(identity: IdentityRef, principal: Principal): void {
    try {
      this.deps.auth.authorize(principal, 'DeviceConnect', identityPath(identity));
    } catch (err) {
      const other = principal.kind === 'device' && (principal.deviceId !== identity.deviceId || principal.moduleId !== identity.moduleId);
      if (other && isHubError(err, 'FH_AUTH_SCOPE')) throw new HubError('FH_AUTH_SCOPE', `the credentials are not those of ${describe(identity)}`);
      throw err;
    }
  }

  private ended(session: Session): void {
    if (this.live.get(session.key) === session) this.live.delete(session.key);
    // Only when no other session holds the identity (defensive: a replaced session ends first).
    if (!this.live.has(session.key)) this.deps.presence.disconnected(session.identity, this.deps.clock.now());
    this.services?.sessionEnded(session);
    this.deps.emit('deviceDisconnected', session.identity, session.proxy.protocol);
  }
}
