/**
 * The MQTT upstream link (one connection per identity) against a real `fieldhub hub` process:
 * telemetry with properties for two devices and a module, twins, direct methods (subscribed only
 * while wanted: otherwise the hub answers 404 DeviceNotOnline itself) and C2D driven from the
 * hub's CLI, token renewal on a persistent session, the hub restarted under the link, and a wrong
 * key for one identity.
 */
import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../../hub-core/log.js';
import type { IdentityRef } from '../../../hub-core/core/types.js';
import { isRuntimeError } from '../../../runtime/errors.js';
import { createMqttUpstreamLink, type MqttIdentityUpstreamLink, type MqttIdentityUpstreamOptions } from '../../../runtime/upstream/mqtt-identity/index.js';
import { startMqttUpstreamHub, newKey, type MqttUpstreamHub } from './mqtt-hub.js';
import { runCli } from '../cli/run-cli.js';
import { keyOf, recorder, tcpConnectionsTo, waitUntil, type Recorder } from '../../helpers/upstream-kit.js';

const logger = createRootLogger('silent');
let up: MqttUpstreamHub;
const links: MqttIdentityUpstreamLink[] = [];

function link(overrides: Partial<MqttIdentityUpstreamOptions> = {}): MqttIdentityUpstreamLink {
  const l = createMqttUpstreamLink({
    hostName: up.hostName, port: up.mqttPort, ca: up.ca, logger,
    credentials: { kind: 'policy', keyName: up.owner.keyName, key: up.owner.key },
    identitiesPerSecond: 50, reconnect: { minDelayMs: 200, maxDelayMs: 1000 },
    ...overrides,
  });
  links.push(l);
  return l;
}

const body = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));
const text = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

beforeAll(async () => {
  up = await startMqttUpstreamHub();
});

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await up?.cleanup();
});

