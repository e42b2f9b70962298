/**
 * PEM helpers and the file rules for TLS material: private keys are written with mode 0600
 * (architecture: secrets files are 0600), certificates 0644 so clients on the machine can read
 * the CA. Writes go to a temporary file renamed into place, so a crash never leaves half a PEM.
 */
import { chmodSync, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { HubError } from '../errors.js';

const CERT_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate block of a PEM text, in order, each ending with a newline. */
export function splitPemCertificates(pem: string): string[] {
  return (pem.match(CERT_BLOCK) ?? []).map((block) => `${block}\n`);
}

/** The DER bytes of the first PEM block (any label). */
export function pemToDer(pem: string): Uint8Array {
  const m = /-----BEGIN [^-]+-----([\s\S]+?)-----END [^-]+-----/.exec(pem);
  if (!m?.[1]) throw new TypeError('pemToDer: no PEM block found');
  return new Uint8Array(Buffer.from(m[1].replace(/\s+/g, ''), 'base64'));
}

/** PEM text for DER bytes under `label` (e.g. `CERTIFICATE`, `PRIVATE KEY`), 64-column lines. */
export function derToPem(der: ArrayBuffer | Uint8Array, label: string): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString('base64');
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** Reads a PEM file; FH_CERT_INVALID naming the file (and what it is for) when unreadable. */
export function readPemFile(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new HubError('FH_CERT_INVALID', `cannot read the ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** Writes a file atomically with `mode` (0o600 for keys, 0o644 for certificates). */
export function writeFileAtomic(path: string, text: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, text, { mode });
  // writeFileSync's mode only applies when creating; chmod covers a leftover temporary file.
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

/**
 * Tightens a key file we own to 0600 when group or others may read it (a copy or an unpacked
 * backup often loosens modes). Returns true when it changed the mode.
 */
export function tightenKeyMode(path: string): boolean {
  if (!existsSync(path)) return false;
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) === 0) return false;
  chmodSync(path, 0o600);
  return true;
}
