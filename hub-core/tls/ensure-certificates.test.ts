import { X509Certificate } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { isHubError } from '../errors.js';
import { ensureHubCertificates } from './ensure-certificates.js';
import { TEST_CA_CERT, TEST_CA_KEY, ensureTestCa } from '../../test/helpers/test-ca.js';
import { issueServerCert } from '../../test/helpers/server-cert.js';

const DAY = 86_400_000;
const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'fh-tls-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const mode = (path: string): number => statSync(path).mode & 0o777;

describe('ensureHubCertificates', () => {
  it('creates a CA and a server certificate with 0600 keys on first start', async () => {
    const dir = tempDir();
    const certs = await ensureHubCertificates({ dir, hostName: 'gw.example.test', logger: silentLogger() });
    expect(certs.created).toEqual({ ca: true, server: true });
    expect(certs.paths.caCert).toBe(join(dir, 'certs', 'ca.pem'));
    expect(mode(join(dir, 'certs', 'ca.key'))).toBe(0o600);
    expect(mode(join(dir, 'certs', 'server.key'))).toBe(0o600);
    expect(mode(join(dir, 'certs', 'ca.pem')) & 0o044).toBe(0o044);

    const ca = new X509Certificate(readFileSync(join(dir, 'certs', 'ca.pem')));
    const server = new X509Certificate(readFileSync(join(dir, 'certs', 'server.pem')));
    expect(ca.ca).toBe(true);
    expect(server.ca).toBe(false);
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('gw.example.test')).toBe('gw.example.test');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(server.checkHost('other.example.test')).toBeUndefined();
    // About a year for the server, about ten for the CA.
    expect(Date.parse(server.validTo) - Date.now()).toBeGreaterThan(360 * DAY);
    expect(Date.parse(ca.validTo) - Date.now()).toBeGreaterThan(3600 * DAY);
    expect(certs.tls.cert.startsWith(server.toString().trim())).toBe(true);
    expect(certs.tls.ca).toBe(readFileSync(join(dir, 'certs', 'ca.pem'), 'utf8'));
    expect(certs.thumbprints.ca.sha256).toBe(ca.fingerprint256.replace(/:/g, ''));
    expect(certs.warnings).toEqual([]);
  });

  it('uses an IP SAN when the host name is an IP literal', async () => {
    const certs = await ensureHubCertificates({ dir: tempDir(), hostName: '127.31.7.9', extraNames: ['hub.lan'], logger: silentLogger() });
    const server = new X509Certificate(readFileSync(certs.paths.serverCert));
    expect(server.subjectAltName).toContain('IP Address:127.31.7.9');
    expect(server.checkIP('127.31.7.9')).toBe('127.31.7.9');
    expect(server.checkHost('hub.lan')).toBe('hub.lan');
  });

  it('reuses the certificates on a later start', async () => {
    const dir = tempDir();
    const first = await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    const second = await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    expect(second.created).toEqual({ ca: false, server: false });
    expect(second.thumbprints).toEqual(first.thumbprints);
    expect(second.tls.key).toBe(first.tls.key);
  });

  it('re-issues the server certificate (same CA) when the host name changes', async () => {
    const dir = tempDir();
    const first = await ensureHubCertificates({ dir, hostName: 'old.lan', logger: silentLogger() });
    const second = await ensureHubCertificates({ dir, hostName: 'new.lan', logger: silentLogger() });
    expect(second.created).toEqual({ ca: false, server: true });
    expect(second.thumbprints.ca).toEqual(first.thumbprints.ca);
    const server = new X509Certificate(readFileSync(second.paths.serverCert));
    expect(server.checkHost('new.lan')).toBe('new.lan');
    expect(server.checkHost('old.lan')).toBeUndefined();
  });

  it('re-issues a server certificate that expires within 30 days, and warns until then', async () => {
    const dir = tempDir();
    await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    // 340 days later the 365-day certificate has 25 days left.
    const later = await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger(), now: Date.now() + 340 * DAY });
    expect(later.created.server).toBe(true);
    expect(later.expires.server.getTime()).toBeGreaterThan(Date.now() + 700 * DAY);
    expect(later.warnings).toEqual([]);
  });

  it('warns about a CA that expires within 30 days', async () => {
    const dir = tempDir();
    const certs = await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger(), caValidityDays: 20 });
    expect(certs.warnings).toHaveLength(2); // the CA, and the server certificate capped at the CA's expiry
    expect(certs.warnings[0]).toMatch(/CA certificate .*ca\.pem expires on .* \(in 19 days\)/);
    expect(certs.expires.server.getTime()).toBeLessThanOrEqual(certs.expires.ca.getTime());
  });

  it('issues the server certificate from a given CA', async () => {
    ensureTestCa();
    const dir = tempDir();
    const certs = await ensureHubCertificates({
      dir, hostName: '127.0.0.1', caCertFile: TEST_CA_CERT, caKeyFile: TEST_CA_KEY, logger: silentLogger(),
    });
    expect(certs.created).toEqual({ ca: false, server: true });
    expect(certs.paths.caCert).toBe(TEST_CA_CERT);
    const ca = new X509Certificate(readFileSync(TEST_CA_CERT));
    expect(new X509Certificate(readFileSync(certs.paths.serverCert)).verify(ca.publicKey)).toBe(true);
    // Switching back to the generated CA re-issues from it.
    const own = await ensureHubCertificates({ dir, hostName: '127.0.0.1', logger: silentLogger() });
    expect(own.created).toEqual({ ca: true, server: true });
  });

  it('refuses a CA certificate whose key is missing, naming the file', async () => {
    const dir = tempDir();
    await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    unlinkSync(join(dir, 'certs', 'ca.key'));
    const err = await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() }).catch((e: unknown) => e);
    expect(isHubError(err, 'FH_CERT_INVALID')).toBe(true);
    expect((err as Error).message).toContain('ca.key');
  });

  it('tightens a key file that others may read', async () => {
    const dir = tempDir();
    await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    chmodSync(join(dir, 'certs', 'server.key'), 0o644);
    await ensureHubCertificates({ dir, hostName: 'hub.lan', logger: silentLogger() });
    expect(mode(join(dir, 'certs', 'server.key'))).toBe(0o600);
  });

  it('serves a TLS handshake that a client trusting only ca.pem accepts', async () => {
    const certs = await ensureHubCertificates({ dir: tempDir(), hostName: 'hub.lan', logger: silentLogger() });
    const server: Server = createServer({ key: certs.tls.key, cert: certs.tls.cert }, (s) => s.end('hello'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const greet = (servername?: string): Promise<string> => new Promise((resolve, reject) => {
        const sock = connect({ host: '127.0.0.1', port, ca: readFileSync(certs.paths.caCert), ...(servername ? { servername } : {}) });
        let data = '';
        sock.on('data', (d: Buffer) => { data += d.toString(); });
        sock.on('end', () => resolve(data));
        sock.on('error', reject);
      });
      expect(await greet('hub.lan')).toBe('hello');
      expect(await greet('localhost')).toBe('hello');
      expect(await greet()).toBe('hello'); // IP literal: checked against the 127.0.0.1 IP SAN
      await expect(greet('elsewhere.lan')).rejects.toThrow(/Hostname\/IP does not match/);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('ensureHubCertificates with a given server certificate', () => {
  it('uses it as it is, presents the chain once, and takes the last certificate as the CA when none is given', async () => {
    const issued = issueServerCert(['given.lan']);
    const dir = tempDir();
    const certFile = join(dir, 'given-chain.pem');
    const keyFile = join(dir, 'given.key');
    writeFileSync(certFile, issued.cert); // leaf + test CA
    writeFileSync(keyFile, issued.key);
    const certs = await ensureHubCertificates({ dir, hostName: 'given.lan', serverCertFile: certFile, serverKeyFile: keyFile, logger: silentLogger() });
    expect(certs.created).toEqual({ ca: false, server: false });
    expect(certs.paths).toEqual({ caCert: certFile, serverCert: certFile, serverKey: keyFile });
    expect(certs.tls.ca.trim()).toBe(issued.ca.trim());
    expect(certs.tls.cert.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(existsSync(join(dir, 'certs', 'server.pem'))).toBe(false);

    const withCa = await ensureHubCertificates({
      dir, hostName: 'given.lan', serverCertFile: certFile, serverKeyFile: keyFile, caCertFile: TEST_CA_CERT, logger: silentLogger(),
    });
    expect(withCa.paths.caCert).toBe(TEST_CA_CERT);
    expect(withCa.tls.cert.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);

    const wrongKey = join(dir, 'other.key');
    writeFileSync(wrongKey, issueServerCert().key);
    const err = await ensureHubCertificates({ dir, hostName: 'given.lan', serverCertFile: certFile, serverKeyFile: wrongKey, logger: silentLogger() })
      .catch((e: unknown) => e);
    expect(isHubError(err, 'FH_CERT_INVALID')).toBe(true);
    expect((err as Error).message).toContain(`the server key ${wrongKey} does not belong to its certificate`);
  });
});