describe('policy credentials: one connection per identity', () => {
  const ids: IdentityRef[] = [{ deviceId: 'mq-a' }, { deviceId: 'mq-b' }, { deviceId: 'mq-a', moduleId: 'mod1' }];
  let l: MqttIdentityUpstreamLink;
  let rec: Recorder;

  beforeAll(async () => {
    await up.createDevice('mq-a');
    await up.createDevice('mq-b');
    await up.createModule('mq-a', 'mod1');
    rec = recorder();
    l = link();
    l.start(rec.handlers);
    for (const ref of ids) l.addIdentity(ref);
    await waitUntil(() => ids.every((r) => l.isOnline(r)), 'every identity online');
  });

  it('brings each identity online once over its own connection', () => {
    expect([...rec.online.entries()].sort()).toEqual(ids.map((r) => [keyOf(r), 1]).sort());
    expect(l.status()).toMatchObject({ state: 'connected', identitiesOnline: 3, identitiesTotal: 3, connections: 3 });
    expect(tcpConnectionsTo(up.mqttPort)).toBe(3);
    expect(l.kind).toBe('mqtt');
    expect(l.capabilities).toEqual({ twins: true, methods: true, c2d: true });
  });

  it('delivers telemetry of three identities (one a module) with their properties, in call order per identity', async () => {
    const after = await up.lastSeq();
    const messageId = randomUUID();
    const expiry = new Date(Date.now() + 3_600_000).toISOString();
    const sends: Promise<void>[] = [];
    for (let i = 0; i < 15; i++) {
      for (const ref of ids) {
        const first = i === 0 && ref.moduleId === undefined && ref.deviceId === 'mq-a';
        sends.push(l.sendTelemetry(ref, first
          ? {
            body: body('{"t":21.5}'),
            system: { messageId, correlationId: 'corr/1', contentType: 'application/json', contentEncoding: 'utf-8', expiryTimeUtc: expiry },
            properties: { alert: 'high', 'odd key': 'a&b=c/d%é' },
          }
          : { body: body(`${keyOf(ref)} #${i}`), system: ref.moduleId ? { outputName: 'out1' } : {}, properties: { n: String(i) } }));
      }
    }
    await Promise.all(sends);
    const lines = await waitUntil(async () => {
      const got = await up.telemetry(after);
      return got.length >= 45 ? got : undefined;
    }, 'telemetry stored upstream');
    expect(lines).toHaveLength(45);
    const a = lines.find((x) => x.system.messageId === messageId);
    expect(a).toMatchObject({
      deviceId: 'mq-a', moduleId: null, body: '{"t":21.5}',
      properties: { alert: 'high', 'odd key': 'a&b=c/d%é' },
      system: { correlationId: 'corr/1', contentType: 'application/json', contentEncoding: 'utf-8', expiryTimeUtc: expiry, connectionDeviceId: 'mq-a' },
    });
    const m = lines.find((x) => x.moduleId === 'mod1');
    expect(m).toMatchObject({ deviceId: 'mq-a', body: 'mq-a/mod1 #0', properties: { n: '0' }, system: { outputName: 'out1', connectionModuleId: 'mod1' } });
    for (const ref of ids) {
      const mine = lines.filter((x) => x.deviceId === ref.deviceId && (x.moduleId ?? undefined) === ref.moduleId).map((x) => x.properties.n ?? 'first');
      expect(mine).toEqual(ref.moduleId === undefined && ref.deviceId === 'mq-a'
        ? ['first', ...Array.from({ length: 14 }, (_, i) => String(i + 1))]
        : Array.from({ length: 15 }, (_, i) => String(i)));
    }
  });

  it('reads the twin, reports properties and receives desired patches made upstream', async () => {
    const ref = { deviceId: 'mq-b' };
    const twin = await l.getTwin(ref);
    expect(twin.desired.$version).toEqual(expect.any(Number));
    const version = await l.updateReported(ref, { firmware: '1.2.3', nested: { a: 1 } });
    expect(version).toBe(Number(twin.reported.$version) + 1);
    const shown = JSON.parse(await up.cli(['twin', 'show', 'mq-b'])) as { properties: { reported: Record<string, unknown> } };
    expect(shown.properties.reported).toMatchObject({ firmware: '1.2.3', nested: { a: 1 }, $version: version });

    await up.cli(['twin', 'update', 'mq-b', '--desired', '{"interval":5}']);
    const got = await waitUntil(() => rec.desired.find((d) => d.key === 'mq-b'), 'desired patch');
    expect(got.patch).toMatchObject({ interval: 5, $version: Number(twin.desired.$version) + 1 });
    expect((await l.getTwin(ref)).desired).toMatchObject({ interval: 5 });

    const modRef = { deviceId: 'mq-a', moduleId: 'mod1' };
    await l.updateReported(modRef, { mode: 'eco' });
    const modTwin = JSON.parse(await up.cli(['twin', 'show', 'mq-a', '--module', 'mod1'])) as { properties: { reported: Record<string, unknown> } };
    expect(modTwin.properties.reported).toMatchObject({ mode: 'eco' });
  });

  it('takes no method while methods are not wanted: the hub answers 404 DeviceNotOnline itself', async () => {
    expect(ids.every((r) => l.identityStatus(r)?.methods === false)).toBe(true);
    const off = await runCli(['method', 'invoke', 'mq-b', 'reboot', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE: .*\(404 (404103|DeviceNotOnline)\)/);
    const offModule = await runCli(['method', 'invoke', 'mq-a', 'reboot', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(offModule.code).toBe(1);
    expect(offModule.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
    expect(rec.methods).toEqual([]);
    expect(ids.every((r) => l.isOnline(r))).toBe(true);
  });

  it('answers direct methods invoked with the CLI once wanted, for a device and a module', async () => {
    rec.answer = async (ref, call) => ({ status: call.methodName === 'fail' ? 409 : 200, payload: { who: keyOf(ref), got: call.payload } });
    l.setMethodsWanted({ deviceId: 'mq-b' }, true);
    l.setMethodsWanted({ deviceId: 'mq-a', moduleId: 'mod1' }, true);
    await waitUntil(() => l.identityStatus({ deviceId: 'mq-b' })?.methods && l.identityStatus({ deviceId: 'mq-a', moduleId: 'mod1' })?.methods, 'methods subscribed');
    expect(l.identityStatus({ deviceId: 'mq-a' })?.methods).toBe(false);
    const reboot = JSON.parse(await up.cli(['method', 'invoke', 'mq-b', 'reboot', '--payload', '{"delay":3}', '--timeout', '10']));
    expect(reboot).toEqual({ status: 200, payload: { who: 'mq-b', got: { delay: 3 } } });
    const failed = await up.cli(['method', 'invoke', 'mq-a', 'fail', '--module', 'mod1', '--timeout', '10']).then(JSON.parse, (e: Error) => e.message);
    expect(JSON.stringify(failed)).toContain('409');
    expect(rec.methods.map((m) => [m.key, m.call.methodName])).toEqual([['mq-b', 'reboot'], ['mq-a/mod1', 'fail']]);
    expect(rec.methods[0]?.call.responseTimeoutS).toBeGreaterThan(0);
  });

  it('no longer wanted: unsubscribed, new calls get 404 from the hub, a call in flight still gets its answer, the connection stays', async () => {
    let release: (() => void) | undefined;
    rec.answer = async (ref, call) => {
      if (call.methodName === 'slow') await new Promise<void>((r) => { release = r; });
      return { status: 200, payload: { who: keyOf(ref), method: call.methodName } };
    };
    const slow = up.cli(['method', 'invoke', 'mq-a', 'slow', '--module', 'mod1', '--timeout', '15']);
    await waitUntil(() => release, 'the slow call at the gateway');
    l.setMethodsWanted({ deviceId: 'mq-a', moduleId: 'mod1' }, false);
    await waitUntil(() => l.identityStatus({ deviceId: 'mq-a', moduleId: 'mod1' })?.methods === false, 'unsubscribed');
    const off = await runCli(['method', 'invoke', 'mq-a', 'again', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
    release?.();
    expect(JSON.parse(await slow)).toEqual({ status: 200, payload: { who: 'mq-a/mod1', method: 'slow' } });
    expect(rec.methods.filter((m) => m.key === 'mq-a/mod1').map((m) => m.call.methodName)).toEqual(['fail', 'slow']);
    expect(rec.offline).toEqual([]);
    expect(l.isOnline({ deviceId: 'mq-a', moduleId: 'mod1' })).toBe(true);
    expect(tcpConnectionsTo(up.mqttPort)).toBe(3);
    expect(l.identityStatus({ deviceId: 'mq-b' })?.methods).toBe(true);
  });

  it('hands a C2D message over unacknowledged; complete() (PUBACK) takes it off the hub queue', async () => {
    await up.cli(['c2d', 'send', 'mq-a', 'first', '--message-id', 'c-1', '--correlation-id', 'corr-c', '--prop', 'color=blue', '--content-type', 'text/plain', '--ack', 'full']);
    const first = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'c-1'), 'the C2D message');
    expect(first.key).toBe('mq-a');
    expect(text(first.c2d.message.body)).toBe('first');
    expect(first.c2d.message.properties).toEqual({ color: 'blue' });
    expect(first.c2d.message.system).toMatchObject({ correlationId: 'corr-c', contentType: 'text/plain', to: '/devices/mq-a/messages/devicebound', ack: 'full' });
    // Not settled yet: the hub still holds it, and the identity's other traffic goes on meanwhile.
    expect(await up.c2dDepth('mq-a')).toBe(1);
    await l.sendTelemetry({ deviceId: 'mq-a' }, { body: body('while a C2D is held'), system: {}, properties: {} });
    expect((await l.getTwin({ deviceId: 'mq-a' })).desired.$version).toEqual(expect.any(Number));
    first.c2d.complete();
    first.c2d.abandon(); // a second settlement is ignored
    await waitUntil(async () => (await up.c2dDepth('mq-a')) === 0, 'the hub queue to empty');
    expect(rec.c2d.filter((c) => c.c2d.message.system.messageId === 'c-1')).toHaveLength(1);
  });

  it('reconnects by itself when the hub restarts on the same ports', async () => {
    await up.restart(async () => {
      await waitUntil(() => rec.offline.length >= ids.length, 'the link to notice the loss');
      expect(new Set(rec.offline.map((o) => o.key))).toEqual(new Set(ids.map(keyOf)));
      expect(rec.offline.every((o) => o.code === 'FH_UPSTREAM_OFFLINE')).toBe(true);
      expect(l.status()).toMatchObject({ identitiesOnline: 0, identitiesTotal: 3, connections: 0, lastError: { code: expect.stringMatching(/^FH_UPSTREAM_/) } });
      const refused = await l.sendTelemetry({ deviceId: 'mq-a' }, { body: body('while down'), system: {}, properties: {} }).catch((e: unknown) => e);
      expect(isRuntimeError(refused, 'FH_UPSTREAM_OFFLINE') && refused.retryable).toBe(true);
      await waitUntil(() => l.status().state === 'backoff', 'a backoff between attempts');
      expect(l.status().retryInMs).toBeLessThanOrEqual(1000);
    });
    await waitUntil(() => ids.every((r) => rec.online.get(keyOf(r)) === 2), 'every identity online again', 30_000);
    expect(l.status()).toMatchObject({ state: 'connected', connections: 3, identitiesOnline: 3 });
    expect(tcpConnectionsTo(up.mqttPort)).toBe(3);
    const after = await up.lastSeq();
    await Promise.all(ids.map((r) => l.sendTelemetry(r, { body: body(`back ${keyOf(r)}`), system: {}, properties: {} })));
    const lines = await waitUntil(async () => {
      const got = await up.telemetry(after);
      return got.length >= ids.length ? got : undefined;
    }, 'telemetry after the restart');
    expect(lines.map((x) => x.body).sort()).toEqual(ids.map((r) => `back ${keyOf(r)}`).sort());
    // The session survived the restart: C2D still arrives without a new SUBSCRIBE.
    await up.cli(['c2d', 'send', 'mq-b', 'after restart', '--message-id', 'c-2']);
    const c2d = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'c-2'), 'C2D after the restart');
    c2d.c2d.complete();
    await waitUntil(async () => (await up.c2dDepth('mq-b')) === 0, 'the hub queue to empty');
    // What was wanted holds after the restart: mq-b takes methods, the module (no longer wanted) does not.
    await waitUntil(() => l.identityStatus({ deviceId: 'mq-b' })?.methods, 'mq-b\u2019s methods subscription after the restart');
    expect(l.identityStatus({ deviceId: 'mq-a', moduleId: 'mod1' })?.methods).toBe(false);
    rec.answer = async (ref, call) => ({ status: 200, payload: { who: keyOf(ref), method: call.methodName } });
    expect(JSON.parse(await up.cli(['method', 'invoke', 'mq-b', 'hello', '--timeout', '10']))).toEqual({ status: 200, payload: { who: 'mq-b', method: 'hello' } });
    const off = await runCli(['method', 'invoke', 'mq-a', 'hello', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
  }, 45_000);

  afterAll(async () => {
    await l.close();
    await waitUntil(() => tcpConnectionsTo(up.mqttPort) === 0, 'the connections closed');
  });
});

describe('token renewal and settlement over a persistent session', () => {
  it('renews its token by reconnecting; an abandoned C2D comes back on the next connection, a rejected one is acknowledged', async () => {
    await up.createDevice('mq-r');
    const rec = recorder();
    const l = link({ tokenTtlS: 3 });
    l.start(rec.handlers);
    l.addIdentity({ deviceId: 'mq-r' });
    await waitUntil(() => l.isOnline({ deviceId: 'mq-r' }), 'online');

    await up.cli(['c2d', 'send', 'mq-r', 'later', '--message-id', 'r-1']);
    const first = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'r-1'), 'the C2D message');
    first.c2d.abandon();
    // The token lives 3 s: renewal (at 2.4 s) reconnects; the hub redelivers the unacknowledged message.
    await waitUntil(() => (rec.online.get('mq-r') ?? 0) >= 2, 'a reconnect for the token renewal', 15_000);
    const again = await waitUntil(() => rec.c2d.filter((c) => c.c2d.message.system.messageId === 'r-1')[1], 'the abandoned message again', 15_000);
    expect(await up.c2dDepth('mq-r')).toBe(1);
    again.c2d.reject();
    await waitUntil(async () => (await up.c2dDepth('mq-r')) === 0, 'the hub queue to empty');
    // Past two token lifetimes the identity still works: telemetry and twin on the renewed connection.
    await waitUntil(() => (rec.online.get('mq-r') ?? 0) >= 3, 'a second renewal', 15_000);
    await waitUntil(() => l.isOnline({ deviceId: 'mq-r' }), 'online after the renewal');
    await l.sendTelemetry({ deviceId: 'mq-r' }, { body: body('still here'), system: {}, properties: {} });
    expect((await l.getTwin({ deviceId: 'mq-r' })).reported.$version).toEqual(expect.any(Number));
    expect(rec.offline.every((o) => o.code === 'FH_UPSTREAM_OFFLINE')).toBe(true);
    await l.close();
  }, 45_000);
});

describe('a session the upstream kept from an earlier link (a gateway restart)', () => {
  it('drops the methods subscription the session still holds when methods are not wanted now', async () => {
    await up.createDevice('mq-k');
    const ref = { deviceId: 'mq-k' };
    const first = recorder();
    const before = link();
    before.start(first.handlers);
    before.setMethodsWanted(ref, true);
    before.addIdentity(ref);
    await waitUntil(() => before.identityStatus(ref)?.methods, 'subscribed by the first link');
    await before.close();

    // Same client id, CleanSession 0: the hub still has the subscription in the session.
    const rec = recorder();
    const after = link();
    after.start(rec.handlers);
    after.addIdentity(ref);
    await waitUntil(() => after.isOnline(ref), 'online again');
    await waitUntil(() => after.identityStatus(ref)?.methods === false, 'the kept subscription dropped');
    const off = await runCli(['method', 'invoke', 'mq-k', 'x', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
    expect(rec.methods).toEqual([]);
    after.setMethodsWanted(ref, true);
    await waitUntil(() => after.identityStatus(ref)?.methods, 'subscribed again');
    expect(JSON.parse(await up.cli(['method', 'invoke', 'mq-k', 'y', '--timeout', '10']))).toMatchObject({ status: 200 });
    expect(rec.methods.map((m) => m.call.methodName)).toEqual(['y']);
    await after.close();
  }, 30_000);
});

describe('pacing', () => {
  it('opens identity connections no faster than identitiesPerSecond, and logs no credentials', async () => {
    const ids = Array.from({ length: 12 }, (_, i) => `mp-${i}`);
    const keys = new Map<string, string>();
    for (const id of ids) keys.set(id, await up.createDevice(id));
    const lines: string[] = [];
    const capture = new Writable({ write(chunk: Buffer, _enc, done) { lines.push(chunk.toString('utf8')); done(); } });
    const rec = recorder();
    const l = link({ logger: pino({ level: 'debug' }, capture), identitiesPerSecond: 10, credentials: { kind: 'deviceKeys', keyFor: async (ref) => keys.get(ref.deviceId) ?? '' } });
    l.start(rec.handlers);
    for (const id of ids) l.addIdentity({ deviceId: id });
    await waitUntil(() => rec.online.size === ids.length, 'all identities online');
    expect(l.status()).toMatchObject({ state: 'connected', connections: 12, identitiesOnline: 12 });
    const starts = lines.map((x) => JSON.parse(x) as { event?: string; time: number }).filter((x) => x.event === 'connecting').map((x) => x.time);
    expect(starts).toHaveLength(12);
    // 10 per second with a burst of one: eleven gaps of at least 100 ms (a floor, not a speed claim).
    expect(starts[11]! - starts[0]!).toBeGreaterThanOrEqual(1000);
    const all = lines.join('');
    expect(all).not.toMatch(/SharedAccessSignature|sig=/);
    for (const key of keys.values()) expect(all).not.toContain(key);
    await l.close();
  }, 30_000);
});

describe('per-device keys', () => {
  it('refuses only the identity with a wrong key (FH_UPSTREAM_AUTH), retries it on its own, the others work', async () => {
    const keys = new Map<string, string>();
    for (const id of ['mk-1', 'mk-2', 'mk-bad']) keys.set(id, await up.createDevice(id));
    let badKey = newKey();
    const rec = recorder();
    const l = link({ credentials: { kind: 'deviceKeys', keyFor: async (ref) => (ref.deviceId === 'mk-bad' ? badKey : keys.get(ref.deviceId) ?? '') } });
    l.start(rec.handlers);
    for (const id of ['mk-1', 'mk-bad', 'mk-2']) l.addIdentity({ deviceId: id });
    await waitUntil(() => l.isOnline({ deviceId: 'mk-1' }) && l.isOnline({ deviceId: 'mk-2' }) && rec.offline.some((o) => o.key === 'mk-bad'), 'two online, one refused');
    expect(rec.offline.filter((o) => o.key === 'mk-bad').every((o) => o.code === 'FH_UPSTREAM_AUTH')).toBe(true);
    expect(rec.offline.filter((o) => o.key !== 'mk-bad')).toEqual([]);
    expect(l.identityStatus({ deviceId: 'mk-bad' })?.lastError?.code).toBe('FH_UPSTREAM_AUTH');
    expect(l.isOnline({ deviceId: 'mk-bad' })).toBe(false);
    const refused = await l.sendTelemetry({ deviceId: 'mk-bad' }, { body: body('x'), system: {}, properties: {} }).catch((e: unknown) => e);
    expect(isRuntimeError(refused, 'FH_UPSTREAM_AUTH')).toBe(true);

    const after = await up.lastSeq();
    await l.sendTelemetry({ deviceId: 'mk-1' }, { body: body('one'), system: {}, properties: {} });
    await l.sendTelemetry({ deviceId: 'mk-2' }, { body: body('two'), system: {}, properties: {} });
    expect((await up.telemetry(after)).map((x) => [x.deviceId, x.body])).toEqual([['mk-1', 'one'], ['mk-2', 'two']]);

    // The key is fixed (rotated in the gateway): the identity's own retry brings it online.
    badKey = keys.get('mk-bad') ?? '';
    await waitUntil(() => l.isOnline({ deviceId: 'mk-bad' }), 'the refused identity online after its retry', 15_000);
    expect(rec.online.get('mk-bad')).toBe(1);
    expect(rec.online.get('mk-1')).toBe(1);

    // An identity no longer mirrored loses its connection; the others keep theirs.
    l.removeIdentity({ deviceId: 'mk-2' });
    await waitUntil(() => tcpConnectionsTo(up.mqttPort) === 2, 'one connection fewer');
    expect(l.status()).toMatchObject({ connections: 2, identitiesOnline: 2, identitiesTotal: 2 });
    expect(l.isOnline({ deviceId: 'mk-2' })).toBe(false);
    await l.sendTelemetry({ deviceId: 'mk-1' }, { body: body('still on'), system: {}, properties: {} });
    await l.close();
  }, 30_000);
});
