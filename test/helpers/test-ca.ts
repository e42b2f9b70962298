/**
 * The test CA: created once per checkout (test/.tmp/ca) with openssl, before any test worker starts,
 * so NODE_EXTRA_CA_CERTS can point at it. azure-iothub trusts a CA only through that variable,
 * which Node reads at process start. Test hubs get this CA in their config (tls.caCertFile and
 * tls.caKeyFile) and issue their own server certificate from it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const TEST_CA_DIR = join(root, 'test', '.tmp', 'ca');
export const TEST_CA_CERT = join(TEST_CA_DIR, 'ca.pem');
export const TEST_CA_KEY = join(TEST_CA_DIR, 'ca.key');

/** Creates the test CA unless a fresh one exists (recreated after 20 days; valid 30). */
export function ensureTestCa(): void {
  const fresh = existsSync(TEST_CA_CERT) && existsSync(TEST_CA_KEY) &&
    Date.now() - statSync(TEST_CA_CERT).mtimeMs < 20 * 86_400_000;
  if (fresh) return;
  mkdirSync(TEST_CA_DIR, { recursive: true });
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', TEST_CA_KEY, '-out', TEST_CA_CERT, '-days', '30', '-subj', '/CN=fieldhub test CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
  ], { stdio: 'pipe' });
}
