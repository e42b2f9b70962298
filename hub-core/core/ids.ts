/**
 * Identity ids: validation, the internal identity key and the resource path of an identity.
 * Ids never contain `/`, so `deviceId/moduleId` is an unambiguous key and sorts modules of one
 * device together in the store.
 */
import { HubError } from '../errors.js';
import type { IdentityRef } from './types.js';

/** IoT Hub's id alphabet: ASCII letters, digits and `-.+%_#*?!(),:=@$'`, up to 128 characters. */
const ID_PATTERN = /^[A-Za-z0-9\-.+%_#*?!(),:=@$']{1,128}$/;

/** Throws FH_REGISTRY_INVALID unless `id` is a valid device or module id. */
export function validateId(id: unknown, what: 'deviceId' | 'moduleId'): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new HubError('FH_REGISTRY_INVALID', `${what} must be 1-128 characters of [A-Za-z0-9-.+%_#*?!(),:=@$']`);
  }
  return id;
}

/** True when `id` is a syntactically valid id (no throw; used on lookups). */
export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The key of an identity in maps and store sublevels: `d` or `d/m`. */
export function identityKey(ref: IdentityRef): string {
  return ref.moduleId === undefined ? ref.deviceId : `${ref.deviceId}/${ref.moduleId}`;
}

/** Inverse of {@link identityKey}. */
export function parseIdentityKey(key: string): IdentityRef {
  const slash = key.indexOf('/');
  return slash < 0 ? { deviceId: key } : { deviceId: key.slice(0, slash), moduleId: key.slice(slash + 1) };
}

/** The resource path of an identity: `/devices/{d}` or `/devices/{d}/modules/{m}` (raw ids). */
export function identityPath(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `/devices/${ref.deviceId}` : `/devices/${ref.deviceId}/modules/${ref.moduleId}`;
}

/** Store key range of every module of `deviceId` (`d/` up to, not including, `d0`: '0' follows '/'). */
export function moduleRange(deviceId: string): { gte: string; lt: string } {
  return { gte: `${deviceId}/`, lt: `${deviceId}0` };
}

/** A human-readable identity for error messages (never includes credentials). */
export function describe(ref: IdentityRef): string {
  return ref.moduleId === undefined ? `device ${ref.deviceId}` : `module ${ref.deviceId}/${ref.moduleId}`;
}
