// The gateway scenario for one system (gateway-systems.mjs): leaf devices -> local side ->
// upstream, measured at the upstream end by gateway-reader-child.mjs. N leaf devices publish QoS 1
// telemetry through loadgen.mjs's LoadGenerator over gateway-loadgen-child.mjs. Phases, in order,
// one result line each:
//   live:       an offered rate (open loop, messages per second in total): messages arriving
//               upstream per second over the measured window, end-to-end latency (send -> arrival
//               upstream) of the messages sent in it, the local side's peak RSS and CPU.
//   throughput: the same with each device keeping `window` messages in flight (closed loop): the
//               most the local side acknowledges, and what of it reaches the upstream per second.
//   backlog:    the upstream taken away (proxy cut), `backlog` messages sent and acknowledged by
//               the local side, the upstream back: delay from its return to the first delivery,
//               drain rate, what arrived (missing, duplicates, out of order), peak RSS.
//   crash:      the same with `crashBacklog` messages and a kill -9 of the local side right after
//               the last acknowledgement, restarted on its data before the upstream returns.
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LoadGenerator } from './loadgen.mjs';
import { availableParallelism } from 'node:os';
import { cpuMs, machineBusyMs, merge, newHistogram, percentile, round, sleep } from './measure.mjs';
import { peakRss, track } from './gateway-procs.mjs';

const GEN_CHILD = fileURLToPath(new URL('./gateway-loadgen-child.mjs', import.meta.url));
const READER_CHILD = fileURLToPath(new URL('./gateway-reader-child.mjs', import.meta.url));
const wallMs = () => performance.timeOrigin + performance.now();

/** The reader child: a promise-returning `ask(cmd, ev)` over IPC. */
function startReader() {
  const child = track(fork(READER_CHILD, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  const ask = (msg, ev, ms = 30_000) => new Promise((resolve, reject) => {
    const timer = setTimeout(() => { cleanup(); reject(new Error(`reader: no ${ev} within ${ms} ms`)); }, ms);
    const onMessage = (m) => {
      if (m.ev === 'error') { cleanup(); reject(new Error(`reader: ${m.message}`)); } else if (m.ev === ev) { cleanup(); resolve(m); }
    };
    const onExit = () => { cleanup(); reject(new Error('reader exited')); };
    const cleanup = () => { clearTimeout(timer); child.off('message', onMessage); child.off('exit', onExit); };
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(msg);
  });
  return { child, ask, close: () => { if (child.connected) child.send({ cmd: 'close' }); } };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(what)), ms); })])
    .finally(() => clearTimeout(timer));
}

const sum = (obj) => Object.values(obj).reduce((n, v) => n + v, 0);
const phaseOf = (stats, p) => stats.phases[p] ?? { unique: 0, duplicates: 0, outOfOrder: 0, firstArrival: null, lastArrival: null };

/** Waits until the reader saw `want` unique messages of `phase`, or nothing new came for `stallMs`. */
async function awaitArrivals(reader, phase, want, stallMs, maxMs) {
  const start = Date.now();
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const stats = await reader.ask({ cmd: 'query' }, 'stats');
    const got = phaseOf(stats, phase).unique;
    if (got >= want) return { stats, complete: true };
    if (got !== last) { last = got; lastChange = Date.now(); }
    if (Date.now() - lastChange > stallMs || Date.now() - start > maxMs) return { stats, complete: false };
    await sleep(50);
  }
}

/** CPU ms of the processes of one run, by role, and of the whole machine, for a phase's window. */
function cpuMeter(sys, gen, reader) {
  const groups = { local: [sys.pid], upstream: [sys.upstreamPid], generator: gen.pids, reader: [reader.child.pid] };
  const read = () => {
    const out = { machine: machineBusyMs() };
    for (const [k, pids] of Object.entries(groups)) out[k] = pids.reduce((n, pid) => { try { return n + cpuMs(pid); } catch { return n; } }, 0);
    return out;
  };
  const t0 = performance.now();
  const a = read();
  return () => {
    const b = read();
    const s = (performance.now() - t0) / 1000;
    const pct = (k) => round((b[k] - a[k]) / (s * 10), 1);
    const ours = Object.keys(groups).reduce((n, k) => n + (b[k] - a[k]), 0);
    // % of one core per role; `other`: everything else on the machine, % of all cores.
    return {
      localCpuPct: pct('local'), upstreamCpuPct: pct('upstream'), generatorCpuPct: pct('generator'), readerCpuPct: pct('reader'),
      otherCpuPct: round(Math.max(0, (b.machine - a.machine) - ours) / (s * 10 * availableParallelism()), 1),
    };
  };
}

