/**
 * The hub's TLS material: created on first start in `DIR/certs`, reused afterwards, or taken from
 * files named in the config. The server certificate is re-issued when the names it must cover
 * changed, when it no longer chains to the CA, or when it expires within the renewal window.
 */
import { X509Certificate, createPrivateKey, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { HubError } from '../errors.js';
import type { Logger } from '../log.js';
import type { TlsMaterial } from '../heads/head.js';
import type { PemPair } from './issue.js';
import { issueInChild } from './issue-child.js';
import { readPemFile, splitPemCertificates, tightenKeyMode, writeFileAtomic } from './pem.js';
import { certificateThumbprints } from './thumbprint.js';

const DAY_MS = 86_400_000;

/** Options of {@link ensureHubCertificates}. Relative paths resolve against the working directory. */
export interface EnsureCertificatesOptions {
  /** The hub's data folder; generated material goes to `DIR/certs`. */
  dir: string;
  /** The hub's host name; the server certificate covers it, `localhost` and `127.0.0.1`. */
  hostName: string;
  /** More DNS names or IP literals the server certificate must cover. */
  extraNames?: readonly string[];
  /** A CA certificate (PEM) to issue the server certificate from, instead of the generated CA. */
  caCertFile?: string;
  /** The key of `caCertFile`; needed unless a server certificate is given too. */
  caKeyFile?: string;
  /** A server certificate (PEM, optionally followed by its chain) to use as it is. */
  serverCertFile?: string;
  /** The key of `serverCertFile`. */
  serverKeyFile?: string;
  logger: Logger;
  /** Warn (and re-issue a generated server certificate) this many days before expiry. Default 30. */
  renewBeforeDays?: number;
  /** Validity of a generated CA, days. Default 3650 (10 years). */
  caValidityDays?: number;
  /** Validity of a generated server certificate, days. Default 365. */
  serverValidityDays?: number;
  /** Milliseconds since the epoch; tests move it. Default Date.now(). */
  now?: number;
}

/** What {@link ensureHubCertificates} found or made. */
export interface HubCertificates {
  /** For the heads: server key, chain (server certificate then CA), CA. */
  tls: TlsMaterial;
  paths: {
    /** The file clients must trust. */
    caCert: string;
    /** The CA key, when the hub holds it. */
    caKey?: string;
    serverCert: string;
    serverKey: string;
  };
  expires: { ca: Date; server: Date };
  thumbprints: { ca: { sha1: string; sha256: string }; server: { sha1: string; sha256: string } };
  /** What this call created: a new CA means clients must trust the new `caCert`. */
  created: { ca: boolean; server: boolean };
  /** Human-readable warnings (also logged): certificates expiring within the renewal window. */
  warnings: string[];
}

/** The names a server certificate must cover, without duplicates (DNS names compare case-blind). */
export function serverNames(hostName: string, extraNames: readonly string[] = []): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const name of [hostName, 'localhost', '127.0.0.1', ...extraNames]) {
    const key = name.toLowerCase();
    if (name === '' || seen.has(key)) continue;
    seen.add(key);
    out.push(name);
  }
  return out;
}

function parseCert(pem: string, what: string, path: string): X509Certificate {
  try {
    return new X509Certificate(pem);
  } catch (err) {
    throw new HubError('FH_CERT_INVALID', `the ${what} ${path} is not a PEM certificate`, { cause: err });
  }
}

function assertKeyMatches(cert: X509Certificate, keyPem: string, what: string, path: string): void {
  let ok = false;
  try {
    ok = cert.checkPrivateKey(createPrivateKey(keyPem));
  } catch (err) {
    throw new HubError('FH_CERT_INVALID', `the ${what} ${path} is not a readable private key`, { cause: err });
  }
  if (!ok) throw new HubError('FH_CERT_INVALID', `the ${what} ${path} does not belong to its certificate`);
}

/** Why a stored server certificate cannot be reused, or undefined when it can. */
function reissueReason(certPem: string, keyPem: string, caCert: X509Certificate, names: string[], renewAt: number): string | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(certPem);
    if (!cert.checkPrivateKey(createPrivateKey(keyPem))) return 'its key does not match';
  } catch {
    return 'it cannot be read';
  }
  if (!cert.verify(caCert.publicKey)) return 'it was not issued by the current CA';
  const missing = names.filter((n) => (isIP(n) ? cert.checkIP(n) === undefined : cert.checkHost(n) === undefined));
  if (missing.length > 0) return `it does not cover ${missing.join(', ')}`;
  if (Date.parse(cert.validTo) <= renewAt) return `it expires on ${new Date(cert.validTo).toISOString()}`;
  return undefined;
}

