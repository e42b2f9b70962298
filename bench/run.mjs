#!/usr/bin/env node
// `npm run bench`: one JSON line per scenario per target on stdout, progress on stderr.
//   --only idle|mqtt-ingest|amqp-ingest|mqtt-connections|gateway|modbus   run one scenario
//   idle: resident memory of each target at rest after --idle-settle seconds (default 30), fieldhub (and
//   fieldhub-gateway, `fieldhub start` on its embedded default)
//   with --idle-devices identities (default 100), beside plain node; see bench/lib/idle-bench.mjs.
//   --duration S    measured seconds of mqtt-ingest, amqp-ingest and gateway (live) (default 10, after a warm-up)
//   --targets fieldhub,mosquitto,aedes    which brokers (default all three; amqp-ingest: fieldhub only)
//   --window N      in-flight messages per device (default 16)
//   --connections N devices in mqtt-ingest and amqp-ingest (default 100)
//   --amqp-connections A,B   amqp-ingest modes: AMQP connections carrying the devices (default
//                   100,1: one per device, then all identities multiplexed over one)
//   --steps A,B,C   idle connection counts of mqtt-connections (default 100,500,1000)
//   gateway: leaf -> fieldhub gateway -> fieldhub hub, beside leaf -> mosquitto bridge -> mosquitto
//   (--targets fieldhub,mosquitto pick them): latency at --gateway-rate (default 1000 msg/s),
//   throughput, a --backlog (default 100000) sent while the upstream is away and drained when it
//   returns, and a --crash-backlog (default 10000) with kill -9 of the local side. --gateway-devices
//   N (default 20), --gateway-window N (default 16), --gateway-phases live,throughput,backlog,crash
//   (default all four; e.g. `live` alone to profile the local side at a steady rate); see
//   bench/lib/gateway-bench.mjs.
//   modbus: RTU polling of --modbus-slaves (default 10) slaves at 115200 baud over a socat pty to pymodbus,
//   with and without read coalescing, against the line's theoretical maximum; see bench/lib/modbus-bench.mjs.
// After mqtt-ingest, one ratio line: fieldhub/mosquitto in `ratio`, fieldhub/aedes in `ratioAedes`
// (each present when both of its targets ran). After amqp-ingest, when fieldhub's mqtt-ingest ran
// too, one line `vsMqtt`: each AMQP mode's figures divided by fieldhub's MQTT figures.
import { parseArgs } from 'node:util';
import { startMosquitto } from './lib/mosquitto.mjs';
import { startFieldhub } from './lib/fieldhub.mjs';
import { startAedes } from './lib/aedes.mjs';
import { runConnections, runIngest } from './lib/scenarios.mjs';
import { round } from './lib/measure.mjs';
import { GATEWAY_OPTIONS, runGatewayScenario } from './lib/gateway-bench.mjs';
import { MODBUS_OPTIONS, runModbusScenario } from './lib/modbus-bench.mjs';
import { IDLE_OPTIONS, runIdleScenario } from './lib/idle-bench.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    targets: { type: 'string', default: 'fieldhub,mosquitto,aedes' },
    window: { type: 'string', default: '16' },
    connections: { type: 'string', default: '100' },
    'amqp-connections': { type: 'string', default: '100,1' },
    'payload-bytes': { type: 'string', default: '256' },
    steps: { type: 'string', default: '100,500,1000' },
    ...GATEWAY_OPTIONS,
    ...MODBUS_OPTIONS,
    ...IDLE_OPTIONS,
  },
});

const SCENARIOS = ['idle', 'mqtt-ingest', 'amqp-ingest', 'mqtt-connections', 'gateway', 'modbus'];
if (args.only && !SCENARIOS.includes(args.only)) {
  process.stderr.write(`bench: unknown scenario ${args.only} (known: ${SCENARIOS.join(', ')})\n`);
  process.exit(2);
}
const starters = { fieldhub: startFieldhub, mosquitto: startMosquitto, aedes: startAedes };
const targets = args.targets.split(',').map((t) => t.trim()).filter(Boolean);
for (const t of targets) {
  if (!starters[t]) {
    process.stderr.write(`bench: unknown target ${t} (known: ${Object.keys(starters).join(', ')})\n`);
    process.exit(2);
  }
}

let failures = 0;
/** fieldhub's mqtt-ingest figures of this run, for amqp-ingest's comparison. */
let fieldhubMqtt;
function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + '\n');
}
function progress(text) {
  process.stderr.write(`bench: ${text}\n`);
}

