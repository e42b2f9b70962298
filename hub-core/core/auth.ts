/**
 * Authentication and authorisation: SAS tokens (device, module and hub policy keys), X.509
 * thumbprints, and the rights/scope check every head runs before acting (wire contract A).
 * Identity lookups hit the registry's in-memory cache only: no store read per connect.
 */
import { HubError } from '../errors.js';
import { decodeJson, encodeJson, type Store } from '../store/store.js';
import type { AuthService, Clock } from './api.js';
import { normalizeThumbprint } from './identity-auth.js';
import type { Registry } from './registry.js';
import { generateSasKey, parseResourceUri, parseSasToken, scopeCovers, verifySasSignature, type ParsedSas } from './sas.js';
import type { AccessPolicy, IdentityRef, Permission, Principal } from './types.js';
import type { WriteFn } from './write.js';

/** The built-in policies IoT Hub creates, with their rights [SAS-A step 3]. */
export const BUILT_IN_POLICIES: ReadonlyArray<{ keyName: string; rights: Permission[] }> = [
  { keyName: 'iothubowner', rights: ['RegistryRead', 'RegistryWrite', 'ServiceConnect', 'DeviceConnect'] },
  { keyName: 'service', rights: ['ServiceConnect'] },
  { keyName: 'device', rights: ['DeviceConnect'] },
  { keyName: 'registryRead', rights: ['RegistryRead'] },
  { keyName: 'registryReadWrite', rights: ['RegistryRead', 'RegistryWrite'] },
];

const POLICIES_KEY = 'policies';

export interface AuthDeps {
  /** Where the policies live (key `policies`). */
  meta: Store;
  write: WriteFn;
  registry: Registry;
  clock: Clock;
  hostName: string;
}

/** Implements {@link AuthService}. Principal `expiresAt` is in ms since the epoch. */
export class Auth implements AuthService {
  private readonly byName: Map<string, AccessPolicy>;
  private readonly host: string;

  private constructor(private readonly deps: AuthDeps, policies: AccessPolicy[]) {
    this.byName = new Map(policies.map((p) => [p.keyName, p]));
    this.host = deps.hostName.toLowerCase();
  }

  /** Loads the policies, creating the built-in ones (with fresh keys) on first start. */
  static async load(deps: AuthDeps): Promise<Auth> {
    const stored = await deps.meta.get(POLICIES_KEY);
    let policies: AccessPolicy[];
    if (stored !== undefined) {
      policies = decodeJson<AccessPolicy[]>(stored);
    } else {
      policies = BUILT_IN_POLICIES.map((p) => ({
        keyName: p.keyName, primaryKey: generateSasKey(), secondaryKey: generateSasKey(), rights: [...p.rights],
      }));
      await deps.write([{ type: 'put', key: POLICIES_KEY, value: encodeJson(policies), sublevel: deps.meta }]);
    }
    return new Auth(deps, policies);
  }

  policies(): AccessPolicy[] {
    return [...this.byName.values()].map((p) => ({ ...p, rights: [...p.rights] }));
  }

  /** One policy by name (case-sensitive), or undefined. */
  policy(keyName: string): AccessPolicy | undefined {
    const p = this.byName.get(keyName);
    return p && { ...p, rights: [...p.rights] };
  }

  async verifySas(token: string): Promise<Principal> {
    const parsed = parseSasToken(token);
    const expiresAt = parsed.se * 1000;
    if (expiresAt <= this.deps.clock.now()) throw new HubError('FH_AUTH_EXPIRED', 'the SAS token has expired');
    const uri = parseResourceUri(parsed.srDecoded);
    // [SAS-A step 5] the host is case-insensitive; parseResourceUri lowercases it.
    if (uri.host !== this.host) throw new HubError('FH_AUTH_SCOPE', 'the SAS token is for another hub');
    if (parsed.skn !== undefined) {
      const policy = this.byName.get(parsed.skn);
      if (policy === undefined) throw new HubError('FH_AUTH_UNKNOWN_IDENTITY', `unknown policy ${parsed.skn}`);
      checkSignature(parsed, [policy.primaryKey, policy.secondaryKey]);
      return { kind: 'policy', keyName: policy.keyName, rights: [...policy.rights], scope: uri.path, expiresAt };
    }
    if (uri.deviceId === undefined) {
      // A key-less (no skn) token must name exactly one device or module.
      throw new HubError('FH_AUTH_SCOPE', 'a device token must be for /devices/{d} or /devices/{d}/modules/{m}');
    }
    const ref: IdentityRef = uri.moduleId === undefined ? { deviceId: uri.deviceId } : { deviceId: uri.deviceId, moduleId: uri.moduleId };
    const info = this.deps.registry.identity(ref);
    if (info === undefined) throw new HubError('FH_AUTH_UNKNOWN_IDENTITY', 'unknown device or module');
    if (info.authentication.type !== 'sas') throw new HubError('FH_AUTH_WRONG_METHOD', 'the identity does not use SAS keys');
    const keys = info.authentication.symmetricKey;
    // The signature is checked before the status so a stranger cannot probe which ids are disabled.
    checkSignature(parsed, [keys?.primaryKey, keys?.secondaryKey]);
    if (!info.enabled) throw new HubError('FH_AUTH_DISABLED', 'the identity is disabled');
    return { kind: 'device', ...ref, authType: 'sas', expiresAt };
  }