/**
 * Returns the hub's TLS material, creating what is missing (see the module comment).
 * Errors: FH_CERT_INVALID naming the file (unreadable, not a certificate, key mismatch, a CA
 * certificate without its key).
 */
export async function ensureHubCertificates(options: EnsureCertificatesOptions): Promise<HubCertificates> {
  const now = options.now ?? Date.now();
  const renewAt = now + (options.renewBeforeDays ?? 30) * DAY_MS;
  const log = options.logger;
  const certsDir = resolve(options.dir, 'certs');
  mkdirSync(certsDir, { recursive: true });
  const names = serverNames(options.hostName, options.extraNames);
  const created = { ca: false, server: false };

  if ((options.serverCertFile === undefined) !== (options.serverKeyFile === undefined)) {
    throw new HubError('FH_CERT_INVALID', 'tls.serverCertFile and tls.serverKeyFile must be given together');
  }

  // 1. The CA: given, taken from the given server chain, or generated in DIR/certs.
  let caPath: string;
  let caKeyPath: string | undefined;
  let ca: { certPem: string; keyPem?: string };
  if (options.caCertFile !== undefined) {
    caPath = resolve(options.caCertFile);
    ca = { certPem: readPemFile(caPath, 'CA certificate (tls.caCertFile)') };
    if (options.caKeyFile !== undefined) {
      caKeyPath = resolve(options.caKeyFile);
      ca.keyPem = readPemFile(caKeyPath, 'CA key (tls.caKeyFile)');
    } else if (options.serverCertFile === undefined) {
      throw new HubError('FH_CERT_INVALID', 'tls.caCertFile needs tls.caKeyFile to issue the server certificate (or give tls.serverCertFile and tls.serverKeyFile)');
    }
  } else if (options.serverCertFile !== undefined) {
    // No CA given: the last certificate of the given chain is what clients must trust.
    caPath = resolve(options.serverCertFile);
    const chain = splitPemCertificates(readPemFile(caPath, 'server certificate (tls.serverCertFile)'));
    ca = { certPem: chain[chain.length - 1] ?? '' };
  } else {
    caPath = join(certsDir, 'ca.pem');
    caKeyPath = join(certsDir, 'ca.key');
    ca = await ensureGeneratedCa(caPath, caKeyPath, options, now, created, log);
  }
  const caCert = parseCert(ca.certPem, 'CA certificate', caPath);
  if (ca.keyPem !== undefined && caKeyPath !== undefined) assertKeyMatches(caCert, ca.keyPem, 'CA key', caKeyPath);

  // 2. The server certificate: given, or issued into DIR/certs and reused while it fits.
  let serverPath: string;
  let serverKeyPath: string;
  let server: { certPem: string; keyPem: string };
  /** What the heads present: the leaf, its intermediates, then the CA (once). */
  let chain: string[] | undefined;
  if (options.serverCertFile !== undefined && options.serverKeyFile !== undefined) {
    serverPath = resolve(options.serverCertFile);
    serverKeyPath = resolve(options.serverKeyFile);
    chain = splitPemCertificates(readPemFile(serverPath, 'server certificate (tls.serverCertFile)'));
    server = { certPem: chain[0] ?? '', keyPem: readPemFile(serverKeyPath, 'server key (tls.serverKeyFile)') };
    assertKeyMatches(parseCert(server.certPem, 'server certificate', serverPath), server.keyPem, 'server key', serverKeyPath);
  } else {
    serverPath = join(certsDir, 'server.pem');
    serverKeyPath = join(certsDir, 'server.key');
    const stored = existsSync(serverPath) && existsSync(serverKeyPath)
      ? { certPem: readPemFile(serverPath, 'server certificate'), keyPem: readPemFile(serverKeyPath, 'server key') }
      : undefined;
    const reason = stored ? reissueReason(stored.certPem, stored.keyPem, caCert, names, renewAt) : 'none exists yet';
    if (stored && reason === undefined) {
      if (tightenKeyMode(serverKeyPath)) log.warn({ event: 'keyModeTightened', path: serverKeyPath }, 'server key was readable by others; set to 0600');
      server = stored;
    } else {
      if (ca.keyPem === undefined) throw new HubError('FH_CERT_INVALID', `cannot issue a server certificate: no CA key (tls.caKeyFile)`);
      server = await issueInChild({
        fn: 'issueServerCertificate', options: { ca: ca as PemPair, names, validityDays: options.serverValidityDays ?? 365, now },
      });
      writeFileAtomic(serverKeyPath, server.keyPem, 0o600);
      writeFileAtomic(serverPath, server.certPem, 0o644);
      created.server = true;
      log.info({ event: 'serverCertIssued', path: serverPath, names, reason }, `issued a server certificate (${reason})`);
    }
  }
  const serverCert = parseCert(server.certPem, 'server certificate', serverPath);
  chain ??= [server.certPem];
  if (!chain.some((c) => c.trim() === ca.certPem.trim())) chain.push(ca.certPem);

  const warnings: string[] = [];
  for (const [what, cert, path] of [['CA certificate', caCert, caPath], ['server certificate', serverCert, serverPath]] as const) {
    const expiry = Date.parse(cert.validTo);
    if (expiry > renewAt) continue;
    const days = Math.floor((expiry - now) / DAY_MS);
    const text = expiry <= now
      ? `the ${what} ${path} expired on ${new Date(expiry).toISOString()}`
      : `the ${what} ${path} expires on ${new Date(expiry).toISOString()} (in ${days} days)`;
    warnings.push(text);
    log.warn({ event: 'certExpiring', path, notAfter: new Date(expiry).toISOString() }, text);
  }

  return {
    tls: { key: server.keyPem, cert: chain.join(''), ca: ca.certPem },
    paths: { caCert: caPath, ...(caKeyPath !== undefined ? { caKey: caKeyPath } : {}), serverCert: serverPath, serverKey: serverKeyPath },
    expires: { ca: new Date(caCert.validTo), server: new Date(serverCert.validTo) },
    thumbprints: { ca: certificateThumbprints(ca.certPem), server: certificateThumbprints(server.certPem) },
    created,
    warnings,
  };
}

