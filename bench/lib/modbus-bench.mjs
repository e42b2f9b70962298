// `--only modbus`: Modbus RTU polling of 10 slaves on one line at 115200 baud, over a socat pty pair
// to one pymodbus 3.0 server answering the 10 unit ids (test/integration/modbus/modbus-peer.py).
// A pty has no baud rate, so the server holds each answer for the time request and answer would
// take on a real line at 115200 baud (11 bits per character); the module adds the t3.5 silence
// between frames itself. The modbus module runs under a real module host and hub core (in process,
// MemoryStore); every slave is polled as fast as the line allows (pollIntervalS 0.05).
// Each slave has 16 uint16 points on every other holding register (0, 2, … 30): coalesced, one
// request of 31 registers per cycle; uncoalesced, 16 requests of one register. Figures, one JSON
// line per variant: points (useful registers) per second, registers on the wire per second,
// requests per second, and the line's theoretical maximum for the same request pattern computed
// from frame sizes (8-byte request, 5 + 2N-byte answer, 3.5-character gaps, 11 bits per
// character); `efficiency` = measured / theoretical. `lineMaxRegistersPerS` is the line's ceiling
// with 125-register requests.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { round } from './measure.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const DIST = join(ROOT, 'dist');
const PEER = join(ROOT, 'test', 'integration', 'modbus', 'modbus-peer.py');
const BAUD = 115_200;
const SLAVES = 10;
const POINTS = 16;
const STRIDE = 2;

export const MODBUS_OPTIONS = {
  'modbus-slaves': { type: 'string', default: String(SLAVES) },
};

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function until(check, what, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise((r) => child.once('exit', r));
  process.kill(child.pid, 'SIGTERM');
  return exited;
}

function profileYaml() {
  const points = Array.from({ length: POINTS }, (_, i) => `  - { name: p${i}, modbus: { table: holding, address: ${i * STRIDE}, type: uint16 } }`);
  return ['schemaVersion: 1', 'id: bench-sparse', 'name: bench profile', 'protocol: modbus', 'defaults: { pollIntervalS: 0.05 }', 'points:', ...points, ''].join('\n');
}