/**
 * One load phase: `rate` > 0: that many messages per second in total, open loop (latency at a
 * given load); 0: each device keeps `window` in flight (the most the system acknowledges).
 */
async function loadPhase(sys, gen, reader, opts, phase, rate) {
  opts.progress(`${sys.name}: ${phase}${rate > 0 ? ` at ${rate} msg/s` : ', closed loop'}, warming up ${opts.warmupS} s`);
  const before = phaseOf(await reader.ask({ cmd: 'query' }, 'stats'), 'L');
  const rss = peakRss(sys.pid);
  const perChild = rate > 0 ? rate / gen.pids.length : 0;
  await gen.all({ cmd: 'publish', window: opts.window, payloadBytes: opts.payloadBytes, rate: perChild, phase: 'L' }, 'publishing');
  await sleep(opts.warmupS * 1000);
  await gen.mark();
  const cpu = cpuMeter(sys, gen, reader);
  const t0 = wallMs();
  await sleep(opts.durationS * 1000);
  const t1 = wallMs();
  const cpuPct = cpu();
  const answers = await gen.all({ cmd: 'stop', drainMs: 60_000 }, 'stats');
  const durationS = (t1 - t0) / 1000;
  const errorCount = answers.reduce((n, a) => n + a.errorCount, 0);
  if (errorCount > 0) throw new Error(`${errorCount} generator errors, e.g. ${answers.flatMap((a) => a.errors).slice(0, 3).join('; ')}`);
  // Sequence numbers run on across phases (the load phases run first, before any burst): the sum
  // of the last ones is everything sent so far, which the reader must now hold.
  const sentTotal = answers.reduce((n, a) => n + sum(a.lastSeq), 0);
  gen.lastSeq = Object.assign({}, ...answers.map((a) => a.lastSeq));
  const acked = answers.reduce((n, a) => n + a.acked, 0);
  const skipped = answers.reduce((n, a) => n + (a.skipped ?? 0), 0);
  const ackHist = newHistogram();
  for (const a of answers) merge(ackHist, a.hist);
  const settled = await awaitArrivals(reader, 'L', sentTotal, 20_000, 120_000);
  const settleMs = wallMs() - t1;
  const stats = await reader.ask({ cmd: 'query', window: [t0, t1], lastSeq: gen.lastSeq }, 'stats');
  reportNeverSent(sys, opts, phase, stats);
  const L = phaseOf(stats, 'L');
  const w = stats.live;
  const sent = sentTotal - (gen.sentSoFar ?? 0);
  gen.sentSoFar = sentTotal;
  return {
    phase, offeredPerSec: rate > 0 ? rate : null, durationS: round(durationS, 2),
    msgsPerSec: Math.round(w.arrivedInWindow / durationS),
    ackedPerSec: Math.round(acked / durationS),
    ...(skipped > 0 ? { notOfferedWindowFull: skipped } : {}),
    p50Ms: round(w.p50Ms, 2), p99Ms: round(w.p99Ms, 2), maxMs: round(w.maxMs, 1),
    ...(w.storedP99Ms !== undefined ? { upstreamStoreP50Ms: round(w.storedP50Ms, 2), upstreamStoreP99Ms: round(w.storedP99Ms, 2) } : {}),
    ackP50Ms: round(percentile(ackHist, 50), 2), ackP99Ms: round(percentile(ackHist, 99), 2),
    sent, delivered: L.unique - before.unique, missing: sentTotal - L.unique,
    duplicates: L.duplicates - before.duplicates, outOfOrder: L.outOfOrder - before.outOfOrder, neverSent: stats.neverSent.count,
    allArrivedAfterMs: settled.complete ? Math.round(settleMs) : null,
    peakRssMB: rss.stop(), ...cpuPct,
  };
}

