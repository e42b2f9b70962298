/**
 * The tokens one connection holds (wire contract C "CBS" and "Multiplexing"): identity →
 * principal + expiry, from CBS put-token or SASL PLAIN. A device or module token covers its own
 * identity; a policy token covers what its rights and scope allow (the gateway pattern: one
 * DeviceConnect token for many devices, or a ServiceConnect token for the service links).
 * Each grant has one timer; on expiry the connection detaches what depended on it.
 */
import { HubError } from '../../errors.js';
import type { IdentityRef, Permission, Principal } from '../../core/types.js';
import { identityKey, identityPath } from '../../core/index.js';

/** One live token on a connection. */
export interface Grant {
  /** `d` or `d/m` for identity tokens; `policy:{keyName}:{scope}` for policy tokens. */
  readonly key: string;
  principal: Principal;
}

export interface GrantTableOptions {
  /** Most grants per connection; a put-token beyond is refused (bounded per-connection state). */
  maxGrants: number;
  /** The core's check: throws when `principal` may not use `permission` on `resource`. */
  authorize(principal: Principal, permission: Permission, resource: string): void;
  /** The parent (gateway) of a device, for parent-scope tokens. */
  parentOf?(deviceId: string): string | undefined;
  /** A grant ran out; it is already removed from the table. */
  onExpired(grant: Grant): void;
  /** ms since the epoch. */
  now(): number;
}

/** setTimeout's limit (about 24.8 days); longer expiries are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The key a principal's grant is stored under. */
export function grantKey(principal: Principal): string {
  return principal.kind === 'device'
    ? identityKey(principal.moduleId === undefined ? { deviceId: principal.deviceId } : { deviceId: principal.deviceId, moduleId: principal.moduleId })
    : `policy:${principal.keyName}:${principal.scope}`;
}

export class GrantTable {
  private readonly identities = new Map<string, Grant>();
  /**
   * Policy grants: one per policy and scope. A gateway that signs each identity's token with a
   * policy key puts thousands (scope `/devices/{d}` each), so they are also indexed by scope:
   * finding the grant for a resource looks only at the scopes that are segment-prefixes of it.
   */
  private readonly policies = new Map<string, Grant>();
  private readonly policiesByScope = new Map<string, Map<string, Grant>>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly options: GrantTableOptions) {}

  /** Adds or renews the grant of `principal`. FH_AUTH_PERMISSION when the table is full. */
  put(principal: Principal): { grant: Grant; renewed: boolean } {
    const key = grantKey(principal);
    const map = principal.kind === 'device' ? this.identities : this.policies;
    const existing = map.get(key);
    if (existing === undefined && this.size() >= this.options.maxGrants) {
      throw new HubError('FH_AUTH_PERMISSION', `a connection holds at most ${this.options.maxGrants} tokens`);
    }
    const grant = existing ?? { key, principal };
    grant.principal = principal;
    map.set(key, grant);
    if (principal.kind === 'policy') {
      let byScope = this.policiesByScope.get(principal.scope);
      if (byScope === undefined) this.policiesByScope.set(principal.scope, byScope = new Map());
      byScope.set(key, grant);
    }
    this.arm(grant);
    return { grant, renewed: existing !== undefined };
  }

  get(key: string): Grant | undefined {
    return this.identities.get(key) ?? this.policies.get(key);
  }

  /**
   * A live grant that lets `ref` connect: its own token first, then its parent device's (parent
   * scope), else a policy token with DeviceConnect whose scope covers `/devices/{d}[/modules/{m}]`.
   */
  forIdentity(ref: IdentityRef): Grant | undefined {
    const own = this.identities.get(identityKey(ref));
    if (own !== undefined && this.allows(own, 'DeviceConnect', identityPath(ref))) return own;
    const parent = this.options.parentOf?.(ref.deviceId);
    const viaParent = parent === undefined ? undefined : this.identities.get(identityKey({ deviceId: parent }));
    if (viaParent !== undefined && this.allows(viaParent, 'DeviceConnect', identityPath(ref))) return viaParent;
    for (const grant of this.policiesCovering(identityPath(ref))) if (this.allows(grant, 'DeviceConnect', identityPath(ref))) return grant;
    return undefined;
  }

  /** A live policy grant with `permission` covering `resource` (service links). */
  forService(permission: Permission, resource: string): Grant | undefined {
    for (const grant of this.policiesCovering(resource)) if (this.allows(grant, permission, resource)) return grant;
    return undefined;
  }

  /** The policy grants whose scope is a segment-prefix of `resource` (the only ones that can cover it), broadest first. */
  private *policiesCovering(resource: string): Iterable<Grant> {
    const segs = resource.split('/').filter((s) => s !== '');
    for (let n = 0; n <= segs.length; n++) {
      const grants = this.policiesByScope.get(n === 0 ? '' : `/${segs.slice(0, n).join('/')}`);
      if (grants !== undefined) yield* grants.values();
    }
  }

  /** True while `grant` is still in the table (not expired or replaced). */
  isLive(grant: Grant): boolean {
    return this.get(grant.key) === grant;
  }

  size(): number {
    return this.identities.size + this.policies.size;
  }

  /** Drops every grant and timer (connection closed). */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.identities.clear();
    this.policies.clear();
    this.policiesByScope.clear();
  }

  private allows(grant: Grant, permission: Permission, resource: string): boolean {
    try {
      this.options.authorize(grant.principal, permission, resource);
      return true;
    } catch {
      return false;
    }
  }

  private arm(grant: Grant): void {
    const old = this.timers.get(grant.key);
    if (old !== undefined) clearTimeout(old);
    this.timers.delete(grant.key);
    const expiresAt = grant.principal.expiresAt;
    if (expiresAt === undefined) return;
    const delay = Math.max(0, expiresAt - this.options.now());
    const timer = setTimeout(() => {
      this.timers.delete(grant.key);
      if (delay > MAX_TIMER_MS) {
        this.arm(grant);
        return;
      }
      if (!this.isLive(grant)) return;
      this.identities.delete(grant.key);
      this.policies.delete(grant.key);
      if (grant.principal.kind === 'policy') {
        const byScope = this.policiesByScope.get(grant.principal.scope);
        byScope?.delete(grant.key);
        if (byScope?.size === 0) this.policiesByScope.delete(grant.principal.scope);
      }
      this.options.onExpired(grant);
    }, Math.min(delay, MAX_TIMER_MS));
    // A grant timer must not keep the process alive on its own.
    timer.unref();
    this.timers.set(grant.key, timer);
  }
}