  /**
   * selfSigned identities: the certificate's SHA-1 or SHA-256 thumbprint must equal the primary or
   * secondary thumbprint (case-insensitive, `:` ignored). certificateAuthority identities are
   * accepted as they are: the head has already verified the chain to the hub CA and that the
   * subject CN is the device id (the core never sees certificates).
   */
  async verifyX509(
    ref: IdentityRef,
    thumbprints: { sha1: string; sha256: string },
    certificate?: { chainVerified: boolean; subjectCn?: string },
  ): Promise<Principal> {
    const info = this.deps.registry.identity(ref);
    if (info === undefined) throw new HubError('FH_AUTH_UNKNOWN_IDENTITY', 'unknown device or module');
    const auth = info.authentication;
    if (auth.type === 'selfSigned') {
      const offered = [thumbprints.sha1, thumbprints.sha256].filter((t) => typeof t === 'string' && t !== '').map(normalizeThumbprint);
      const known = [auth.x509Thumbprint?.primaryThumbprint, auth.x509Thumbprint?.secondaryThumbprint]
        .filter((t): t is string => typeof t === 'string' && t !== '').map(normalizeThumbprint);
      if (!offered.some((t) => known.includes(t))) throw new HubError('FH_AUTH_BAD_SIGNATURE', 'the certificate thumbprint does not match');
    } else if (auth.type === 'certificateAuthority') {
      // The thumbprint says nothing here: only a chain to the hub CA and the subject name do.
      // Refusing without that information keeps a head that forgot the check from letting any
      // self-signed certificate in.
      if (certificate?.chainVerified !== true) throw new HubError('FH_AUTH_BAD_SIGNATURE', 'the client certificate is not signed by the hub CA');
      if (ref.moduleId === undefined && certificate.subjectCn !== ref.deviceId) {
        throw new HubError('FH_AUTH_BAD_SIGNATURE', 'the client certificate subject CN is not the device id');
      }
    } else {
      throw new HubError('FH_AUTH_WRONG_METHOD', 'the identity does not use X.509 certificates');
    }
    if (!info.enabled) throw new HubError('FH_AUTH_DISABLED', 'the identity is disabled');
    return { kind: 'device', ...ref, authType: auth.type };
  }

  authorize(principal: Principal, permission: Permission, resource: string): void {
    if (principal.expiresAt !== undefined && principal.expiresAt <= this.deps.clock.now()) {
      throw new HubError('FH_AUTH_EXPIRED', 'the credentials have expired');
    }
    if (principal.kind === 'policy') {
      if (!principal.rights.includes(permission)) throw new HubError('FH_AUTH_PERMISSION', `policy ${principal.keyName} lacks ${permission}`);
      if (!scopeCovers(principal.scope, resource)) throw new HubError('FH_AUTH_SCOPE', 'the token does not cover the resource');
      return;
    }
    if (permission !== 'DeviceConnect') throw new HubError('FH_AUTH_PERMISSION', `devices have only DeviceConnect, not ${permission}`);
    if (deviceCovers(principal, resource) || this.parentCovers(principal, resource)) return;
    throw new HubError('FH_AUTH_SCOPE', 'a device may act only on its own identity (or, as a gateway, on its modules and child devices)');
  }

  /**
   * Parent scope (IoT Edge's gateway pattern): a device's own token also covers the devices whose
   * parent it is (`parentId`) and their modules. As in IoT Hub it does not cover its own modules
   * (they have their own keys), and a module token covers nothing more.
   */
  private parentCovers(principal: { deviceId: string; moduleId?: string }, resource: string): boolean {
    if (principal.moduleId !== undefined) return false;
    const segs = resource.split('/').filter((s) => s !== '');
    if (segs[0]?.toLowerCase() !== 'devices' || segs[1] === undefined || segs[1] === principal.deviceId) return false;
    return this.deps.registry.parentOf(segs[1]) === principal.deviceId;
  }
}

/** [SAS-A step 4] tries each key in turn; verifySasSignature retries a lowercased sr itself. */
function checkSignature(parsed: ParsedSas, keys: Array<string | null | undefined>): void {
  for (const key of keys) if (key && verifySasSignature(parsed, key)) return;
  throw new HubError('FH_AUTH_BAD_SIGNATURE', 'the SAS signature does not match');
}

/**
 * A device principal covers `/devices/{d}` and paths below it except `/devices/{d}/modules/…`
 * (a device key does not authorise its modules); a module principal covers
 * `/devices/{d}/modules/{m}` and below. Ids compare case-sensitively.
 */
function deviceCovers(principal: { deviceId: string; moduleId?: string }, resource: string): boolean {
  const segs = resource.split('/').filter((s) => s !== '');
  if (segs[0]?.toLowerCase() !== 'devices' || segs[1] !== principal.deviceId) return false;
  const isModulePath = segs[2]?.toLowerCase() === 'modules';
  if (principal.moduleId === undefined) return !isModulePath;
  return isModulePath && segs[3] === principal.moduleId;
}
