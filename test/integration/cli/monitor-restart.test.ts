/**
 * `fieldhub monitor` across a hub restart: by default it prints only new messages; when the hub
 * goes away it reconnects (re-reading hub.json: the restarted hub has new ports) and resumes after
 * the last message it printed, with no gap and no repeat.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { ensureDist, FIELDHUB_BIN, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { runCli } from './run-cli.js';

// dist/ is what the processes run: (re)build it here, outside any test's time limit.
beforeAll(() => ensureDist(), 180_000);

const dataDir = mkdtempSync(join(tmpdir(), 'fh-monitor-'));
const hubs: HubProcess[] = [];
afterAll(async () => {
  for (const h of hubs) await h.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

async function deviceOn(hub: HubProcess, id: string, create: boolean): Promise<Client> {
  const r = await runCli(['device', create ? 'create' : 'connection-string', id, '--data-dir', hub.dataDir]);
  expect(r.code).toBe(0);
  const client = Client.fromConnectionString(r.stdout.trim(), Mqtt);
  await client.setOptions({ ca: hub.ca });
  await client.open();
  return client;
}

async function send(client: Client, id: string): Promise<void> {
  const m = new Message(`{"id":"${id}"}`);
  m.messageId = id;
  await client.sendEvent(m);
}

describe('fieldhub monitor across a hub restart', () => {
  it('prints only new messages, then resumes after the last one once the hub is back', { timeout: 60_000 }, async () => {
    const first = await startHubProcess({ dataDir, hostName: 'localhost' });
    hubs.push(first);
    const dev1 = await deviceOn(first, 'mon-dev', true);
    await send(dev1, 'm1'); // before monitor starts: not printed

    const monitor = spawn(process.execPath, [FIELDHUB_BIN, 'monitor', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const changed: (() => void)[] = [];
    const notify = (): void => { for (const f of changed.splice(0)) f(); };
    monitor.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; notify(); });
    monitor.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; notify(); });
    const exited = new Promise<number | null>((resolve) => monitor.once('exit', (code) => { notify(); resolve(code); }));
    const waitFor = async (test: () => boolean, what: string): Promise<void> => {
      while (!test()) {
        if (monitor.exitCode !== null) throw new Error(`monitor exited while waiting for ${what}: ${err}`);
        await new Promise<void>((resolve) => changed.push(resolve));
      }
    };

    try {
      await waitFor(() => err.includes('following telemetry'), 'the stream');
      await send(dev1, 'm2');
      await waitFor(() => out.includes('"m2"'), 'm2');

      await dev1.close();
      expect((await first.stop()).code).toBe(0);
      await waitFor(() => err.includes('connection lost'), 'the lost connection');

      const second = await startHubProcess({ dataDir, hostName: 'localhost' });
      hubs.push(second);
      expect(second.ports.https).not.toBe(0);
      const dev2 = await deviceOn(second, 'mon-dev', false);
      await send(dev2, 'm3');
      await waitFor(() => out.includes('"m3"'), 'm3');
      await dev2.close();
      expect(err).toMatch(/reconnected, resuming after seq \d+/);
    } finally {
      monitor.kill('SIGINT');
    }
    expect(await exited).toBe(0);

    const lines = out.trim().split('\n').map((l) => JSON.parse(l) as { seq: number; system: { messageId: string } });
    expect(lines.map((l) => l.system.messageId)).toEqual(['m2', 'm3']);
    expect(lines[1]!.seq).toBeGreaterThan(lines[0]!.seq);
  });
});
