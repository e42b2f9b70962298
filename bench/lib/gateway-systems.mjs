// The two systems the gateway scenario compares, each behind the same small interface:
//   fieldhub-gateway: `fieldhub hub` (upstream) <- AMQP over the cut proxy <- `fieldhub start`
//   mosquitto-bridge: mosquitto (upstream) <- MQTT bridge over the cut proxy <- mosquitto (local,
//                     persistence on), the classic store-and-forward setup with stock brokers.
// Interface: name, engine, pid (the local side: gateway or local broker), upstreamPid, leafTarget,
// devices(n), readerSource, cut() / restore() (the upstream away / back), outboxDepth?(), settings
// (what was configured, printed with the figures), durableBeforeAck, persistence, logTail(), stop().
import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, openSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { delimiter, join } from 'node:path';
import { makeCerts } from './certs.mjs';
import { sasToken } from './fieldhub.mjs';
import { HOST, httpsJson, startCutProxy, startFieldhubProcess, tempDir, track } from './gateway-procs.mjs';
import { freePort, sleep, waitExit, waitForPort } from './measure.mjs';

/** Polls `check` every 100 ms until it returns a truthy value; throws `what` after `ms`. */
async function until(check, ms, what) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(what());
    await sleep(100);
  }
}

/**
 * Reconnect after a cut: both retry about once a second. fieldhub: full jitter up to 1 s.
 * mosquitto: `restart_timeout 1 1` (backoff base 1 s, cap 1 s; it counts whole seconds, so 1–2 s):
 * in 2.0.11 a single value (`restart_timeout 1`, documented as a constant) still backed off 5–19 s.
 */
const GATEWAY_RECONNECT = { minDelayMs: 100, maxDelayMs: 1000 };
const BRIDGE_RESTART_TIMEOUT_S = '1 1';

export async function startFieldhubGateway(opts) {
  const upstream = await startFieldhubProcess('hub', { durability: 'process', log: { level: 'warn' } });
  const proxy = await startCutProxy(upstream.ports.amqp);
  const upstreamConfig = {
    connectionString: upstream.ownerConnectionString, port: proxy.port, httpsPort: upstream.ports.https, caFile: upstream.caFile,
    reconnect: GATEWAY_RECONNECT, identitiesPerSecond: opts.identitiesPerSecond,
  };
  let gw;
  try {
    gw = await startFieldhubProcess('start', {
      durability: 'process', log: { level: 'warn' }, gateway: { deviceId: 'bench-gw' }, upstream: upstreamConfig, modules: {},
    });
  } catch (err) {
    await proxy.close();
    await upstream.stop();
    throw err;
  }
  const health = async () => JSON.parse(await httpsJson(gw, 'GET', '/fieldhub/v1/gateway', undefined, gw.ownerAuth()));
  const deviceKey = randomBytes(32).toString('base64');
  const version = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version;
  return {
    name: 'fieldhub-gateway',
    proxy,
    engine: `fieldhub ${version} (gateway + hub, AMQP upstream link)`,
    get pid() { return gw.pid; },
    upstreamPid: upstream.pid,
    leafTarget: { host: HOST, port: gw.ports.mqtt, ca: gw.ca, clean: false, keepalive: 180 },
    durableBeforeAck: true,
    persistence: 'PUBACK after the message is in the local hub store (LevelDB, durability process: no fsync); ' +
      'the outbox is fed from it by a checkpointed route pipeline and a message leaves it only when the upstream accepted it',
    settings: {
      upstreamLink: 'AMQP over TLS, every identity on one connection', reconnect: GATEWAY_RECONNECT,
      identitiesPerSecond: opts.identitiesPerSecond, outbox: 'defaults (256 MiB, reject when full, maxInFlight 256, drainShare 0.5)',
    },
    /** Leaf devices on the gateway, each mirrored upstream; resolves once every identity is online upstream. */
    async devices(n, prefix = 'leaf') {
      const ids = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
      for (const id of ids) {
        await httpsJson(gw, 'PUT', `/devices/${encodeURIComponent(id)}?api-version=2021-04-12`, {
          deviceId: id, status: 'enabled', authentication: { type: 'sas', symmetricKey: { primaryKey: deviceKey, secondaryKey: deviceKey } },
        }, gw.ownerAuth());
      }
      await until(async () => {
        const h = await health();
        const link = h.upstream?.link;
        return link && link.state === 'connected' && link.identitiesTotal >= n + 1 && link.identitiesOnline >= link.identitiesTotal;
      }, 60_000, () => `the gateway did not bring ${n} leaf identities online upstream within 60 s`);
      return ids.map((id) => ({
        clientId: id, username: `${gw.hostName}/${id}/?api-version=2021-04-12`,
        password: sasToken(`${gw.hostName}/devices/${id}`, deviceKey, 3600), topic: `devices/${id}/messages/events/`,
      }));
    },
    readerSource: () => ({ kind: 'ndjson', host: HOST, port: upstream.ports.https, ca: upstream.ca, authorization: upstream.ownerAuth() }),
    async cut() {
      await proxy.cut();
      await until(async () => (await health()).upstream?.link.state !== 'connected', 20_000, () => 'the gateway never noticed the cut');
    },
    restore() { return proxy.restore(); },
    /** kill -9 of the gateway, then a start on the same data folder; resolves once it is ready. */
    async crashAndRestart() {
      await gw.kill9();
      await gw.restart();
    },
    async outboxDepth() { return (await health()).outbox.messages; },
    async linkStats() {
      const h = await health();
      return { lastReconnectToFirstAckMs: h.upstream?.drain.lastReconnectToFirstAckMs ?? null, duplicatesResent: h.outbox.duplicatesResent ?? null };
    },
    logTail: () => `gateway:\n${gw.logTail()}\nupstream:\n${upstream.logTail()}`,
    async stop() {
      await gw.stop();
      await proxy.close();
      await upstream.stop();
    },
  };
}

