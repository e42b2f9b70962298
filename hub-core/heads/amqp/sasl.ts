/**
 * SASL for the AMQP head (wire contract C "Connection"): none at all (the Node SDK sends the
 * raw AMQP header and authenticates through CBS), ANONYMOUS followed by CBS (the C SDK), or
 * PLAIN with user `{d}@sas.{hub}`, `{d}/modules/{m}@sas.{hub}` or `{policy}@sas.root.{hub}` and
 * a SAS token as password. A PLAIN connection starts with that one identity's grant.
 *
 * rhea's own PLAIN mechanism hands the callback the credentials but not the connection, so the
 * head builds these mechanism objects per connection (see amqp-head.ts) and keeps the principal.
 */
import type { HubCoreApi } from '../../core/api.js';
import type { IdentityRef, Principal } from '../../core/types.js';
import { HubError } from '../../errors.js';

/** Who a PLAIN user name claims to be. */
export type PlainUser = { kind: 'device'; ref: IdentityRef } | { kind: 'policy'; keyName: string };

/**
 * Parses a PLAIN user name. `{hub}` is the hub's host name or its first label (IoT Hub uses the
 * hub name, `myhub` of `myhub.azure-devices.net`), case-insensitive. Undefined when malformed.
 */
export function parsePlainUser(user: string, hostName: string): PlainUser | undefined {
  const at = user.lastIndexOf('@');
  if (at <= 0) return undefined;
  const who = user.slice(0, at);
  const realm = user.slice(at + 1).toLowerCase();
  const host = hostName.toLowerCase();
  const hubs = [host, host.split('.')[0] ?? host];
  if (hubs.some((h) => realm === `sas.root.${h}`)) return { kind: 'policy', keyName: who };
  if (!hubs.some((h) => realm === `sas.${h}`)) return undefined;
  const segs = who.split('/');
  if (segs.length === 1 && segs[0] !== '') return { kind: 'device', ref: { deviceId: who } };
  if (segs.length === 3 && segs[0] !== '' && segs[1]?.toLowerCase() === 'modules' && segs[2] !== '') {
    return { kind: 'device', ref: { deviceId: segs[0] ?? '', moduleId: segs[2] ?? '' } };
  }
  return undefined;
}

/** True when the verified token's principal is the identity the user name claims. */
export function principalMatches(claim: PlainUser, principal: Principal): boolean {
  if (claim.kind === 'policy') return principal.kind === 'policy' && principal.keyName === claim.keyName;
  return principal.kind === 'device' && principal.deviceId === claim.ref.deviceId && principal.moduleId === claim.ref.moduleId;
}

/**
 * Verifies PLAIN credentials: the token must be valid and be the identity (or policy) the user
 * name claims. Resolves to the token's principal; throws a HubError otherwise.
 */
export async function verifyPlain(core: Pick<HubCoreApi, 'hostName' | 'auth'>, user: string, password: string): Promise<Principal> {
  const claim = parsePlainUser(user, core.hostName);
  if (claim === undefined) throw new HubError('FH_AUTH_MALFORMED', 'PLAIN user must be {id}@sas.{hub} or {policy}@sas.root.{hub}');
  const principal = await core.auth.verifySas(password);
  if (!principalMatches(claim, principal)) throw new HubError('FH_AUTH_SCOPE', 'the token is not for the PLAIN user');
  return principal;
}

/** Splits a PLAIN initial response `[authzid] NUL authcid NUL passwd` [RFC 4616]. */
export function splitPlainResponse(response: unknown): { user: string; password: string } | undefined {
  if (!(response instanceof Uint8Array)) return undefined;
  const text = Buffer.from(response).toString('utf8');
  const parts = text.split('\u0000');
  if (parts.length !== 3 || parts[1] === undefined || parts[2] === undefined || parts[1] === '') return undefined;
  return { user: parts[1], password: parts[2] };
}

/** The shape rhea's SASL server drives: `start` sets `outcome` (and `username` on success). */
interface ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  start(response: unknown, hostname?: string): Promise<void> | void;
}

class PlainMechanism implements ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  constructor(private readonly check: (user: string, password: string) => Promise<boolean>) {}

  async start(response: unknown): Promise<void> {
    const creds = splitPlainResponse(response);
    // rhea sends a challenge while outcome is undefined, so every path sets it.
    this.outcome = creds === undefined ? false : await this.check(creds.user, creds.password).catch(() => false);
    if (this.outcome && creds !== undefined) this.username = creds.user;
  }
}

class AnonymousMechanism implements ServerMechanism {
  outcome: boolean | undefined;
  username: string | undefined;
  start(): void {
    this.outcome = true;
    this.username = 'anonymous';
  }
}

/**
 * The mechanism table for one connection, in rhea's format (name → factory). `checkPlain`
 * verifies a user name and token and records the grant; it resolves false to refuse.
 */
export function connectionMechanisms(checkPlain: (user: string, password: string) => Promise<boolean>): Record<string, () => ServerMechanism> {
  return {
    // ANONYMOUS in the table also makes rhea accept connections without any SASL layer.
    ANONYMOUS: () => new AnonymousMechanism(),
    PLAIN: () => new PlainMechanism(checkPlain),
  };
}
