// The scenarios. mqtt-ingest: N device connections publish QoS 1 telemetry, each keeping
// `window` messages in flight, so the rate is what the broker's acknowledgements allow.
// amqp-ingest: the same N devices and window over the hub's AMQP head (unsettled transfers, each
// counted when the hub settles it accepted), with one connection per device or the identities
// multiplexed over fewer connections. mqtt-connections: resident memory of the broker as idle
// device connections grow, one figure per step, to show memory stays bounded per connection.
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { LoadGenerator } from './loadgen.mjs';
import { cpuMs, machineBusyMs, percentile, round, sleep, statusMB } from './measure.mjs';

const AMQP_CHILD = fileURLToPath(new URL('./amqp-loadgen-child.mjs', import.meta.url));

/**
 * One ingest run against a fresh broker from `start()`. `opts.connections` devices each keep
 * `opts.window` messages in flight. MQTT (default): one connection per device, 2 generator
 * processes. `opts.protocol: 'amqp'`: the broker's `amqpTarget`, `opts.amqpConnections`
 * connections carrying the devices (identities spread evenly), 2 generator processes, or 1 for
 * a single connection.
 */
export async function runIngest(start, opts) {
  const amqp = opts.protocol === 'amqp';
  const broker = await start();
  let gen;
  try {
    if (amqp && !broker.amqpTarget) throw new Error(`${broker.name} has no AMQP port`);
    const devices = await broker.devices(opts.connections, 'ingest');
    let target = broker.target;
    let workers = 2;
    if (amqp) {
      const wanted = Math.max(1, Math.min(opts.amqpConnections, devices.length));
      workers = wanted === 1 ? 1 : 2;
      target = { ...broker.amqpTarget, identitiesPerConnection: Math.ceil(devices.length / wanted) };
    }
    gen = new LoadGenerator(workers, amqp ? AMQP_CHILD : undefined);
    const connections = await gen.connect(target, devices);
    opts.progress(`${broker.name}: ${devices.length} devices on ${connections} connections, warming up ${opts.warmupS} s`);
    await gen.startPublishing(opts.window, opts.payloadBytes);
    await sleep(opts.warmupS * 1000);

    const genCpu0 = await gen.mark();
    const brokerCpu0 = cpuMs(broker.pid);
    const machine0 = machineBusyMs();
    const t0 = performance.now();
    await sleep(opts.durationS * 1000);
    const brokerCpu1 = cpuMs(broker.pid);
    const machine1 = machineBusyMs();
    const stats = await gen.stop();
    const durationS = (performance.now() - t0) / 1000;

    if (stats.errorCount > 0) {
      throw new Error(`${stats.errorCount} generator errors, e.g. ${stats.errors.slice(0, 3).join('; ')}`);
    }
    if (stats.acked === 0) throw new Error('no message was acknowledged');
    // A target that can count what it stored (fieldhub) must hold at least what it acknowledged.
    const stored = broker.storedCount ? await broker.storedCount() : undefined;
    if (stored !== undefined && stored < stats.ackedTotal) {
      throw new Error(`${broker.name} acknowledged ${stats.ackedTotal} messages but stores only ${stored}`);
    }
    if (amqp && stats.openConnections < connections) {
      throw new Error(`${connections - stats.openConnections} of ${connections} AMQP connections closed during the run`);
    }
    const kMsg = stats.acked / 1000;
    return {
      protocol: amqp ? 'amqp' : 'mqtt',
      engine: broker.engine,
      durableBeforeAck: broker.durableBeforeAck,
      persistence: amqp ? broker.amqpPersistence ?? broker.persistence : broker.persistence,
      connections,
      ...(amqp ? { devices: devices.length, generatorProcesses: workers } : {}),
      payloadBytes: opts.payloadBytes,
      // AMQP: unsettled transfers, counted when the hub settles them `accepted` (after storing).
      ...(amqp ? { settlement: 'unsettled, accepted after store' } : { qos: 1 }),
      window: opts.window,
      messages: stats.acked,
      durationS: round(durationS, 2),
      msgPerS: Math.round(stats.acked / durationS),
      p50Ms: round(percentile(stats.hist, 50), 3),
      p99Ms: round(percentile(stats.hist, 99), 3),
      peakRssMB: statusMB(broker.pid, 'VmHWM'),
      rssAtReadyMB: broker.rssAtReadyMB,
      cpuMsPerKMsg: round((brokerCpu1 - brokerCpu0) / kMsg, 1),
      generatorCpuMsPerKMsg: round((stats.cpuEnd - genCpu0) / kMsg, 1),
      // CPU used by everything else on the machine during the window (other users' jobs): when
      // high, the figures above are disturbed.
      otherCpuPct: round(Math.max(0, (machine1 - machine0) - (brokerCpu1 - brokerCpu0) - (stats.cpuEnd - genCpu0)) /
        (durationS * 10 * availableParallelism()), 1),
      ...(stored !== undefined ? { storedMessages: stored } : {}),
    };
  } catch (err) {
    if (broker.logTail) opts.progress(`${broker.name} log tail:\n${broker.logTail()}`);
    throw err;
  } finally {
    if (gen) await gen.close();
    await broker.stop();
  }
}

export async function* runConnections(start, opts) {
  const broker = await start();
  const max = Math.max(...opts.steps);
  let gen;
  try {
    const devices = await broker.devices(max, 'idle');
    // The registry holding `max` devices is not connection memory: the baseline is taken after it.
    const baseRssMB = statusMB(broker.pid, 'VmRSS');
    gen = new LoadGenerator(2);
    let connected = 0;
    for (const step of opts.steps) {
      await gen.connect(broker.target, devices.slice(connected, step), 25);
      connected = step;
      // Let TLS buffers and the first keepalive bookkeeping settle before reading RSS.
      await sleep(1500);
      const rssMB = statusMB(broker.pid, 'VmRSS');
      opts.progress(`${broker.name}: ${connected} idle connections, RSS ${rssMB} MB`);
      yield {
        engine: broker.engine,
        connections: connected,
        rssMB,
        rssAtReadyMB: broker.rssAtReadyMB,
        baseRssMB,
        perConnectionKB: Math.round(((rssMB - baseRssMB) * 1024) / connected),
        peakRssMB: statusMB(broker.pid, 'VmHWM'),
      };
    }
  } catch (err) {
    if (broker.logTail) opts.progress(`${broker.name} log tail:\n${broker.logTail()}`);
    throw err;
  } finally {
    if (gen) await gen.close();
    await broker.stop();
  }
}
