/**
 * startHubServer in process: what it opens it closes (in reverse), on a clean close and when a
 * head cannot listen; the data folder is free again afterwards (the store lock is released).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isHubError, silentLogger, startHubServer, type HubServerConfig } from '../../../hub-core/index.js';

const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function config(overrides: Partial<HubServerConfig> = {}): HubServerConfig {
  const dataDir = mkdtempSync(join(tmpdir(), 'fh-server-'));
  dirs.push(dataDir);
  return { hostName: 'hub.local', dataDir, bindAddress: '127.0.0.1', mqtt: { port: 0 }, amqp: { port: 0 }, https: { port: 0 }, ...overrides };
}

describe('startHubServer', () => {
  it('starts the heads, writes hub.json, and frees everything on close', async () => {
    const cfg = config();
    const server = await startHubServer(cfg, silentLogger());
    expect(server.addresses.mqtt.port).toBeGreaterThan(0);
    expect(server.addresses.https.port).toBeGreaterThan(0);
    expect(server.addresses.amqp.port).toBeGreaterThan(0);
    expect(server.info).toMatchObject({ hostName: 'hub.local', bindAddress: '127.0.0.1', pid: process.pid, ports: {
      mqtt: server.addresses.mqtt.port, https: server.addresses.https.port, amqp: server.addresses.amqp.port,
    } });
    expect(JSON.parse(readFileSync(server.infoFile, 'utf8'))).toEqual(server.info);
    expect(statSync(server.infoFile).mode & 0o777).toBe(0o600);
    expect(server.core.auth.policies().map((p) => p.keyName)).toContain('iothubowner');

    await server.close();
    await server.close(); // idempotent
    expect(existsSync(server.infoFile)).toBe(false);
    // The ports and the store are free again: a new server on the same folder and ports starts.
    const again = await startHubServer({ ...cfg, mqtt: { port: server.addresses.mqtt.port }, https: { port: server.addresses.https.port } }, silentLogger());
    expect(again.info.ownerConnectionString).toBe(server.info.ownerConnectionString);
    await again.close();
  });

  it('a second server on the same folder fails with FH_STORE_LOCKED', async () => {
    const cfg = config();
    const first = await startHubServer(cfg, silentLogger());
    try {
      const err = await startHubServer(cfg, silentLogger()).catch((e: unknown) => e);
      expect(isHubError(err, 'FH_STORE_LOCKED')).toBe(true);
      expect((err as Error).message).toContain(`another hub is running on the data folder ${cfg.dataDir}`);
      expect(existsSync(first.infoFile)).toBe(true); // the failed one did not touch the running hub's file
    } finally {
      await first.close();
    }
  });

  it('a head that cannot listen: FH_LISTEN_FAILED, and what was opened is closed again', async () => {
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    const port = (busy.address() as AddressInfo).port;
    try {
      const cfg = config({ https: { port } });
      const err = await startHubServer(cfg, silentLogger()).catch((e: unknown) => e);
      expect(isHubError(err, 'FH_LISTEN_FAILED')).toBe(true);
      expect((err as Error).message).toContain('--https-port');
      expect(existsSync(join(cfg.dataDir, 'hub.json'))).toBe(false);
      // The MQTT head and the store were closed: the same folder starts now.
      const ok = await startHubServer({ ...cfg, https: { port: 0 } }, silentLogger());
      await ok.close();
    } finally {
      await new Promise<void>((r) => busy.close(() => r()));
    }
  });
});