/**
 * The generated CA in DIR/certs. ca.pem is written last, so a missing ca.pem means no client can
 * trust this CA yet and a new one is safe to create. A ca.pem without its key is an error: the
 * clients trust it, and replacing it silently would lock them out.
 */
async function ensureGeneratedCa(
  caPath: string, caKeyPath: string, options: EnsureCertificatesOptions, now: number,
  created: { ca: boolean }, log: Logger,
): Promise<{ certPem: string; keyPem: string }> {
  if (existsSync(caPath)) {
    if (!existsSync(caKeyPath)) {
      throw new HubError('FH_CERT_INVALID',
        `the CA key ${caKeyPath} is missing but ${caPath} exists: restore the key, or delete ${caPath} to create a new CA (clients must then trust the new one)`);
    }
    const certPem = readPemFile(caPath, 'CA certificate');
    const cert = parseCert(certPem, 'CA certificate', caPath);
    // An expired CA already fails every client; a new one at least lets re-provisioned clients in.
    if (Date.parse(cert.validTo) > now) {
      if (tightenKeyMode(caKeyPath)) log.warn({ event: 'keyModeTightened', path: caKeyPath }, 'CA key was readable by others; set to 0600');
      return { certPem, keyPem: readPemFile(caKeyPath, 'CA key') };
    }
    log.warn({ event: 'caExpired', path: caPath }, `the CA ${caPath} has expired; creating a new one: clients must trust the new ${caPath}`);
  }
  const ca = await issueInChild({
    fn: 'createCa', options: { commonName: `fieldhub CA ${randomBytes(4).toString('hex')}`, validityDays: options.caValidityDays ?? 3650, now },
  });
  writeFileAtomic(caKeyPath, ca.keyPem, 0o600);
  writeFileAtomic(caPath, ca.certPem, 0o644);
  created.ca = true;
  log.info({ event: 'caCreated', path: caPath }, `created the hub CA ${caPath}`);
  return ca;
}