async function startLine(dir, slaves) {
  const a = join(dir, 'ttyA');
  const b = join(dir, 'ttyB');
  const socat = spawn('socat', [`pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: 'ignore' });
  await until(() => existsSync(a) && existsSync(b), 'socat pty links');
  const units = {};
  for (let u = 1; u <= slaves; u++) units[u] = { hr: [[0, Array.from({ length: POINTS * STRIDE }, (_, i) => u * 100 + i)]] };
  const config = { mode: 'rtu', device: b, baud: BAUD, units, lineBaud: BAUD, logRequests: false };
  const peer = spawn('/usr/bin/python3', [PEER, JSON.stringify(config)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  peer.stdout.setEncoding('utf8').on('data', (c) => { out += c; });
  peer.stderr.setEncoding('utf8').on('data', (c) => { err += c; });
  await until(() => out.includes('"ready"') || peer.exitCode !== null, 'the pymodbus peer').catch((e) => { throw new Error(`${e.message}: ${err}`); });
  if (!out.includes('"ready"')) throw new Error(`pymodbus peer exited: ${err} (apt-get install socat python3-pymodbus python3-serial python3-serial-asyncio)`);
  return { path: a, async stop() { await stop(peer); await stop(socat); } };
}

async function runVariant({ coalesce, slaves, durationS, warmupS, progress }) {
  const [{ HubCore }, { MemoryStore }, { ModuleHost }, { modbusFactory }, { silentLogger }, timing, { planReads }] = await Promise.all([
    import(join(DIST, 'hub-core/core/hub.js')), import(join(DIST, 'hub-core/store/memory.js')), import(join(DIST, 'runtime/modules/module-host.js')),
    import(join(DIST, 'modules/modbus/index.js')), import(join(DIST, 'hub-core/log.js')), import(join(DIST, 'modules/modbus/frame-timing.js')),
    import(join(DIST, 'modules/modbus/planner.js')),
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'fieldhub-modbus-bench-'));
  const line = await startLine(dir, slaves);
  const hub = await HubCore.create({ store: new MemoryStore(), hostName: 'bench.local' });
  const host = ModuleHost.create({ core: hub, gatewayDeviceId: 'gw', factories: new Map([['modbus', modbusFactory]]), dataDir: join(dir, 'data'), logger: silentLogger() });
  writeFileSync(join(dir, 'bench-sparse.yaml'), profileYaml());
  let counting = false;
  let cycles = 0;
  const unsubscribe = hub.telemetry.onAppend(() => { if (counting) cycles++; });
  try {
    await host.start({
      mb: {
        type: 'modbus',
        config: {
          ports: { line: { kind: 'rtu', path: line.path, baudRate: BAUD } },
          devices: Array.from({ length: slaves }, (_, i) => ({ deviceId: `slave-${i + 1}`, profile: 'bench-sparse', port: 'line', unitId: i + 1, pollIntervalS: 0.05 })),
          coalesce,
          profileDirs: [dir],
        },
      },
    });
    await sleep(warmupS * 1000);
    const status = () => host.status().mb?.health?.details?.ports?.line ?? {};
    const before = { ...status(), failures: { ...status().failures } };
    const t0 = performance.now();
    counting = true;
    await sleep(durationS * 1000);
    counting = false;
    const seconds = (performance.now() - t0) / 1000;
    const after = status();
    const requests = after.transactions - before.transactions;
    const items = Array.from({ length: POINTS }, (_, i) => ({ point: `p${i}`, table: 'holding', address: i * STRIDE, count: 1 }));
    const plan = planReads(items, { coalesce, maxGap: 8 });
    const wireRegsPerCycle = plan.reduce((n, r) => n + r.count, 0);
    const cycleMs = plan.reduce((ms, r) => ms + timing.readTransactionMs(BAUD, r.count), 0);
    const theoreticalPointsPerS = (POINTS * 1000) / cycleMs;
    const pointsPerS = (cycles * POINTS) / seconds;
    const failures = Object.fromEntries(Object.entries(after.failures ?? {}).map(([k, v]) => [k, v - (before.failures?.[k] ?? 0)]).filter(([, v]) => v > 0));
    progress(`modbus ${coalesce ? 'coalesced' : 'uncoalesced'}: ${round(pointsPerS, 1)} points/s of ${round(theoreticalPointsPerS, 1)}`);
    return {
      scenario: 'modbus', variant: coalesce ? 'coalesced' : 'uncoalesced', slaves, baudRate: BAUD, pointsPerSlave: POINTS,
      requestsPerCycle: plan.length, wireRegistersPerCycle: wireRegsPerCycle, durationS: round(seconds, 2),
      cycles, cyclesPerS: round(cycles / seconds, 1), pointsPerS: round(pointsPerS, 1), wireRegistersPerS: round((cycles * wireRegsPerCycle) / seconds, 1),
      requestsPerS: round(requests / seconds, 1), theoreticalPointsPerS: round(theoreticalPointsPerS, 1), efficiency: round(pointsPerS / theoreticalPointsPerS, 3),
      lineMaxRegistersPerS: round(timing.lineRegistersPerSecond(BAUD, 125), 1), failures,
    };
  } finally {
    unsubscribe();
    await host.stop();
    await hub.close();
    await line.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs both variants; returns the number of failed variants. */
export async function runModbusScenario(args, emit, progress) {
  let failures = 0;
  const slaves = Number(args['modbus-slaves'] ?? SLAVES);
  for (const coalesce of [true, false]) {
    try {
      emit(await runVariant({ coalesce, slaves, durationS: Number(args.duration), warmupS: Number(args.warmup), progress }));
    } catch (err) {
      failures++;
      emit({ scenario: 'modbus', variant: coalesce ? 'coalesced' : 'uncoalesced', error: String(err.message ?? err) });
    }
  }
  return failures;
}
