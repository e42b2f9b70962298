// aedes as the general-purpose Node broker beside fieldhub: aedes 1.x with its default in-memory
// persistence, run by aedes-server.mjs in a child process behind TLS (certificate from a
// throw-away openssl CA, as for mosquitto), every client accepted. aedes writes the QoS 1 PUBACK
// before it publishes (and persists nothing durably), so it acknowledges before persisting.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeCerts } from './certs.mjs';
import { statusMB, waitExit } from './measure.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const SERVER = join(HERE, 'aedes-server.mjs');
const HOST = '127.0.0.1';

/** aedes's version as installed (its package.json), or null when aedes is missing. */
function aedesVersion() {
  try {
    const require = createRequire(import.meta.url);
    const pkgFile = join(dirname(require.resolve('aedes')), 'package.json');
    return JSON.parse(readFileSync(pkgFile, 'utf8')).version;
  } catch {
    return null;
  }
}

function waitReady(child, outFile) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`aedes not ready after 15 s:\n${out}`)), 15_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      writeFileSync(outFile, out);
      const m = /aedes ready: mqtts:\/\/\S+:(\d+)/.exec(out);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`aedes exited (${code ?? signal}) before ready:\n${out}`));
    });
  });
}

export async function startAedes() {
  const version = aedesVersion();
  if (!version) throw new Error('aedes is not installed: it is a dev dependency (npm ci)');
  const dir = mkdtempSync(join(tmpdir(), 'bench-aedes-'));
  const { ca, certFile, keyFile } = makeCerts(dir);
  const log = join(dir, 'aedes.log');
  const child = spawn(process.execPath, [SERVER, certFile, keyFile, HOST], { stdio: ['ignore', 'pipe', openSync(log, 'a')] });
  let port;
  try {
    port = await waitReady(child, join(dir, 'stdout.log'));
  } catch (e) {
    try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
    const tail = readFileSync(log, 'utf8').slice(-2000);
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`${e.message}\nstderr: ${tail}`);
  }
  return {
    name: 'aedes',
    pid: child.pid,
    target: { host: HOST, port, ca, clean: false, keepalive: 180 },
    rssAtReadyMB: statusMB(child.pid, 'VmRSS'),
    engine: `aedes ${version}`,
    // aedes's QoS 1 handler writes the PUBACK, then publishes; the default persistence is memory.
    durableBeforeAck: false,
    persistence: 'aedes-persistence (in memory): PUBACK written before the publish event, nothing durable',
    /** Every client may publish anywhere: the generator's ids and passwords are only carried along. */
    devices(n, prefix = 'bench') {
      return Array.from({ length: n }, (_, i) => {
        const id = `${prefix}-${i}`;
        return { clientId: id, username: id, password: 'unused', topic: `devices/${id}/messages/events/` };
      });
    },
    logTail() {
      return readFileSync(log, 'utf8').split('\n').slice(-20).join('\n');
    },
    async stop() {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await waitExit(child, 5000);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
