#!/usr/bin/env node
// `npm run bench`: one JSON line per scenario per target on stdout, progress on stderr.
//   --only mqtt-ingest|mqtt-connections   run one scenario
//   --duration S    measured seconds of mqtt-ingest (default 10, after a warm-up)
//   --targets fieldhub,mosquitto,aedes    which brokers (default all three)
//   --window N      in-flight QoS 1 messages per connection (default 16)
//   --connections N devices in mqtt-ingest (default 100)
//   --steps A,B,C   idle connection counts of mqtt-connections (default 100,500,1000)
// After mqtt-ingest, one ratio line: fieldhub/mosquitto in `ratio`, fieldhub/aedes in `ratioAedes`
// (each present when both of its targets ran).
import { parseArgs } from 'node:util';
import { startMosquitto } from './lib/mosquitto.mjs';
import { startFieldhub } from './lib/fieldhub.mjs';
import { startAedes } from './lib/aedes.mjs';
import { runConnections, runIngest } from './lib/scenarios.mjs';
import { round } from './lib/measure.mjs';

const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    targets: { type: 'string', default: 'fieldhub,mosquitto,aedes' },
    window: { type: 'string', default: '16' },
    connections: { type: 'string', default: '100' },
    'payload-bytes': { type: 'string', default: '256' },
    steps: { type: 'string', default: '100,500,1000' },
  },
});

const SCENARIOS = ['mqtt-ingest', 'mqtt-connections'];
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
  const line = {};
  const ratio = ratioOf(results.fieldhub, results.mosquitto);
  const ratioAedes = ratioOf(results.fieldhub, results.aedes);
  if (ratio) line.ratio = ratio;
  if (ratioAedes) line.ratioAedes = ratioAedes;
  if (ratio || ratioAedes) emit({ scenario: 'mqtt-ingest', ...line });
}

/** fieldhub's figures divided by another target's, or null when either did not run. */
function ratioOf(a, b) {
  if (!a || !b) return null;
  const ratio = {};
  for (const k of ['msgPerS', 'p50Ms', 'p99Ms', 'peakRssMB', 'idleRssMB', 'cpuMsPerKMsg']) {
    ratio[k] = a[k] && b[k] ? round(a[k] / b[k], 3) : null;
  }
  return ratio;
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

if (!args.only || args.only === 'mqtt-ingest') await ingest();
if (!args.only || args.only === 'mqtt-connections') await connections();
process.exitCode = failures > 0 ? 1 : 0;
