// Entry of the `gateway` scenario for bench/run.mjs: runs gateway-scenario.mjs against the
// fieldhub gateway and the mosquitto bridge (the --targets fieldhub / mosquitto select them;
// aedes has no bridge and is skipped), one after the other on fresh processes, prints their
// lines, then one ratio line (fieldhub-gateway / mosquitto-bridge) when both ran.
import { runGateway } from './gateway-scenario.mjs';
import { startFieldhubGateway, startMosquittoBridge } from './gateway-systems.mjs';
import { round } from './measure.mjs';

/** Options of run.mjs's parseArgs that belong to this scenario (defaults sized for a 2-core machine). */
export const GATEWAY_OPTIONS = {
  'gateway-devices': { type: 'string', default: '20' },
  'gateway-window': { type: 'string', default: '16' },
  'gateway-rate': { type: 'string', default: '1000' },
  backlog: { type: 'string', default: '100000' },
  'crash-backlog': { type: 'string', default: '10000' },
  'gateway-phases': { type: 'string', default: 'live,throughput,backlog,crash' },
};
const PHASES = ['live', 'throughput', 'backlog', 'crash'];

const SYSTEMS = { fieldhub: startFieldhubGateway, mosquitto: startMosquittoBridge };

function ratio(a, b, keys) {
  const out = {};
  for (const k of keys) out[k] = a?.[k] && b?.[k] ? round(a[k] / b[k], 3) : null;
  return out;
}

/** Runs the scenario; returns the number of systems that failed. */
export async function runGatewayScenario(args, targets, emit, progress) {
  const backlog = Number(args.backlog);
  const phases = new Set(String(args['gateway-phases']).split(',').map((p) => p.trim()).filter(Boolean));
  const unknown = [...phases].filter((p) => !PHASES.includes(p));
  if (unknown.length > 0 || phases.size === 0) throw new Error(`--gateway-phases: ${unknown.join(',') || 'none given'}; choose from ${PHASES.join(',')}`);
  const opts = {
    phases,
    devices: Number(args['gateway-devices']), window: Number(args['gateway-window']), payloadBytes: Number(args['payload-bytes']),
    rate: Number(args['gateway-rate']), durationS: Number(args.duration), warmupS: Number(args.warmup), backlog, generators: 1,
    crashBacklog: Number(args['crash-backlog']),
    backlogTimeoutS: 300, drainTimeoutS: 300, stallS: 30, crashStallS: 15,
    identitiesPerSecond: 50,
    // mosquitto's default max_queued_messages (1000) would drop all but 1,000 of the backlog: room
    // for the backlog and for what the closed-loop phase leaves queued behind the bridge.
    maxQueuedMessages: Math.max(1_000_000, backlog * 2),
    progress,
  };
  const results = {};
  let failures = 0;
  for (const target of targets) {
    const start = SYSTEMS[target];
    if (!start) { progress(`gateway: no ${target} variant, skipped`); continue; }
    progress(`gateway against ${target}`);
    try {
      const lines = await runGateway(start, opts);
      for (const line of lines) emit(line);
      results[target] = Object.fromEntries(lines.map((l) => [l.phase, l]));
    } catch (err) {
      failures++;
      for (const line of err.partial ?? []) emit(line);
      emit({ scenario: 'gateway', system: target, error: String(err.message ?? err) });
    }
  }
  const f = results.fieldhub;
  const m = results.mosquitto;
  if (f && m) {
    emit({
      scenario: 'gateway', ratio: 'fieldhub-gateway / mosquitto-bridge',
      live: ratio(f.live, m.live, ['msgsPerSec', 'p50Ms', 'p99Ms', 'peakRssMB', 'localCpuPct']),
      throughput: ratio(f.throughput, m.throughput, ['msgsPerSec', 'ackedPerSec', 'p99Ms', 'peakRssMB']),
      backlog: ratio(f.backlog, m.backlog, ['awayAckedPerSec', 'drainMsgsPerSec', 'firstDeliveryAfterReturnMs', 'peakRssMB']),
      ...(f.crash && m.crash ? { crashDelivered: { 'fieldhub-gateway': `${f.crash.delivered}/${f.crash.sent}`, 'mosquitto-bridge': `${m.crash.delivered}/${m.crash.sent}` } } : {}),
    });
  }
  return failures;
}