async function ingest() {
  const results = {};
  for (const name of targets) {
    progress(`mqtt-ingest against ${name}`);
    try {
      const r = await runIngest(starters[name], {
        connections: Number(args.connections), payloadBytes: Number(args['payload-bytes']),
        window: Number(args.window), durationS: Number(args.duration), warmupS: Number(args.warmup), progress,
      });
      results[name] = r;
      emit({ scenario: 'mqtt-ingest', target: name, ...r });
    } catch (err) {
      failures++;
      emit({ scenario: 'mqtt-ingest', target: name, error: String(err.message ?? err) });
    }
  }
  fieldhubMqtt = results.fieldhub;
  const line = {};
  const ratio = ratioOf(results.fieldhub, results.mosquitto);
  const ratioAedes = ratioOf(results.fieldhub, results.aedes);
  if (ratio) line.ratio = ratio;
  if (ratioAedes) line.ratioAedes = ratioAedes;
  if (ratio || ratioAedes) emit({ scenario: 'mqtt-ingest', ...line });
}

/** fieldhub's figures divided by another target's, or null when either did not run. */
function ratioOf(a, b, keys = ['msgPerS', 'p50Ms', 'p99Ms', 'peakRssMB', 'rssAtReadyMB', 'cpuMsPerKMsg']) {
  if (!a || !b) return null;
  const ratio = {};
  for (const k of keys) {
    ratio[k] = a[k] && b[k] ? round(a[k] / b[k], 3) : null;
  }
  return ratio;
}

/**
 * fieldhub's AMQP head under the mqtt-ingest workload, once per connection count (100: one
 * connection per device; 1: every identity multiplexed over one connection, as the gateway's
 * upstream link), each against a fresh hub.
 */
async function amqpIngest() {
  if (!targets.includes('fieldhub')) {
    progress('amqp-ingest skipped: only fieldhub has an AMQP head and it is not in --targets');
    return;
  }
  const modes = args['amqp-connections'].split(',').map((m) => Number(m.trim())).filter((m) => m > 0);
  const vsMqtt = {};
  for (const conns of modes) {
    progress(`amqp-ingest against fieldhub, ${conns} connection(s)`);
    try {
      const r = await runIngest(startFieldhub, {
        protocol: 'amqp', amqpConnections: conns,
        connections: Number(args.connections), payloadBytes: Number(args['payload-bytes']),
        window: Number(args.window), durationS: Number(args.duration), warmupS: Number(args.warmup), progress,
      });
      emit({ scenario: 'amqp-ingest', target: 'fieldhub', ...r });
      const ratio = ratioOf(r, fieldhubMqtt, ['msgPerS', 'p99Ms', 'peakRssMB']);
      if (ratio) vsMqtt[`connections${r.connections}`] = ratio;
    } catch (err) {
      failures++;
      emit({ scenario: 'amqp-ingest', target: 'fieldhub', protocol: 'amqp', connections: conns, error: String(err.message ?? err) });
    }
  }
  if (!fieldhubMqtt) progress('amqp-ingest: no vsMqtt line, fieldhub\'s mqtt-ingest did not run (or failed) in this run');
  else if (Object.keys(vsMqtt).length > 0) {
    const { msgPerS, p99Ms, peakRssMB } = fieldhubMqtt;
    emit({ scenario: 'amqp-ingest', vsMqtt, mqtt: { msgPerS, p99Ms, peakRssMB } });
  }
}

async function connections() {
  const steps = args.steps.split(',').map(Number);
  for (const name of targets) {
    progress(`mqtt-connections against ${name}`);
    try {
      for await (const line of runConnections(starters[name], { steps, progress })) {
        emit({ scenario: 'mqtt-connections', target: name, ...line });
      }
    } catch (err) {
      failures++;
      emit({ scenario: 'mqtt-connections', target: name, error: String(err.message ?? err) });
    }
  }
}

if (!args.only || args.only === 'idle') failures += await runIdleScenario(args, targets, starters, emit, progress);
if (!args.only || args.only === 'mqtt-ingest') await ingest();
if (!args.only || args.only === 'amqp-ingest') await amqpIngest();
if (!args.only || args.only === 'mqtt-connections') await connections();
if (!args.only || args.only === 'gateway') failures += await runGatewayScenario(args, targets, emit, progress);
if (!args.only || args.only === 'modbus') failures += await runModbusScenario(args, emit, progress);
process.exitCode = failures > 0 ? 1 : 0;
