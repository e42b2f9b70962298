// fieldhub as a benchmark target: `node bin/fieldhub.js hub` in its own process on a temp data
// folder (durability `process`), devices created through its IoT Hub service REST API, and SAS
// tokens signed here from the wire contract (section A), independent of the hub's own code.
import { spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { statusMB, waitExit } from './measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'fieldhub.js');
const HOST = '127.0.0.1';

/** encodeURIComponent plus !'()*, as IoT Hub SAS tokens need. */
function encodeStrict(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function sasToken(resource, keyBase64, seconds, keyName) {
  const sr = encodeStrict(resource);
  const se = Math.floor(Date.now() / 1000) + seconds;
  const sig = createHmac('sha256', Buffer.from(keyBase64, 'base64')).update(`${sr}\n${se}`).digest('base64');
  return `SharedAccessSignature sr=${sr}&sig=${encodeStrict(sig)}${keyName ? `&skn=${encodeStrict(keyName)}` : ''}&se=${se}`;
}

function waitReady(child, outFile) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`fieldhub hub not ready after 30 s:\n${out}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      writeFileSync(outFile, out);
      // The whole line (up to its newline): the amqps port comes last and may be in the next chunk.
      const m = /ready: mqtts:\/\/\S+:(\d+) https:\/\/\S+:(\d+)(?: amqps:\/\/\S+:(\d+))?[^\n]*\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ mqtt: Number(m[1]), https: Number(m[2]), amqp: m[3] === undefined ? undefined : Number(m[3]) });
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`fieldhub hub exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

function request(port, method, path, body, authorization, ca) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({
      host: HOST, port, method, path, ca,
      headers: { authorization, 'content-type': 'application/json; charset=utf-8', ...(data ? { 'content-length': data.length } : {}) },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode >= 300) reject(new Error(`${method} ${path}: HTTP ${res.statusCode} ${text}`));
        else resolve(text);
      });
    });
    req.on('error', reject);
    req.end(data);
  });
}

/**
 * Starts a hub on a new temporary folder, or on `options.dir` from an earlier start
 * (`keepDir: true` on that one): the restart of a hub that already has its certificates and
 * identities. The folder is removed on stop() unless `keepDir`.
 */
export async function startFieldhub(options = {}) {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'bench-fieldhub-'));
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'hub.json'), JSON.stringify({ durability: 'process', log: { level: 'warn' } }));
  const err = openSync(join(dir, 'stderr.log'), 'a');
  // FIELDHUB_BENCH_NODE_ARGS: extra node flags for the hub process, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const nodeArgs = (process.env.FIELDHUB_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, BIN, 'hub', '--config', join(dir, 'hub.json'), '--data-dir', dataDir,
    '--hostname', HOST, '--bind', HOST, '--mqtt-port', '0', '--https-port', '0', '--amqp-port', '0'], {
    cwd: ROOT, stdio: ['ignore', 'pipe', err], env: { ...process.env, FIELDHUB_LOG_LEVEL: 'warn' },
  });
  let ports;
  try {
    ports = await waitReady(child, join(dir, 'stdout.log'));
  } catch (e) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    const tail = readFileSync(join(dir, 'stderr.log'), 'utf8').slice(-2000);
    if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\nstderr: ${tail}`);
  }
  const rssAtReadyMB = statusMB(child.pid, 'VmRSS');
  const info = JSON.parse(readFileSync(join(dataDir, 'hub.json'), 'utf8'));
  const ca = readFileSync(info.caFile, 'utf8');
  const owner = Object.fromEntries(info.ownerConnectionString.split(';').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const ownerAuth = () => sasToken(info.hostName, owner.SharedAccessKey, 3600, owner.SharedAccessKeyName);
  // One key for every benchmark device: signing cost stays out of the figures, tokens differ by sr.
  const deviceKey = randomBytes(32).toString('base64');

  return {
    name: 'fieldhub',
    pid: child.pid,
    dir,
    target: { host: HOST, port: ports.mqtt, ca, clean: false, keepalive: 180 },
    /**
     * The AMQP head (TLS, no SASL, CBS put-token), for amqp-loadgen-child.mjs; undefined when the
     * ready line names no amqps port. `servername`: the hub's certificate also names localhost,
     * and TLS must not send an IP address as SNI.
     */
    amqpTarget: ports.amqp === undefined ? undefined : { host: HOST, port: ports.amqp, ca, servername: 'localhost', hostName: info.hostName },
    rssAtReadyMB,
    engine: `fieldhub ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`,
    // The telemetry is written to the hub's LevelDB store before the PUBACK (checked below by
    // storedCount); durability `process`: it survives a crash of the hub, not of the machine.
    durableBeforeAck: true,
    persistence: 'LevelDB, stored before PUBACK (durability process: no fsync)',
    amqpPersistence: 'LevelDB, stored before the accepted disposition (durability process: no fsync)',
    async devices(n, prefix = 'bench') {
      const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
      let next = 0;
      const lane = async () => {
        while (next < ids.length) {
          const id = ids[next++];
          await request(ports.https, 'PUT', `/devices/${encodeURIComponent(id)}?api-version=2021-04-12`, {
            deviceId: id, status: 'enabled',
            authentication: { type: 'sas', symmetricKey: { primaryKey: deviceKey, secondaryKey: deviceKey } },
          }, ownerAuth(), ca);
        }
      };
      await Promise.all(Array.from({ length: 8 }, lane));
      return ids.map((id) => {
        const resource = `${info.hostName}/devices/${id}`;
        const token = sasToken(resource, deviceKey, 3600);
        return {
          clientId: id,
          username: `${info.hostName}/${id}/?api-version=2021-04-12`,
          password: token,
          topic: `devices/${id}/messages/events/`,
          // AMQP: the same token through $cbs put-token (`name` = the encoded sr), then a sender.
          amqp: { token, name: encodeStrict(resource), address: `/devices/${id}/messages/events` },
        };
      });
    },
    /** How many messages the hub holds: proof the acknowledged ones were stored, not dropped. */
    async storedCount() {
      const health = JSON.parse(await request(ports.https, 'GET', '/fieldhub/v1/health', undefined, ownerAuth(), ca));
      return health.telemetryLastSeq;
    },
    logTail() {
      return readFileSync(join(dir, 'stderr.log'), 'utf8').split('\n').slice(-20).join('\n');
    },
    async stop() {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await waitExit(child, 10_000);
      if (!options.keepDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
