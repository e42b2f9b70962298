// Processes and plumbing of the gateway scenario: a `fieldhub hub` upstream and a `fieldhub start`
// gateway from the built dist (each its own process on 127.0.0.1, ports 0, read back from hub.json),
// a TCP proxy between the gateway side and the upstream that the bench cuts to take the upstream
// away (and restores to bring it back), and a per-phase peak-RSS meter.
import { spawn } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sasToken } from './fieldhub.mjs';
import { statusMB, waitExit } from './measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = join(ROOT, 'bin', 'fieldhub.js');
export const HOST = '127.0.0.1';

/** Every process this scenario spawned and that still runs: killed if the bench itself is stopped. */
const spawned = new Set();
/** Temporary folders not removed yet (by the systems' stop()). */
const dirs = new Set();
let cleanupInstalled = false;

/** A temporary folder removed on a SIGINT/SIGTERM of the bench too; `done()` when removed normally. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(dir);
  return { dir, done: () => { rmSync(dir, { recursive: true, force: true }); dirs.delete(dir); } };
}

/** Tracks `child` so a SIGINT/SIGTERM of the bench (or its exit) does not leave it behind. */
export function track(child) {
  spawned.add(child);
  child.once('exit', () => spawned.delete(child));
  if (!cleanupInstalled) {
    cleanupInstalled = true;
    const killAll = () => {
      for (const c of spawned) { try { process.kill(c.pid, 'SIGKILL'); } catch { /* gone */ } }
      for (const d of dirs) rmSync(d, { recursive: true, force: true });
    };
    process.on('exit', killAll);
    for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]]) {
      process.once(signal, () => { killAll(); process.exit(code); });
    }
  }
  return child;
}

function waitReady(child, readyRe, what) {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what} not ready after 30 s:\n${out}`)), 30_000);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      out += chunk;
      if (readyRe.test(out)) { clearTimeout(timer); resolve(); }
    });
    child.once('exit', (code, signal) => { clearTimeout(timer); reject(new Error(`${what} exited (${code ?? signal}) before ready:\n${out}`)); });
  });
}

/**
 * `fieldhub <command>` (hub | start) with `config` (JSON, written to a temp file) on a temp data
 * folder. Resolves once ready, with the ports, CA and an owner `Authorization` maker from hub.json.
 * kill9() then restart() crash it and start it again on the same data folder (new ports).
 */
export async function startFieldhubProcess(command, config) {
  const { dir, done } = tempDir(`bench-gw-${command}-`);
  const dataDir = join(dir, 'data');
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
  const errFile = join(dir, 'stderr.log');
  const what = `fieldhub ${command}`;
  let child;
  let info;
  const spawnOnce = async () => {
    const err = openSync(errFile, 'a');
    // FIELDHUB_BENCH_NODE_ARGS: extra node flags for the gateway process (as fieldhub.mjs does for the hub).
    const nodeArgs = command === 'start' ? (process.env.FIELDHUB_BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean) : [];
    child = track(spawn(process.execPath, [...nodeArgs, BIN, command, '--config', join(dir, 'config.json'), '--data-dir', dataDir,
      '--hostname', HOST, '--bind', HOST, '--mqtt-port', '0', '--https-port', '0', '--amqp-port', '0'], {
      cwd: ROOT, stdio: ['ignore', 'pipe', err], env: { ...process.env, FIELDHUB_LOG_LEVEL: 'warn' },
    }));
    try {
      await waitReady(child, /fieldhub (?:hub|gateway) ready: [^\n]*\n/, what);
    } catch (e) {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      throw new Error(`${e.message}\nstderr: ${readFileSync(errFile, 'utf8').slice(-2000)}`);
    }
    child.stdout.resume();
    info = JSON.parse(readFileSync(join(dataDir, 'hub.json'), 'utf8'));
  };
  try {
    await spawnOnce();
  } catch (e) {
    done();
    throw e;
  }
  const owner = Object.fromEntries(info.ownerConnectionString.split(';').map((p) => [p.slice(0, p.indexOf('=')), p.slice(p.indexOf('=') + 1)]));
  const proc = {
    get pid() { return child.pid; },
    get ports() { return info.ports; },
    hostName: info.hostName,
    caFile: info.caFile,
    ca: readFileSync(info.caFile, 'utf8'),
    ownerConnectionString: info.ownerConnectionString,
    ownerAuth: (seconds = 3600) => sasToken(info.hostName, owner.SharedAccessKey, seconds, owner.SharedAccessKeyName),
    logTail: () => readFileSync(errFile, 'utf8').split('\n').slice(-20).join('\n'),
    async kill9() {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* gone */ }
      await waitExit(child, 5000);
    },
    restart: spawnOnce,
    async stop() {
      try { process.kill(child.pid, 'SIGTERM'); } catch { /* already gone */ }
      await waitExit(child, 10_000);
      done();
    },
  };
  return proc;
}

/** One HTTPS request with a JSON body (or none); resolves to the response text, rejects on >= 300. */
export function httpsJson(target, method, path, body, authorization) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = https.request({
      host: HOST, port: target.ports.https, method, path, ca: target.ca,
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
 * A TCP proxy on 127.0.0.1 (port 0) to `port`: cut() drops every connection and stops listening,
 * so reconnect attempts are refused (ECONNREFUSED) as if the upstream process were stopped;
 * restore() listens again on the same port. `attempts`: wall-clock ms of accepted connections.
 */
export async function startCutProxy(port) {
  const pairs = new Set();
  const attempts = [];
  const server = net.createServer((down) => {
    attempts.push(performance.timeOrigin + performance.now());
    if (attempts.length > 10_000) attempts.shift();
    const up = net.connect({ host: HOST, port });
    up.setNoDelay(true);
    down.setNoDelay(true);
    pairs.add(down);
    const end = () => { up.destroy(); down.destroy(); pairs.delete(down); };
    up.on('error', end).on('close', end);
    down.on('error', end).on('close', end);
    down.pipe(up);
    up.pipe(down);
  });
  const listen = (p) => new Promise((resolve, reject) => { server.once('error', reject); server.listen(p, HOST, () => { server.off('error', reject); resolve(); }); });
  await listen(0);
  const own = server.address().port;
  const drop = () => { for (const s of [...pairs]) s.destroy(); };
  return {
    port: own,
    get open() { return pairs.size; },
    attempts,
    async cut() {
      const closed = new Promise((r) => server.close(() => r()));
      drop();
      await closed;
    },
    restore() { return listen(own); },
    async close() {
      drop();
      if (server.listening) await new Promise((r) => server.close(() => r()));
    },
  };
}

/**
 * The peak resident memory of `pid` over one phase: the kernel's high-water mark reset at the
 * start (write 5 to /proc/PID/clear_refs; needs root or the same user) and VmRSS polled every
 * 100 ms as a fallback; stop() returns the larger, in MB.
 */
export function peakRss(pid) {
  let reset = false;
  try { writeFileSync(`/proc/${pid}/clear_refs`, '5'); reset = true; } catch { /* not allowed: polling only */ }
  let peak = 0;
  const poll = () => { try { peak = Math.max(peak, statusMB(pid, 'VmRSS')); } catch { /* exited */ } };
  poll();
  const timer = setInterval(poll, 100);
  return {
    stop() {
      clearInterval(timer);
      poll();
      if (reset) { try { peak = Math.max(peak, statusMB(pid, 'VmHWM')); } catch { /* exited */ } }
      return peak;
    },
  };
}
