/**
 * Authentication and authorisation of one HTTPS request. The head only extracts the token and
 * names the permission and resource; the core decides (`verifySas`, `authorize`), so every head
 * applies the same rules (wire contract A).
 */
import type { IncomingMessage } from 'node:http';
import type { HubCoreApi } from '../../core/api.js';
import type { Principal } from '../../core/types.js';
import { HubError, isHubError } from '../../errors.js';
import type { AuthRule, RouteParams } from './route.js';

const SAS_PREFIX = 'sharedaccesssignature ';

/**
 * The principal behind the request's `Authorization` header. Only SAS tokens are accepted
 * (azure-iothub with a connection string, and devices over HTTP); `Bearer` (AAD) is not
 * supported by fieldhub. Errors: FH_AUTH_MISSING, and whatever `verifySas` throws.
 */
export async function authenticate(req: IncomingMessage, core: HubCoreApi): Promise<Principal> {
  const header = req.headers.authorization;
  if (header === undefined || header.trim() === '') {
    throw new HubError('FH_AUTH_MISSING', 'the Authorization header is missing');
  }
  const token = header.trim();
  if (!token.toLowerCase().startsWith(SAS_PREFIX)) {
    throw new HubError('FH_AUTH_MALFORMED', 'the Authorization header must hold a SharedAccessSignature token');
  }
  return core.auth.verifySas(token);
}

/**
 * An id as one segment of a resource path. IoT Hub ids never contain `/`, but a decoded path
 * parameter can (`a%2Fmodules%2Fm`); such a value is kept encoded so it cannot pose as extra
 * segments (`/devices/a/modules/m`) in the core's scope and ownership checks.
 */
export function idSegment(value: string): string {
  return value.includes('/') ? encodeURIComponent(value) : value;
}

/** The resource a rule names for these params, defaulting to the decoded request path. */
export function resourceOf(rule: AuthRule, params: RouteParams, decodedPath: string): string {
  return rule.resource ? rule.resource(params) : decodedPath;
}

/**
 * Passes when the principal holds any permission of the rule on the resource. When none does,
 * the first refusal is rethrown (FH_AUTH_PERMISSION or FH_AUTH_SCOPE → 401).
 */
export function authorize(core: HubCoreApi, principal: Principal, rule: AuthRule, resource: string): void {
  let first: unknown;
  for (const permission of rule.anyOf) {
    try {
      core.auth.authorize(principal, permission, resource);
      return;
    } catch (err) {
      if (!isHubError(err)) throw err;
      first ??= err;
    }
  }
  throw first ?? new HubError('FH_AUTH_PERMISSION', `no permission grants access to ${resource}`);
}
