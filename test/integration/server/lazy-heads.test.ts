/**
 * A running `fieldhub hub` keeps its idle memory small by loading what it does not need yet only
 * when it needs it: the AMQP head's rhea, the WebSocket bridge's ws and the MQTT head's
 * connection code (mqtt-packet and the packet handlers) with their first connection; ajv and yaml
 * not at all without a YAML config (the config validators are precompiled). Each first connection
 * must still be served as usual: its first bytes wait, buffered, while the code loads.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { pathToFileURL } from 'node:url';
import mqtt from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../helpers/core-fixtures.js';
import { REPO_ROOT, startHubProcess, type HubProcess } from '../../helpers/hub-process.js';

const PROBE = join(REPO_ROOT, 'test', 'helpers', 'loaded-packages-probe.mjs');
/**
 * @peculiar/x509 too: this hub's data folder is new, so it made its CA and server certificate at
 * start, in a short-lived child process.
 */
const LAZY = ['rhea', 'ws', 'mqtt-packet', 'ajv', 'yaml', '@peculiar/x509'];

let hub: HubProcess;
let dir: string;
let probeOut: string;

/** Starts a hub (extra arguments appended) with the probe preloaded. */
function startProbedHub(extraArgs: string[] = []): Promise<HubProcess> {
  return startHubProcess({ extraArgs, env: { NODE_OPTIONS: `--import ${pathToFileURL(PROBE).href}`, FH_PROBE_OUT: probeOut } });
}

/** The npm packages the hub process has loaded so far. */
async function loadedPackages(of: HubProcess = hub): Promise<string[]> {
  rmSync(probeOut, { force: true });
  process.kill(of.pid, 'SIGUSR2');
  await waitFor(() => existsSync(probeOut), 'the probe output');
  return JSON.parse(readFileSync(probeOut, 'utf8')) as string[];
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fh-lazy-'));
  probeOut = join(dir, 'loaded.json');
  hub = await startProbedHub();
});

afterAll(async () => {
  await hub?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('fieldhub hub loads protocol code with the first connection that needs it', () => {
  it('at rest, after making its certificates, it has loaded none of rhea, ws, mqtt-packet, ajv, yaml, @peculiar/x509 (but level, pino, commander)', async () => {
    const loaded = await loadedPackages();
    // The probe works: packages the hub needs from the start are listed.
    expect(loaded).toEqual(expect.arrayContaining(['level', 'pino', 'commander']));
    expect(loaded.filter((p) => LAZY.includes(p))).toEqual([]);
  });

  it('the first AMQP connection loads rhea and its protocol header is answered', async () => {
    const reply = await new Promise<Buffer>((resolve, reject) => {
      const socket = tlsConnect({ host: '127.0.0.1', port: hub.ports.amqp, ca: hub.ca, servername: 'localhost' }, () => {
        // AMQP 1.0 without SASL (protocol id 0), as IoT Hub's CBS clients open.
        socket.write(Buffer.from([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]));
      });
      let got = Buffer.alloc(0);
      socket.on('data', (chunk: Buffer) => {
        got = Buffer.concat([got, chunk]);
        if (got.length >= 8) {
          socket.destroy();
          resolve(got.subarray(0, 8));
        }
      });
      socket.on('error', reject);
    });
    expect([...reply]).toEqual([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
    expect(await loadedPackages()).toContain('rhea');
  });

  it('the first MQTT connection loads the connection code and its CONNECT is answered (refused: bad token)', async () => {
    const client = mqtt.connect({
      host: '127.0.0.1', port: hub.ports.mqtt, protocol: 'mqtts', ca: hub.ca, servername: 'localhost',
      protocolVersion: 4, clientId: 'nobody', username: '127.0.0.1/nobody/?api-version=2021-04-12',
      password: 'SharedAccessSignature sr=x&sig=y&se=1', reconnectPeriod: 0, connectTimeout: 10_000,
    });
    const code = await new Promise<number | undefined>((resolve) => {
      client.once('error', (err: Error & { code?: number }) => resolve(err.code));
      client.once('connect', () => resolve(0));
    });
    client.end(true);
    expect(code).toBe(5);
    expect(await loadedPackages()).toContain('mqtt-packet');
  });

  it('the first WebSocket upgrade loads ws and is switched to the mqtt subprotocol', async () => {
    const status = await new Promise<{ code: number | undefined; protocol: string | undefined }>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: hub.ports.https, ca: hub.ca, servername: 'localhost', path: '/$iothub/websocket',
        headers: {
          connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13',
          'sec-websocket-key': Buffer.from('fieldhub-lazy-ws').toString('base64'), 'sec-websocket-protocol': 'mqtt',
        },
      });
      req.on('upgrade', (res, socket) => {
        socket.destroy();
        resolve({ code: res.statusCode, protocol: res.headers['sec-websocket-protocol'] });
      });
      req.on('response', (res) => resolve({ code: res.statusCode, protocol: undefined }));
      req.on('error', reject);
      req.end();
    });
    expect(status).toEqual({ code: 101, protocol: 'mqtt' });
    expect(await loadedPackages()).toContain('ws');
  });
});

describe('fieldhub hub with a YAML config file', () => {
  it('loads yaml to read it, and still no ajv (the config validators are precompiled)', async () => {
    const file = join(dir, 'hub.yaml');
    writeFileSync(file, 'log:\n  level: info\n');
    const other = await startProbedHub(['--config', file]);
    try {
      const loaded = await loadedPackages(other);
      expect(loaded).toContain('yaml');
      expect(loaded).not.toContain('ajv');
    } finally {
      await other.cleanup();
    }
  });
});