/** Progress note when messages arrived upstream that their device never sent (misattributed). */
function reportNeverSent(sys, opts, phase, stats) {
  if (stats.neverSent.count > 0) {
    opts.progress(`${sys.name}: ${phase}: ${stats.neverSent.count} messages upstream that their device never sent, e.g. ${stats.neverSent.examples.join(', ')}`);
  }
}

/** Spreads `total` messages over the devices: { clientId: count }. */
function spread(devices, total) {
  const perDevice = {};
  devices.forEach((d, i) => { perDevice[d.clientId] = Math.floor(total / devices.length) + (i < total % devices.length ? 1 : 0); });
  return perDevice;
}

/**
 * crash: the upstream away, `crashBacklog` messages acknowledged, then kill -9 of the local side
 * right after the last acknowledgement, a restart on the same data, the upstream back: what of
 * the acknowledged backlog still arrives.
 */
async function crashPhase(sys, gen, reader, devices, opts) {
  opts.progress(`${sys.name}: upstream away, ${opts.crashBacklog} messages, then kill -9 of the local side`);
  await sys.cut();
  const bursts = await withTimeout(gen.all({ cmd: 'burst', perDevice: spread(devices, opts.crashBacklog), window: opts.window, payloadBytes: opts.payloadBytes, phase: 'C' }, 'burstDone'),
    opts.backlogTimeoutS * 1000, `the crash backlog was not acknowledged within ${opts.backlogTimeoutS} s`);
  const sent = bursts.reduce((n, b) => n + b.sent, 0);
  gen.lastSeq = Object.assign({}, ...bursts.map((b) => b.lastSeq));
  const t0 = performance.now();
  await sys.crashAndRestart();
  const restartMs = Math.round(performance.now() - t0);
  await sys.restore();
  const tReturn = wallMs();
  const done = await awaitArrivals(reader, 'C', sent, opts.crashStallS * 1000, opts.drainTimeoutS * 1000);
  await sleep(1000);
  const stats = await reader.ask({ cmd: 'query', lastSeq: gen.lastSeq }, 'stats');
  reportNeverSent(sys, opts, 'crash', stats);
  const C = phaseOf(stats, 'C');
  return {
    phase: 'crash', sent, restartMs,
    firstDeliveryAfterReturnMs: C.firstArrival === null ? null : Math.round(C.firstArrival - tReturn),
    delivered: C.unique, missing: sent - C.unique, allArrived: done.complete, duplicates: C.duplicates, outOfOrder: C.outOfOrder,
    neverSent: stats.neverSent.count,
  };
}

export async function runGateway(startSystem, opts) {
  const sys = await startSystem(opts);
  const reader = startReader();
  let gen;
  const lines = [];
  try {
    const devices = await sys.devices(opts.devices);
    await reader.ask({ cmd: 'start', source: sys.readerSource() }, 'ready');
    gen = new LoadGenerator(opts.generators, GEN_CHILD);
    for (const child of gen.children) track(child);
    const connections = await gen.connect(sys.leafTarget, devices);
    const common = {
      scenario: 'gateway', system: sys.name, engine: sys.engine, durableBeforeAck: sys.durableBeforeAck,
      devices: connections, window: opts.window, payloadBytes: opts.payloadBytes, qos: 1,
    };

    for (const [phase, rate] of [['live', opts.rate], ['throughput', 0]]) {
      if (!opts.phases.has(phase)) continue;
      lines.push({ ...common, ...(await loadPhase(sys, gen, reader, opts, phase, rate)) });
      opts.progress(`${sys.name}: ${JSON.stringify(lines.at(-1))}`);
    }

    if (opts.phases.has('backlog')) lines.push(await backlogPhase(sys, gen, reader, devices, common, opts));
    if (opts.phases.has('crash') && opts.crashBacklog > 0) {
      lines.push({ ...common, ...(await crashPhase(sys, gen, reader, devices, opts)) });
      opts.progress(`${sys.name}: crash ${JSON.stringify(lines.at(-1))}`);
    }
    return lines;
  } catch (err) {
    opts.progress(`${sys.name} log tail:\n${sys.logTail()}`);
    err.partial = lines;
    throw err;
  } finally {
    if (gen) await gen.close();
    reader.close();
    await sys.stop();
  }
}

