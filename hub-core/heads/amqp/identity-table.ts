/**
 * The device and module identities one connection carries, by identity key. An entry is made
 * at the identity's first link and removed when it ends; tokens are renewed or run out per
 * grant, which may cover one identity (its own token) or many (a DeviceConnect policy).
 */
import type { HubCoreApi } from '../../core/api.js';
import { identityKey } from '../../core/index.js';
import type { IdentityRef } from '../../core/types.js';
import { HubError } from '../../errors.js';
import type { Logger } from '../../log.js';
import { DeviceIdentity } from './device-identity.js';
import type { Grant, GrantTable } from './grants.js';

export class IdentityTable {
  private readonly entries = new Map<string, DeviceIdentity>();

  constructor(private readonly ctx: { core: HubCoreApi; log: Logger; grants: GrantTable }) {}

  get size(): number {
    return this.entries.size;
  }

  /** The identity's entry; the first link creates it and opens its core session with `grant`. */
  open(ref: IdentityRef, grant: Grant): DeviceIdentity {
    const key = identityKey(ref);
    const existing = this.entries.get(key);
    if (existing?.active === true) return existing;
    const identity = new DeviceIdentity(ref, key, grant, {
      core: this.ctx.core,
      log: this.ctx.log,
      onEnd: (i) => {
        if (this.entries.get(i.key) === i) this.entries.delete(i.key);
      },
    });
    this.entries.set(key, identity);
    identity.start();
    return identity;
  }

  /** A put-token renewed `grant`: the sessions it authorises get the new expiry. */
  renewed(grant: Grant): void {
    for (const identity of this.using(grant.key)) identity.renew(grant);
  }

  /** `grant` ran out: its identities move to another live token, or are detached. */
  expired(grant: Grant): void {
    for (const identity of this.using(grant.key)) {
      const other = this.ctx.grants.forIdentity(identity.ref);
      if (other !== undefined) identity.renew(other);
      else identity.fail(new HubError('FH_AUTH_EXPIRED', 'the token of this identity expired'));
    }
  }

  /** The connection is gone: every session ends. */
  closeAll(): void {
    for (const identity of [...this.entries.values()]) identity.connectionGone();
    this.entries.clear();
  }

  private using(key: string): DeviceIdentity[] {
    // An identity token's key is the identity key: one lookup. Policy grants are rare.
    if (!key.startsWith('policy:')) {
      const own = this.entries.get(key);
      return own !== undefined && own.grant.key === key ? [own] : [];
    }
    return [...this.entries.values()].filter((i) => i.grant.key === key);
  }
}
