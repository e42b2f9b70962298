/**
 * The hub makes its certificates in a child process (hub-core/tls/issue-child.ts). What the
 * issuer refuses must still reach the user as the issuer's coded error, across the process boundary.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist } from '../../helpers/hub-process.js';
import { runCli } from '../cli/run-cli.js';

beforeAll(() => ensureDist(), 180_000);

const dir = mkdtempSync(join(tmpdir(), 'fh-certchild-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('certificate issuance in a child process', () => {
  it('a CA key the issuer cannot sign with (Ed25519) stops the hub with the issuer\'s FH_CERT_INVALID, and no server certificate is written', async () => {
    // openssl reads fine and the hub's own checks pass; only the issuer, in the child, refuses it.
    const caKey = join(dir, 'ca.key');
    const caCert = join(dir, 'ca.pem');
    const made = spawnSync('openssl', ['req', '-x509', '-newkey', 'ed25519', '-keyout', caKey, '-out', caCert, '-days', '30', '-nodes',
      '-subj', '/CN=ed25519 test CA', '-addext', 'basicConstraints=critical,CA:TRUE'], { encoding: 'utf8' });
    expect(made.status, `openssl (apt-get install openssl): ${made.stderr}`).toBe(0);
    const config = join(dir, 'hub.json');
    writeFileSync(config, JSON.stringify({ tls: { caCertFile: caCert, caKeyFile: caKey } }));
    const dataDir = join(dir, 'data');
    const r = await runCli(['hub', '--config', config, '--data-dir', dataDir, '--bind', '127.0.0.1', '--mqtt-port', '0', '--https-port', '0', '--amqp-port', '0']);
    expect(r.stdout).not.toContain('ready');
    expect(r.stderr).toContain('FH_CERT_INVALID: the CA key is a ed25519 key; use an EC (P-256, P-384, P-521) or RSA key');
    expect(r.code).toBe(1);
    expect(existsSync(join(dataDir, 'certs', 'server.pem'))).toBe(false);
  });
});
