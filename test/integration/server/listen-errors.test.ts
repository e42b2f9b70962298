/**
 * A port the hub cannot bind stops it with exit code 2 and a message naming the flag and the
 * config key to change; a privileged port says so and names the ways out.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIELDHUB_BIN, ensureDist } from '../../helpers/hub-process.js';
import { runCli } from '../cli/run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

let busy: Server;
let busyPort: number;
const dataDir = mkdtempSync(join(tmpdir(), 'fh-listen-'));

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
  busyPort = (busy.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((r) => busy.close(() => r()));
  rmSync(dataDir, { recursive: true, force: true });
});

const base = ['hub', '--data-dir', dataDir, '--bind', '127.0.0.1'];

describe('ports the hub cannot bind', () => {
  it('HTTPS port in use: exit 2 naming --https-port and https.port', async () => {
    const r = await runCli([...base, '--mqtt-port', '0', '--amqp-port', '0', '--https-port', String(busyPort)]);
    expect(r.code).toBe(2);
    expect(r.stdout).not.toContain('ready');
    expect(r.stderr).toContain(`FH_LISTEN_FAILED: cannot listen for HTTPS on 127.0.0.1:${busyPort}: the port is in use`);
    expect(r.stderr).toContain('--https-port');
    expect(r.stderr).toContain('https.port');
  });

  it('MQTT port in use: exit 2 naming --mqtt-port and mqtt.port', async () => {
    const r = await runCli([...base, '--mqtt-port', String(busyPort), '--amqp-port', '0', '--https-port', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`cannot listen for MQTT on 127.0.0.1:${busyPort}`);
    expect(r.stderr).toContain('--mqtt-port');
    expect(r.stderr).toContain('mqtt.port');
  });

  it('a privileged port as a normal user: exit 2 with the ways out', () => {
    ensureDist();
    // As root (CI), drop to `nobody` so the kernel refuses port 443. A non-root runner may bind
    // 443 (check-peers demands it), so it asks for port 1 instead, which stays privileged.
    const root = process.getuid?.() === 0;
    const port = root ? 443 : 1;
    const dir = join(tmpdir(), `fh-nobody-${process.pid}`);
    const hubArgs = [FIELDHUB_BIN, 'hub', '--data-dir', dir, '--bind', '127.0.0.1', '--mqtt-port', '0', '--amqp-port', '0', '--https-port', String(port)];
    const [cmd, args] = root
      ? ['setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, ...hubArgs]]
      : [process.execPath, hubArgs];
    const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: tmpdir(), env: { ...process.env, FIELDHUB_LOG_LEVEL: 'silent' } });
    rmSync(dir, { recursive: true, force: true });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`cannot listen for HTTPS on 127.0.0.1:${port}: port ${port} is privileged (below 1024)`);
    expect(r.stderr).toContain('run as root');
    expect(r.stderr).toContain('cap_net_bind_service');
    expect(r.stderr).toContain('--https-port');
  });

  it('an invalid config: exit 2 with every error and its path', async () => {
    const r = await runCli([...base, '--mqtt-port', '0', '--amqp-port', '0', '--https-port', '0', '--hostname', 'http://x', '--log-level', 'debug']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fieldhub: FH_CONFIG_INVALID: invalid configuration: \/hostName: must be a DNS name or an IP literal/m);
  });
});
