/**
 * Certificate thumbprints as IoT Hub shows them: the SHA-1 or SHA-256 hash of the DER encoding,
 * uppercase hex without separators. X.509 self-signed device identities are registered by these.
 */
import { createHash } from 'node:crypto';
import { pemToDer } from './pem.js';

/** Hash algorithms IoT Hub accepts for thumbprints. */
export type ThumbprintAlgorithm = 'sha1' | 'sha256';

/**
 * The thumbprint of a certificate.
 * @param cert PEM text (the first certificate is used) or DER bytes.
 * @returns 40 (SHA-1) or 64 (SHA-256) uppercase hex characters.
 */
export function certificateThumbprint(cert: string | Uint8Array, algorithm: ThumbprintAlgorithm = 'sha256'): string {
  const der = typeof cert === 'string' ? pemToDer(cert) : cert;
  return createHash(algorithm).update(der).digest('hex').toUpperCase();
}

/** Both thumbprints of a certificate (PEM or DER). */
export function certificateThumbprints(cert: string | Uint8Array): { sha1: string; sha256: string } {
  return { sha1: certificateThumbprint(cert, 'sha1'), sha256: certificateThumbprint(cert, 'sha256') };
}

/**
 * Normalises a thumbprint typed by a person or another tool (`ab:cd:…`, lowercase, spaces) to the
 * uppercase hex form; returns undefined when it is not 40 or 64 hex digits.
 */
export function normalizeThumbprint(text: string): string | undefined {
  const hex = text.replace(/[\s:]/g, '').toUpperCase();
  return /^(?:[0-9A-F]{40}|[0-9A-F]{64})$/.test(hex) ? hex : undefined;
}
