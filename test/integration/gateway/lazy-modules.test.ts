/**
 * `fieldhub start` loads what its configuration uses, when it needs it: a module type's
 * implementation (with its native bindings) when an instance of that type starts, the upstream
 * link's protocol library only for the configured protocol, the MQTT client only for an MQTT sink
 * or bridge. The embedded default (local hub, the system module, no upstream) thus runs without
 * any of the serial, Modbus, BLE or upstream code. The probe (loaded-packages-probe.mjs) lists the
 * npm packages the process has loaded.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/core-fixtures.js';
import { REPO_ROOT, startHubProcess, type HubProcess, type StartHubOptions } from '../../helpers/hub-process.js';

const PROBE = join(REPO_ROOT, 'test', 'helpers', 'loaded-packages-probe.mjs');

/** What a gateway without serial, Modbus, BLE devices, upstream or MQTT sink must not load. */
const UNUSED = ['modbus-serial', 'serialport', 'node-ble', 'dbus-next', 'mqtt', 'rhea', 'ws', 'mqtt-packet', 'yaml', 'ajv'];

let dir: string;
const started: HubProcess[] = [];

/** Starts `fieldhub start` (in `dir`, data in a new folder) with the probe preloaded. */
async function startProbedGateway(name: string, options: Omit<StartHubOptions, 'command' | 'env'> = {}): Promise<{ gw: HubProcess; probeOut: string }> {
  const probeOut = join(dir, `${name}.json`);
  const gw = await startHubProcess({
    ...options, command: 'start', cwd: dir,
    env: { NODE_OPTIONS: `--import ${pathToFileURL(PROBE).href}`, FH_PROBE_OUT: probeOut },
  });
  started.push(gw);
  return { gw, probeOut };
}

/** The npm packages the process has loaded so far. */
async function loadedPackages(gw: HubProcess, probeOut: string): Promise<string[]> {
  rmSync(probeOut, { force: true });
  process.kill(gw.pid, 'SIGUSR2');
  await waitFor(() => existsSync(probeOut), 'the probe output');
  return JSON.parse(readFileSync(probeOut, 'utf8')) as string[];
}

/** A loopback port nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fh-lazy-gw-'));
});

afterAll(async () => {
  for (const gw of started) await gw.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('fieldhub start loads what its configuration uses', () => {
  it('the embedded default at rest: the system module (systeminformation), level and pino, but no serial, Modbus, BLE, MQTT client, AMQP or WebSocket code', async () => {
    const { gw, probeOut } = await startProbedGateway('default');
    expect(gw.stdout()).toMatch(/modules: +system\n/);
    const loaded = await loadedPackages(gw, probeOut);
    // The probe works, and the system module's implementation ran (it started before ready).
    expect(loaded).toEqual(expect.arrayContaining(['systeminformation', 'level', 'pino']));
    expect(loaded.filter((p) => UNUSED.includes(p) || p.startsWith('@serialport/'))).toEqual([]);
  });

  it('an AMQP upstream and a Modbus TCP device load rhea and modbus-serial when they start, still no BLE code or MQTT client', async () => {
    const { gw, probeOut } = await startProbedGateway('amqp-modbus', {
      config: {
        gateway: { deviceId: 'gw-lazy' },
        upstream: {
          protocol: 'amqp', port: await closedPort(),
          connectionString: `HostName=127.0.0.1;SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 7).toString('base64')}`,
        },
        modules: {
          meters: {
            type: 'modbus',
            config: {
              ports: { plc: { kind: 'tcp', host: '127.0.0.1', port: await closedPort() } },
              devices: [{ deviceId: 'meter-1', profile: 'eastron-sdm120', port: 'plc', unitId: 1 }],
            },
          },
        },
      },
    });
    // The module started (its port is retried in the background, shown in health).
    await waitFor(() => /"event":"modbus-started"/.test(gw.stderr()), 'the modbus module to start');
    const loaded = await loadedPackages(gw, probeOut);
    expect(loaded).toEqual(expect.arrayContaining(['rhea', 'modbus-serial']));
    expect(loaded.filter((p) => ['node-ble', 'dbus-next', 'mqtt', 'systeminformation'].includes(p))).toEqual([]);
  });
});
