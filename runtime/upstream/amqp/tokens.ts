/**
 * SAS tokens for the identities the link mirrors (wire contract A, C "CBS"): one token per
 * identity, audience `{hostName}/devices/{d}[/modules/{m}]`, signed either with a hub policy key
 * (with `skn`) or with the identity's own key (without); or, in parent scope, the gateway device's
 * own token for each of its child identities. The put-token `name` is the identity's encoded
 * resource, as the device SDK sends it.
 */
import { encodeUriComponentStrict, signSas } from '../../../hub-core/core/sas.js';
import type { IdentityRef } from '../../../hub-core/core/types.js';
import { RuntimeError } from '../../errors.js';
import type { AmqpCredentials } from './options.js';

/** The resource URI (not encoded) an identity's token is for. */
export function identityResource(hostName: string, ref: IdentityRef): string {
  const device = `${hostName}/devices/${ref.deviceId}`;
  return ref.moduleId === undefined ? device : `${device}/modules/${ref.moduleId}`;
}

/** A token ready for put-token: the token text, its audience (encoded sr) and its expiry (ms). */
export interface IdentityToken {
  token: string;
  audience: string;
  expiresAtMs: number;
}

/**
 * Builds the identity's token, valid `ttlS` seconds from `nowMs`. A failing `keyFor` becomes
 * FH_UPSTREAM_AUTH (retryable: the identity is tried again later); the key never appears in
 * the message.
 */
export async function identityToken(
  credentials: AmqpCredentials, hostName: string, ref: IdentityRef, ttlS: number, nowMs: number = Date.now(),
): Promise<IdentityToken> {
  const resource = identityResource(hostName, ref);
  const expiry = Math.floor(nowMs / 1000) + Math.max(1, Math.round(ttlS));
  let key: string;
  let keyName: string | undefined;
  // What the token is signed for: the identity itself, or (parent scope) the gateway device.
  let signedFor = resource;
  const keyFor = credentials.kind === 'policy' ? undefined
    : credentials.kind === 'deviceKeys' ? credentials.keyFor
      : ref.deviceId === credentials.deviceId && ref.moduleId !== undefined ? credentials.keyFor : undefined;
  if (credentials.kind === 'policy') {
    key = credentials.key;
    keyName = credentials.keyName;
  } else if (keyFor === undefined) {
    if (credentials.kind !== 'parent') throw new RuntimeError('FH_UPSTREAM_AUTH', `no key for ${resource}`, { retryable: true });
    if (ref.deviceId === credentials.deviceId && ref.moduleId !== undefined) {
      throw new RuntimeError('FH_UPSTREAM_AUTH', `no key for ${resource}: a gateway token does not cover its own modules`, { retryable: true });
    }
    key = credentials.key;
    signedFor = identityResource(hostName, { deviceId: credentials.deviceId });
  } else {
    try {
      key = await keyFor(ref);
    } catch (err) {
      throw new RuntimeError('FH_UPSTREAM_AUTH', `no key for ${resource}: ${(err as Error).message}`, { cause: err, retryable: true });
    }
  }
  if (typeof key !== 'string' || key === '') throw new RuntimeError('FH_UPSTREAM_AUTH', `no key for ${resource}`, { retryable: true });
  return { token: signSas(signedFor, key, expiry, keyName), audience: encodeUriComponentStrict(resource), expiresAtMs: expiry * 1000 };
}
