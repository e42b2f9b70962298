/**
 * `fieldhub hub` as a real process: first start creates the CA and server certificate with the
 * right modes, hub.json tells the CLI where it is, a restart reuses everything, SIGTERM stops it
 * cleanly, and a crash leaves a hub.json the CLI recognises as stale.
 */
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDist, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { TEST_CA_CERT, TEST_CA_KEY } from '../../helpers/test-ca.js';
import { runCli } from '../cli/run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

const started: HubProcess[] = [];
const dirs: string[] = [];
afterAll(async () => {
  for (const h of started) await h.cleanup();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const mode = (p: string): number => statSync(p).mode & 0o777;

describe('fieldhub hub process', () => {
  it('creates its CA, server certificate and hub.json on first start, and reuses them after a restart', { timeout: 90_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'fh-srv-'));
    dirs.push(dataDir);
    const hub = await startHubProcess({ dataDir, hostName: 'hub.test.lan', bindAddress: '127.0.0.1' });
    started.push(hub);

    expect(hub.readyLine).toBe(`fieldhub hub ready: mqtts://hub.test.lan:${hub.ports.mqtt} https://hub.test.lan:${hub.ports.https} amqps://hub.test.lan:${hub.ports.amqp}`);
    expect(hub.stdout().match(/ready/g)).toHaveLength(1);
    expect(hub.stdout()).toContain(join(dataDir, 'certs', 'ca.pem'));
    expect(hub.stdout()).toContain(`fieldhub device create my-device --data-dir ${dataDir}`);
    expect(hub.ports.mqtt).toBeGreaterThan(0);
    expect(hub.ports.amqp).toBeGreaterThan(0);
    expect(hub.ports.https).toBeGreaterThan(0);

    expect(mode(join(dataDir, 'certs', 'ca.key'))).toBe(0o600);
    expect(mode(join(dataDir, 'certs', 'server.key'))).toBe(0o600);
    expect(mode(join(dataDir, 'hub.json'))).toBe(0o600);
    expect(mode(join(dataDir, 'store'))).toBe(0o700);
    const ca = new X509Certificate(readFileSync(join(dataDir, 'certs', 'ca.pem')));
    const server = new X509Certificate(readFileSync(join(dataDir, 'certs', 'server.pem')));
    expect(server.verify(ca.publicKey)).toBe(true);
    expect(server.checkHost('hub.test.lan')).toBe('hub.test.lan');
    expect(server.checkHost('localhost')).toBe('localhost');
    expect(server.checkIP('127.0.0.1')).toBe('127.0.0.1');

    expect(hub.ownerConnectionString).toMatch(/^HostName=hub\.test\.lan;SharedAccessKeyName=iothubowner;SharedAccessKey=[A-Za-z0-9+/=]{40,}$/);
    expect(hub.caFile).toBe(join(dataDir, 'certs', 'ca.pem'));
    // The owner key is a secret: it goes to hub.json, never to stdout or the logs.
    const key = hub.ownerConnectionString.split('SharedAccessKey=')[1]!;
    expect(hub.stdout()).not.toContain(key);
    expect(hub.stderr()).not.toContain(key);
    expect(hub.stderr()).not.toContain('PRIVATE KEY');

    const created = await runCli(['device', 'create', 'persisted', '--data-dir', dataDir]);
    expect(created.code).toBe(0);

    expect(await hub.stop()).toEqual({ code: 0, signal: null });
    expect(hub.stdout()).toContain('SIGTERM, stopping');
    expect(existsSync(join(dataDir, 'hub.json'))).toBe(false);

    const again = await startHubProcess({ dataDir, hostName: 'hub.test.lan', bindAddress: '127.0.0.1' });
    started.push(again);
    expect(again.stdout()).not.toContain('(created now)');
    expect(readFileSync(join(dataDir, 'certs', 'server.pem'), 'utf8')).toBe(server.toString());
    expect(again.ownerConnectionString).toBe(hub.ownerConnectionString);
    const shown = await runCli(['device', 'show', 'persisted', '--data-dir', dataDir]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout).deviceId).toBe('persisted');

    // A second hub on the same folder: the store is locked, exit 2 with a clear message.
    const second = await runCli(['hub', '--data-dir', dataDir, '--mqtt-port', '0', '--amqp-port', '0', '--https-port', '0', '--bind', '127.0.0.1']);
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/^fieldhub: FH_STORE_LOCKED: another hub is running on the data folder/m);

    // A crash leaves hub.json behind; the CLI says the hub is gone instead of timing out.
    expect((await again.kill9()).signal).toBe('SIGKILL');
    expect(existsSync(join(dataDir, 'hub.json'))).toBe(true);
    const stale = await runCli(['device', 'list', '--data-dir', dataDir]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toMatch(new RegExp(`FH_CLI_NO_HUB: the hub on ${dataDir} is not running \\(process ${again.pid}`));
  });

  it('issues its server certificate from a CA given in the config', async () => {
    const hub = await startHubProcess({ hostName: '127.0.0.1', caCertFile: TEST_CA_CERT, caKeyFile: TEST_CA_KEY });
    started.push(hub);
    expect(hub.caFile).toBe(TEST_CA_CERT);
    expect(existsSync(join(hub.dataDir, 'certs', 'ca.key'))).toBe(false);
    const server = new X509Certificate(readFileSync(join(hub.dataDir, 'certs', 'server.pem')));
    expect(server.verify(new X509Certificate(readFileSync(TEST_CA_CERT)).publicKey)).toBe(true);
    // And the CLI trusts it through hub.json's caFile.
    const list = await runCli(['device', 'list', '--json', '--data-dir', hub.dataDir]);
    expect(list.code).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([]);
  });

  it('startHubProcess rejects with the hub\u2019s own error when it cannot start, leaving nothing behind', async () => {
    // A private TMPDIR (os.tmpdir() reads it per call) shows exactly what the helper leaves.
    const privateTmp = mkdtempSync(join(tmpdir(), 'fh-helper-'));
    dirs.push(privateTmp);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = privateTmp;
    let err: unknown;
    try {
      err = await startHubProcess({ extraArgs: ['--log-level', 'loud'], config: { durability: 'power' } }).catch((e: unknown) => e);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/fieldhub hub exited before ready \(code 2/);
    expect((err as Error).message).toContain("FH_CLI_USAGE: option '--log-level <level>' argument 'loud' is invalid");
    expect(readdirSync(privateTmp)).toEqual([]);
  });
});