/** backlog: upstream away, `backlog` messages acknowledged locally, upstream back. */
async function backlogPhase(sys, gen, reader, devices, common, opts) {
  opts.progress(`${sys.name}: upstream away, sending ${opts.backlog} messages`);
  await sys.cut();
  const rssAway = peakRss(sys.pid);
  const cpuAway = cpuMeter(sys, gen, reader);
  const bursts = await withTimeout(gen.all({ cmd: 'burst', perDevice: spread(devices, opts.backlog), window: opts.window, payloadBytes: opts.payloadBytes, phase: 'B' }, 'burstDone'),
    opts.backlogTimeoutS * 1000, `the backlog was not acknowledged within ${opts.backlogTimeoutS} s`);
  const burstErrors = bursts.reduce((n, b) => n + b.errorCount, 0);
  if (burstErrors > 0) throw new Error(`${burstErrors} generator errors while the upstream was away, e.g. ${bursts.flatMap((b) => b.errors).slice(0, 3).join('; ')}`);
  const backlogSent = bursts.reduce((n, b) => n + b.sent, 0);
  gen.lastSeq = Object.assign({}, ...bursts.map((b) => b.lastSeq));
  const awayMs = Math.max(...bursts.map((b) => b.ms));
  const queued = sys.outboxDepth ? await sys.outboxDepth() : undefined;
  const peakRssAwayMB = rssAway.stop();
  const awayCpu = cpuAway();
  const beforeReturn = phaseOf(await reader.ask({ cmd: 'query' }, 'stats'), 'B').unique;

  opts.progress(`${sys.name}: ${backlogSent} acknowledged in ${Math.round(awayMs)} ms; upstream back`);
  const rssDrain = peakRss(sys.pid);
  const cpuDrain = cpuMeter(sys, gen, reader);
  await sys.restore();
  const tReturn = wallMs();
  const drained = await awaitArrivals(reader, 'B', backlogSent, opts.stallS * 1000, opts.drainTimeoutS * 1000);
  const drainCpu = cpuDrain();
  await sleep(1000); // late duplicates
  const backlogStats = await reader.ask({ cmd: 'query', lastSeq: gen.lastSeq }, 'stats');
  reportNeverSent(sys, opts, 'backlog', backlogStats);
  const B = phaseOf(backlogStats, 'B');
  const peakRssDrainMB = rssDrain.stop();
  const link = sys.linkStats ? await sys.linkStats() : {};
  const line = {
    ...common, phase: 'backlog',
    sent: backlogSent, awayAckedPerSec: Math.round(backlogSent / (awayMs / 1000)),
    ...(queued !== undefined ? { queuedAtReturn: queued } : {}),
    deliveredWhileAway: beforeReturn,
    firstDeliveryAfterReturnMs: B.firstArrival === null ? null : Math.round(B.firstArrival - tReturn),
    ...(B.firstStored != null ? { firstStoredUpstreamAfterReturnMs: Math.round(B.firstStored - tReturn) } : {}),
    drainMsgsPerSec: B.unique > 1 && B.lastArrival > B.firstArrival ? Math.round(B.unique / ((B.lastArrival - B.firstArrival) / 1000)) : null,
    drainMs: B.lastArrival === null ? null : Math.round(B.lastArrival - tReturn),
    delivered: B.unique, missing: backlogSent - B.unique, allArrived: drained.complete, duplicates: B.duplicates, outOfOrder: B.outOfOrder,
    neverSent: backlogStats.neverSent.count,
    ...(link.lastReconnectToFirstAckMs !== undefined ? { gatewayReconnectToFirstAckMs: link.lastReconnectToFirstAckMs } : {}),
    peakRssMB: Math.max(peakRssAwayMB, peakRssDrainMB), peakRssAwayMB, peakRssDrainMB, awayCpu, drainCpu,
    settings: sys.settings, persistence: sys.persistence,
  };
  opts.progress(`${sys.name}: backlog ${JSON.stringify(line)}`);
  return line;
}
