/**
 * Normalises the `authentication` block of a device or module: fills defaults, generates missing
 * SAS keys, validates keys and thumbprints. The result always has both `symmetricKey` and
 * `x509Thumbprint`, as IoT Hub returns them (nulls for the unused method).
 */
import { HubError } from '../errors.js';
import { generateSasKey } from './sas.js';
import type { Authentication, AuthType } from './types.js';

const AUTH_TYPES: readonly AuthType[] = ['sas', 'selfSigned', 'certificateAuthority', 'none'];

/** Normalises a thumbprint: drops `:` and spaces, uppercases. Accepts SHA-1 (40) or SHA-256 (64) hex. */
export function normalizeThumbprint(value: string): string {
  return value.replace(/[:\s]/g, '').toUpperCase();
}

function checkThumbprint(value: unknown, which: string): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string') throw new HubError('FH_REGISTRY_INVALID', `${which} must be a string`);
  const normal = normalizeThumbprint(value);
  if (!/^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(normal)) {
    throw new HubError('FH_REGISTRY_INVALID', `${which} must be a SHA-1 or SHA-256 hex thumbprint`);
  }
  return normal;
}

/** IoT Hub accepts base64 keys of 16 to 64 bytes. */
function checkKey(value: unknown, which: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(value) || value.length % 4 !== 0) {
    throw new HubError('FH_REGISTRY_INVALID', `${which} must be base64`);
  }
  const bytes = Buffer.from(value, 'base64').length;
  if (bytes < 16 || bytes > 64) throw new HubError('FH_REGISTRY_INVALID', `${which} must decode to 16-64 bytes`);
  return value;
}

/**
 * The stored authentication for `input`. `previous` is the identity's current block on update:
 * SAS keys left empty keep their previous value (when it was SAS too) instead of being regenerated,
 * because service clients resend the whole device and may blank keys they did not read.
 * Throws FH_REGISTRY_INVALID.
 */
export function normalizeAuthentication(input: Partial<Authentication> | undefined, previous?: Authentication): Authentication {
  if (input === undefined && previous !== undefined) return structuredClone(previous);
  const type = input?.type ?? 'sas';
  if (!AUTH_TYPES.includes(type)) throw new HubError('FH_REGISTRY_INVALID', `unknown authentication type ${String(type)}`);
  const none = { symmetricKey: { primaryKey: null, secondaryKey: null }, x509Thumbprint: { primaryThumbprint: null, secondaryThumbprint: null } };
  switch (type) {
    case 'sas': {
      const keep = previous?.type === 'sas' ? previous.symmetricKey : undefined;
      const primaryKey = checkKey(input?.symmetricKey?.primaryKey, 'primaryKey') ?? keep?.primaryKey ?? generateSasKey();
      const secondaryKey = checkKey(input?.symmetricKey?.secondaryKey, 'secondaryKey') ?? keep?.secondaryKey ?? generateSasKey();
      return { type, symmetricKey: { primaryKey, secondaryKey }, x509Thumbprint: none.x509Thumbprint };
    }
    case 'selfSigned': {
      const primaryThumbprint = checkThumbprint(input?.x509Thumbprint?.primaryThumbprint, 'primaryThumbprint');
      const secondaryThumbprint = checkThumbprint(input?.x509Thumbprint?.secondaryThumbprint, 'secondaryThumbprint');
      if (primaryThumbprint === null && secondaryThumbprint === null) {
        throw new HubError('FH_REGISTRY_INVALID', 'selfSigned authentication needs a thumbprint');
      }
      return { type, symmetricKey: none.symmetricKey, x509Thumbprint: { primaryThumbprint, secondaryThumbprint } };
    }
    default:
      return { type, ...none };
  }
}
