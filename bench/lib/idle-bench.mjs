// The idle scenario: resident memory of each broker at rest, the figure a board with little
// memory pays all day. Every target starts at once (they are idle: they do not compete), fieldhub
// gets --idle-devices identities in its registry, then each process is sampled once a second for
// --idle-settle seconds: V8 gives memory back some seconds after start (its memory reducer), so
// the figure is the mean of the last five samples, beside the RSS right after start. RSS is split
// into anonymous memory (heap, stacks) and file-backed pages (the mapped program: for Node,
// mostly the node binary), and `node` alone, idle, is measured beside them as the floor. With
// fieldhub among the targets, its gateway (`fieldhub start` with the default configuration: the
// local hub, the system module, no upstream) is measured beside them too, as `fieldhub-gateway`.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startFieldhubProcess } from './gateway-procs.mjs';
import { round, statusMB, waitExit } from './measure.mjs';

export const IDLE_OPTIONS = {
  'idle-devices': { type: 'string', default: '100' },
  'idle-settle': { type: 'string', default: '30' },
};

/** Anonymous and file-backed resident MB of a process, from /proc/{pid}/smaps_rollup. */
function rssParts(pid) {
  const text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  const kb = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
  const rss = kb('Rss');
  const anon = kb('Anonymous');
  return { rssMB: rss / 1024, anonMB: anon / 1024, fileMB: (rss - anon) / 1024 };
}

/** Plain `node` waiting on a timer: what any Node process costs before it loads anything. */
async function startNodeBaseline() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 500));
  return {
    name: 'node', pid: child.pid, engine: `node ${process.version} (no code loaded)`,
    async stop() {
      child.kill('SIGTERM');
      await waitExit(child, 5000);
    },
  };
}

/**
 * `fieldhub start` as a board runs it out of the box: an empty JSON config file, so every key has
 * the embedded default's value (the local hub, the system module, no upstream, no routes).
 */
async function startGatewayDefault() {
  const gw = await startFieldhubProcess('start', {});
  return {
    name: 'fieldhub-gateway', pid: gw.pid, rssAtReadyMB: statusMB(gw.pid, 'VmRSS'),
    engine: `fieldhub ${JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version} start (default configuration)`,
    stop: () => gw.stop(),
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples every target for settleS seconds; returns one line per target. */
async function sample(running, settleS, progress) {
  const samples = new Map(running.map((t) => [t.name, []]));
  for (let s = 1; s <= settleS; s++) {
    await sleep(1000);
    for (const t of running) samples.get(t.name).push(rssParts(t.pid));
    if (s % 10 === 0) progress(`idle: ${s}/${settleS} s, RSS ${running.map((t) => `${t.name} ${round(samples.get(t.name).at(-1).rssMB, 1)} MB`).join(', ')}`);
  }
  return running.map((t) => {
    const last = samples.get(t.name).slice(-5);
    const mean = (k) => round(last.reduce((a, x) => a + x[k], 0) / last.length, 1);
    return {
      target: t.name, engine: t.engine, rssAtReadyMB: t.rssAtReadyMB,
      idleRssMB: mean('rssMB'), anonMB: mean('anonMB'), fileMB: mean('fileMB'),
      minRssMB: round(Math.min(...samples.get(t.name).map((x) => x.rssMB)), 1),
      maxRssMB: round(Math.max(...samples.get(t.name).map((x) => x.rssMB)), 1),
      ...(t.start === undefined ? {} : { start: t.start }),
      ...(t.identities === undefined ? {} : { devices: t.identities }),
      settleS,
    };
  });
}

export async function runIdleScenario(args, targets, starters, emit, progress) {
  const devices = Number(args['idle-devices']);
  const settleS = Math.max(5, Number(args['idle-settle']));
  let failures = 0;
  let fieldhubDir;
  const running = [];
  try {
    // First: every target from scratch (fieldhub makes its CA and server certificate), side by side.
    const starts = [
      ...targets.map((name) => ({ name, start: async () => {
        const broker = name === 'fieldhub' ? await starters.fieldhub({ keepDir: true }) : await starters[name]();
        running.push(broker);
        if (name === 'fieldhub') {
          fieldhubDir = broker.dir;
          broker.start = 'first';
          // Only fieldhub keeps identities; the others accept any client.
          if (devices > 0) await broker.devices(devices, 'idle');
          broker.identities = devices;
        }
      } })),
      ...(targets.includes('fieldhub') ? [{ name: 'fieldhub-gateway', start: async () => {
        running.push(await startGatewayDefault());
      } }] : []),
      { name: 'node', start: async () => {
        const b = await startNodeBaseline();
        running.push(b);
        b.rssAtReadyMB = statusMB(b.pid, 'VmRSS');
      } },
    ];
    const started = await Promise.allSettled(starts.map((s) => s.start()));
    for (const [i, r] of started.entries()) {
      if (r.status === 'rejected') {
        failures++;
        emit({ scenario: 'idle', target: starts[i].name, error: String(r.reason?.message ?? r.reason) });
      }
    }
    progress(`idle: ${running.map((t) => t.name).join(', ')} started, sampling ${settleS} s`);
    for (const line of await sample(running, settleS, progress)) emit({ scenario: 'idle', ...line });
    await Promise.all(running.splice(0).map((t) => t.stop().catch(() => {})));

    // Then fieldhub as a board runs it day to day: restarted on its data folder (certificates and
    // identities from the store).
    if (fieldhubDir !== undefined) {
      progress(`idle: fieldhub restarted on its data folder, sampling ${settleS} s`);
      const broker = await starters.fieldhub({ dir: fieldhubDir });
      running.push(broker);
      broker.start = 'restart';
      broker.identities = devices;
      for (const line of await sample(running, settleS, progress)) emit({ scenario: 'idle', ...line });
    }
  } catch (err) {
    failures++;
    emit({ scenario: 'idle', target: 'fieldhub', start: 'restart', error: String(err.message ?? err) });
  } finally {
    await Promise.all(running.map((t) => t.stop().catch(() => {})));
  }
  return failures;
}
