/**
 * `fieldhub status` against real processes: a gateway (`fieldhub start`) synced with an upstream
 * `fieldhub hub` shows its upstream link, outbox, routes, sinks and modules; with the upstream
 * gone it marks the link with `!` and the outbox keeps what the leaves send; `--json` gives both
 * health documents; a plain hub says it is not a gateway; an unreachable hub exits 1.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { waitFor } from '../../helpers/core-fixtures.js';
import { ensureDist, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';
import { runCli } from './run-cli.js';

beforeAll(() => ensureDist(), 180_000);

const tmp = mkdtempSync(join(tmpdir(), 'fh-status-'));
const processes: HubProcess[] = [];
let leaf: Client | undefined;
afterAll(async () => {
  await leaf?.close().catch(() => undefined);
  for (const p of processes) await p.cleanup();
  rmSync(tmp, { recursive: true, force: true });
});

interface StatusJson {
  hub: { connectedDevices: number; telemetryLastSeq: number };
  gateway: null | {
    gatewayDeviceId: string;
    upstream: { link: { state: string; identitiesOnline: number; identitiesTotal: number } } | null;
    outbox: { messages: number };
  };
}

async function statusJson(dataDir: string): Promise<StatusJson> {
  const r = await runCli(['status', '--data-dir', dataDir, '--json']);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as StatusJson;
}

describe('fieldhub status', () => {
  it('shows a gateway, its upstream, outbox, routes, sinks and modules; marks what needs attention', async () => {
    const upstream = await startHubProcess();
    processes.push(upstream);
    const gateway = await startHubProcess({
      command: 'start',
      config: {
        gateway: { deviceId: 'gw-status' },
        upstream: {
          connectionString: upstream.ownerConnectionString, port: upstream.ports.amqp, httpsPort: upstream.ports.https,
          caFile: join(upstream.dataDir, 'certs', 'ca.pem'), reconnect: { minDelayMs: 100, maxDelayMs: 500 },
        },
        modules: { board: { type: 'system', config: { intervalS: 3600 } } },
        sinks: { archive: { type: 'file', path: join(tmp, 'archive.jsonl') } },
        routes: { up: 'FROM /messages/devices/* INTO $upstream', keep: 'FROM /messages/devices/* INTO Sink("archive")' },
      },
    });
    processes.push(gateway);
    await waitFor(async () => {
      const link = (await statusJson(gateway.dataDir)).gateway?.upstream?.link;
      return link?.state === 'connected' && link.identitiesOnline === link.identitiesTotal && link.identitiesTotal >= 1;
    }, 'the gateway online upstream', 30_000);

    const healthy = await runCli(['status', '--data-dir', gateway.dataDir]);
    expect(healthy.code, healthy.stderr).toBe(0);
    const lines = healthy.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^hub 127\.0\.0\.1: \d+ device\(s\) connected, telemetry at seq \d+$/);
    expect(lines).toContain('gateway gw-status');
    expect(healthy.stdout).toMatch(/^ {2}upstream {3}connected, 1 connection\(s\), (\d+)\/\1 identities online$/m);
    expect(healthy.stdout).toMatch(/^ {2}outbox {5}0 messages, 0 B of 256\.0 MiB \(reject\)$/m);
    expect(healthy.stdout).toMatch(/^ {2}routes {5}\$upstream: running, checkpoint \d+, lag 0$/m);
    expect(healthy.stdout).toMatch(/^ {2}sinks {6}archive: /m);
    expect(healthy.stdout).toMatch(/^ {2}modules {4}board \(system\): running, restarts 0$/m);
    expect(lines.filter((l) => l.startsWith('!'))).toEqual([]);

    // The upstream goes away: the link is marked, and what a leaf sends waits in the outbox.
    await upstream.stop();
    const created = await runCli(['device', 'create', 'status-leaf', '--data-dir', gateway.dataDir]);
    expect(created.code, created.stderr).toBe(0);
    leaf = Client.fromConnectionString(created.stdout.trim(), Mqtt);
    await leaf.setOptions({ ca: gateway.ca });
    await leaf.open();
    for (let i = 0; i < 3; i++) await leaf.sendEvent(new Message(`m${i}`));
    await waitFor(async () => ((await statusJson(gateway.dataDir)).gateway?.outbox.messages ?? 0) >= 3, 'three messages in the outbox');
    const away = await runCli(['status', '--data-dir', gateway.dataDir]);
    expect(away.code, away.stderr).toBe(0);
    expect(away.stdout).toMatch(/^! upstream {3}(backoff|connecting)/m);
    expect(away.stdout).toMatch(/^ {2}outbox {5}3 messages, [\d.]+ (B|KiB) of 256\.0 MiB \(reject\), oldest /m);
  }, 90_000);

  it('says a plain hub is not a gateway, prints both documents with --json, and exits 1 when nothing answers', async () => {
    const hub = await startHubProcess();
    processes.push(hub);
    const text = await runCli(['status', '--data-dir', hub.dataDir]);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/^hub 127\.0\.0\.1: 0 device\(s\) connected, telemetry at seq 0\n {2}not a gateway/);
    const json = await statusJson(hub.dataDir);
    expect(json).toMatchObject({ hub: { connectedDevices: 0, telemetryLastSeq: 0 }, gateway: null });

    await hub.stop();
    const gone = await runCli(['status', '--data-dir', hub.dataDir]);
    expect(gone.code).toBe(1);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toMatch(/^fieldhub: FH_CLI_/);
  }, 60_000);
});
