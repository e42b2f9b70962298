/**
 * Issues a TLS server certificate from the test CA (openssl), for heads started inside a test.
 * The hub issues its own certificates at start (hub-core/tls); this helper is for tests that
 * start a head in-process without the hub server.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isIP } from 'node:net';
import { ensureTestCa, TEST_CA_CERT, TEST_CA_KEY } from './test-ca.js';

export interface TestTls {
  key: string;
  /** Server certificate followed by the CA. */
  cert: string;
  ca: string;
}

/** A server certificate for `names` (DNS names or IP literals), plus localhost and 127.0.0.1. */
export function issueServerCert(names: string[] = []): TestTls {
  ensureTestCa();
  const dir = mkdtempSync(join(tmpdir(), 'fh-cert-'));
  try {
    const all = [...new Set(['localhost', '127.0.0.1', ...names])];
    const san = all.map((n) => (isIP(n) ? `IP:${n}` : `DNS:${n}`)).join(',');
    const key = join(dir, 'key.pem');
    const csr = join(dir, 'csr.pem');
    const crt = join(dir, 'crt.pem');
    const ext = join(dir, 'ext.cnf');
    execFileSync('openssl', ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', key, '-out', csr, '-subj', `/CN=${all[0]}`], { stdio: 'pipe' });
    writeFileSync(ext, `subjectAltName=${san}\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n`);
    execFileSync('openssl', ['x509', '-req', '-in', csr, '-CA', TEST_CA_CERT, '-CAkey', TEST_CA_KEY,
      '-CAcreateserial', '-CAserial', join(dir, 'ca.srl'), '-out', crt, '-days', '2', '-extfile', ext], { stdio: 'pipe' });
    const ca = readFileSync(TEST_CA_CERT, 'utf8');
    return { key: readFileSync(key, 'utf8'), cert: readFileSync(crt, 'utf8') + ca, ca };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
