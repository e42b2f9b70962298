// Measurements: process figures read from /proc, so broker and generator are measured the same
// way whatever language they are written in (mosquitto is C, the hub and the generator are Node),
// and a log-bucketed latency histogram (1.5 % wide buckets from 1 µs to ~100 s): fixed size, so
// the generator records every acknowledgement without allocating, and workers merge by adding.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import net from 'node:net';

let clkTck = 100;
try {
  clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // getconf missing: Linux's USER_HZ is 100 on every architecture we run on.
}

/** CPU time (user + system) of a process in milliseconds, from /proc/{pid}/stat. */
export function cpuMs(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: split after its closing ')'.
  const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return ((utime + stime) * 1000) / clkTck;
}

/** Busy CPU time of the whole machine in milliseconds (all cores), from /proc/stat. */
export function machineBusyMs() {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal: everything but idle and iowait is busy.
  const busy = f[0] + f[1] + f[2] + f[5] + f[6] + (f[7] ?? 0);
  return (busy * 1000) / clkTck;
}

/** A field of /proc/{pid}/status in MB (VmRSS: resident now; VmHWM: peak resident). */
export function statusMB(pid, field) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  if (!m) throw new Error(`${field} not in /proc/${pid}/status`);
  return Math.round((Number(m[1]) / 1024) * 10) / 10;
}

/** A TCP port that was free a moment ago on `host` (for programs that cannot report port 0). */
export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts TCP connections on host:port. */
export async function waitForPort(host, port, timeoutMs, isAlive = () => true) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = net.connect({ host, port });
      s.once('connect', () => { s.destroy(); resolve(true); });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!isAlive()) throw new Error(`process exited before listening on ${host}:${port}`);
    if (Date.now() > deadline) throw new Error(`nothing listens on ${host}:${port} after ${timeoutMs} ms`);
    await sleep(25);
  }
}

/** Rounds to `digits` decimals; null for a missing or non-finite figure (JSON has no NaN). */
export function round(x, digits = 2) {
  return x === null || !Number.isFinite(x) ? null : Math.round(x * 10 ** digits) / 10 ** digits;
}

export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Waits for a child process to exit, killing it (SIGKILL) if it does not within `ms`. */
export function waitExit(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      try { process.kill(child.pid, 'SIGKILL'); } catch { /* already gone */ }
    }, ms);
    child.once('exit', () => { clearTimeout(t); resolve(); });
  });
}

// --- latency histogram ---

const GROWTH = 1.015;
const LOG_GROWTH = Math.log(GROWTH);
export const BUCKETS = 1300;

export function newHistogram() {
  return new Float64Array(BUCKETS);
}

/** Records one latency given in milliseconds. */
export function record(hist, ms) {
  const us = ms * 1000;
  const i = us <= 1 ? 0 : Math.min(BUCKETS - 1, Math.floor(Math.log(us) / LOG_GROWTH));
  hist[i] += 1;
}

export function merge(into, from) {
  for (let i = 0; i < BUCKETS; i++) into[i] += from[i] ?? 0;
  return into;
}

/** The p-th percentile (0..100) in milliseconds (bucket midpoint), or null when empty. */
export function percentile(hist, p) {
  let total = 0;
  for (let i = 0; i < BUCKETS; i++) total += hist[i];
  if (total === 0) return null;
  const target = Math.ceil((p / 100) * total);
  let seen = 0;
  for (let i = 0; i < BUCKETS; i++) {
    seen += hist[i];
    if (seen >= target) return GROWTH ** (i + 0.5) / 1000;
  }
  return GROWTH ** BUCKETS / 1000;
}