function findMosquitto() {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/usr/local/sbin'].filter(Boolean);
  for (const dir of dirs) {
    try { accessSync(join(dir, 'mosquitto'), constants.X_OK); return join(dir, 'mosquitto'); } catch { /* not here */ }
  }
  throw new Error('mosquitto is not installed: apt-get install -y --no-install-recommends mosquitto');
}

/** One mosquitto on a TLS listener; BENCH_MOSQUITTO_LOG_ALL=1 logs everything (to debug the bridge). */
async function spawnMosquitto(bin, dir, name, port, lines) {
  const conf = join(dir, `${name}.conf`);
  writeFileSync(conf, [
    'user root', 'per_listener_settings false', 'allow_anonymous true', 'log_dest stderr', 'log_type error', 'log_type warning',
    ...(process.env.BENCH_MOSQUITTO_LOG_ALL ? ['log_type all', 'log_timestamp_format %H:%M:%S'] : []),
    ...lines, `listener ${port} ${HOST}`, `cafile ${dir}/ca.crt`, `certfile ${dir}/server.crt`, `keyfile ${dir}/server.key`, '',
  ].join('\n'));
  const log = openSync(join(dir, `${name}.log`), 'a');
  const child = track(spawn(bin, ['-c', conf], { stdio: ['ignore', log, log] }));
  await waitForPort(HOST, port, 10_000, () => child.exitCode === null);
  return child;
}

export async function startMosquittoBridge(opts) {
  const bin = findMosquitto();
  const version = /mosquitto version (\S+)/.exec(`${spawnSync(bin, ['-h'], { encoding: 'utf8' }).stdout ?? ''}`)?.[1] ?? '?';
  const { dir, done } = tempDir('bench-bridge-');
  const { ca } = makeCerts(dir);
  // The upstream is the measuring end: no queue or in-flight limit towards the reader.
  const upPort = await freePort();
  const upstream = await spawnMosquitto(bin, dir, 'upstream', upPort, ['persistence false', 'max_queued_messages 0', 'max_inflight_messages 0']);
  const proxy = await startCutProxy(upPort);
  const localPort = await freePort();
  const settings = {
    bridge: `connection bridge, topic devices/# out 1, cleansession false, TLS, restart_timeout ${BRIDGE_RESTART_TIMEOUT_S}`,
    // mosquitto's default (1000) would drop all but 1,000 of the backlog (see gateway-bench.mjs).
    maxQueuedMessages: opts.maxQueuedMessages,
    maxInflightMessages: 20,
    persistence: 'persistence true, autosave_interval 1800 (default)',
  };
  const localLines = [
    'persistence true', `persistence_location ${dir}/`, `max_queued_messages ${opts.maxQueuedMessages}`,
    'connection bridge', `address ${HOST}:${proxy.port}`, 'topic devices/# out 1', 'cleansession false',
    'remote_clientid bench-bridge', 'local_clientid bench-bridge-local', 'notifications false',
    `restart_timeout ${BRIDGE_RESTART_TIMEOUT_S}`, 'bridge_protocol_version mqttv311', `bridge_cafile ${dir}/ca.crt`,
  ];
  let local = await spawnMosquitto(bin, dir, 'local', localPort, localLines).catch(async (err) => {
    await proxy.close();
    try { process.kill(upstream.pid, 'SIGKILL'); } catch { /* gone */ }
    throw err;
  });
  await until(() => proxy.open > 0, 15_000, () => 'the mosquitto bridge never connected to the upstream');
  return {
    name: 'mosquitto-bridge',
    proxy,
    engine: `mosquitto ${version} bridge (local, persistence on) -> mosquitto ${version}`,
    get pid() { return local.pid; },
    upstreamPid: upstream.pid,
    leafTarget: { host: HOST, port: localPort, ca, clean: false, keepalive: 180 },
    durableBeforeAck: false,
    persistence: 'PUBACK at once; queue in memory, saved to disk every autosave_interval (1800 s) and on exit',
    settings,
    devices(n, prefix = 'leaf') {
      return Array.from({ length: n }, (_, i) => {
        const id = `${prefix}-${i}`;
        return { clientId: id, username: id, password: 'unused', topic: `devices/${id}/messages/events/` };
      });
    },
    readerSource: () => ({ kind: 'mqtt', url: `mqtts://${HOST}:${upPort}`, ca, topic: 'devices/#' }),
    async cut() {
      await proxy.cut();
      await sleep(300);
    },
    restore() { return proxy.restore(); },
    /** kill -9 of the local broker, then a start on the same config and persistence folder. */
    async crashAndRestart() {
      try { process.kill(local.pid, 'SIGKILL'); } catch { /* gone */ }
      await waitExit(local, 5000);
      local = await spawnMosquitto(bin, dir, 'local', localPort, localLines);
    },
    logTail: () => ['local', 'upstream'].map((n) => `${n}:\n${readFileSync(join(dir, `${n}.log`), 'utf8').split('\n').slice(-60).join('\n')}`).join('\n'),
    async stop() {
      for (const child of [local, upstream]) {
        try { process.kill(child.pid, 'SIGTERM'); } catch { /* gone */ }
        await waitExit(child, 5000);
      }
      await proxy.close();
      done();
    },
  };
}
