/**
 * The AMQP upstream link against a real `fieldhub hub` process: identities (devices and a
 * module) mirrored over one connection with policy or per-device credentials; telemetry with
 * its properties, direct methods (method links only while wanted: otherwise the hub answers
 * 404 DeviceNotOnline itself), C2D with feedback, twins; token renewal; a wrong key for one
 * identity; 1,000 identities on one connection; the hub restarted under the link.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootLogger } from '../../../hub-core/log.js';
import { isRuntimeError } from '../../../runtime/errors.js';
import { createAmqpUpstreamLink, type AmqpUpstreamLink } from '../../../runtime/upstream/amqp/index.js';
import type { AmqpUpstreamOptions } from '../../../runtime/upstream/amqp/options.js';
import { enc } from '../../../runtime/cli/service-client.js';
import { runCli } from '../cli/run-cli.js';
import { keyOf, recorder, tcpConnectionsTo, waitUntil, type Recorder } from '../../helpers/upstream-kit.js';
import { newKey, openFeedbackReceiver, startUpstreamHub, type UpstreamHub } from './upstream-hub.js';

const logger = createRootLogger('silent');
let up: UpstreamHub;
const links: AmqpUpstreamLink[] = [];

function link(overrides: Partial<AmqpUpstreamOptions> = {}): AmqpUpstreamLink {
  const l = createAmqpUpstreamLink({
    hostName: up.hostName, port: up.amqpPort, ca: up.ca, logger,
    credentials: { kind: 'policy', keyName: up.owner.keyName, key: up.owner.key },
    identitiesPerSecond: 500, reconnect: { minDelayMs: 200, maxDelayMs: 2000 }, identityRetry: { minDelayMs: 500, maxDelayMs: 5000 },
    ...overrides,
  });
  links.push(l);
  return l;
}

const body = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'utf8'));

// Starting the hub may first rebuild dist/ (hub-process.ts ensureDist) when sources changed.
beforeAll(async () => {
  up = await startUpstreamHub();
}, 180_000);

afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await up?.cleanup();
});

describe('one link, policy credentials (owner key, skn per identity)', () => {
  const devices = ['gw-a', 'gw-b', 'gw-c'];
  const ids = [{ deviceId: 'gw-a' }, { deviceId: 'gw-b' }, { deviceId: 'gw-c' }, { deviceId: 'gw-a', moduleId: 'mod1' }];
  let l: AmqpUpstreamLink;
  let rec: Recorder;

  beforeAll(async () => {
    await up.createDevices(devices);
    await up.createModule('gw-a', 'mod1');
    rec = recorder();
    l = link();
    l.start(rec.handlers);
    for (const ref of ids) l.addIdentity(ref);
    await waitUntil(() => ids.every((r) => l.isOnline(r)), 'every identity online');
  });

  it('brings each identity online once and reports one connection', () => {
    expect([...rec.online.entries()].sort()).toEqual(ids.map((r) => [keyOf(r), 1]).sort());
    expect(l.status()).toMatchObject({ state: 'connected', identitiesOnline: 4, identitiesTotal: 4, connections: 1 });
    expect(tcpConnectionsTo(up.amqpPort)).toBe(1);
  });

  it('delivers telemetry of several identities with their properties, in call order per identity', async () => {
    const after = await up.lastSeq();
    const messageId = randomUUID();
    await Promise.all([
      l.sendTelemetry({ deviceId: 'gw-a' }, {
        body: body('{"t":21.5}'),
        system: { messageId, correlationId: 'corr-1', contentType: 'application/json', contentEncoding: 'utf-8', expiryTimeUtc: new Date(Date.now() + 3_600_000).toISOString() },
        properties: { alert: 'high', unit: 'C' },
      }),
      l.sendTelemetry({ deviceId: 'gw-a', moduleId: 'mod1' }, { body: body('from module'), system: { outputName: 'out1' }, properties: { m: '1' } }),
      ...Array.from({ length: 20 }, (_, i) => l.sendTelemetry({ deviceId: 'gw-b' }, { body: body(`n${i}`), system: { messageId: `b-${i}` }, properties: {} })),
    ]);
    const lines = await waitUntil(async () => {
      const got = await up.telemetry(after);
      return got.length >= 22 ? got : undefined;
    }, 'telemetry stored upstream');
    const a = lines.find((x) => x.deviceId === 'gw-a' && x.moduleId === null);
    expect(a).toMatchObject({
      body: '{"t":21.5}',
      properties: { alert: 'high', unit: 'C' },
      system: { messageId, correlationId: 'corr-1', contentType: 'application/json', contentEncoding: 'utf-8', to: '/devices/gw-a/messages/events' },
    });
    expect(a?.system.expiryTimeUtc).toEqual(expect.any(String));
    const m = lines.find((x) => x.moduleId === 'mod1');
    expect(m).toMatchObject({ deviceId: 'gw-a', body: 'from module', properties: { m: '1' }, system: { outputName: 'out1', connectionModuleId: 'mod1' } });
    const b = lines.filter((x) => x.deviceId === 'gw-b').map((x) => x.body);
    expect(b).toEqual(Array.from({ length: 20 }, (_, i) => `n${i}`));
  });

  it('takes no method while methods are not wanted: the hub answers 404 DeviceNotOnline itself', async () => {
    expect(ids.every((r) => l.identityStatus(r)?.methods === false)).toBe(true);
    const off = await runCli(['method', 'invoke', 'gw-a', 'reboot', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE: .*\(404 (404103|DeviceNotOnline)\)/);
    const offModule = await runCli(['method', 'invoke', 'gw-a', 'reboot', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(offModule.code).toBe(1);
    expect(offModule.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
    expect(rec.methods).toEqual([]);
    expect(ids.every((r) => l.isOnline(r))).toBe(true);
  });

  it('answers direct methods invoked at the hub once wanted, for a device and a module', async () => {
    rec.answer = async (ref, call) => ({ status: call.methodName === 'fail' ? 409 : 200, payload: { who: keyOf(ref), got: call.payload } });
    l.setMethodsWanted({ deviceId: 'gw-a' }, true);
    l.setMethodsWanted({ deviceId: 'gw-a', moduleId: 'mod1' }, true);
    l.setMethodsWanted({ deviceId: 'gw-a' }, true); // idempotent
    await waitUntil(() => l.identityStatus({ deviceId: 'gw-a' })?.methods && l.identityStatus({ deviceId: 'gw-a', moduleId: 'mod1' })?.methods, 'method links attached');
    const service = up.service();
    const invoke = (path: string, methodName: string, payload: unknown) => service.json<{ status: number; payload: unknown }>(`${path}/methods`, {
      method: 'POST', body: { methodName, payload, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 0 },
    });
    expect(await invoke('/twins/gw-a', 'reboot', { delay: 3 })).toEqual({ status: 200, payload: { who: 'gw-a', got: { delay: 3 } } });
    expect(await invoke('/twins/gw-a/modules/mod1', 'fail', null)).toEqual({ status: 409, payload: { who: 'gw-a/mod1', got: null } });
    expect(rec.methods.map((m) => [m.key, m.call.methodName])).toEqual([['gw-a', 'reboot'], ['gw-a/mod1', 'fail']]);
    expect(rec.methods[0]?.call.responseTimeoutS).toBeGreaterThan(0);
    // The other identities still take none.
    expect(l.identityStatus({ deviceId: 'gw-b' })?.methods).toBe(false);
  });

  it('no longer wanted: new calls get 404 from the hub, a call in flight still gets its answer, the other links stay', async () => {
    let release: (() => void) | undefined;
    rec.answer = async (ref, call) => {
      if (call.methodName === 'slow') await new Promise<void>((r) => { release = r; });
      return { status: 200, payload: { who: keyOf(ref), method: call.methodName } };
    };
    const service = up.service();
    const slow = service.json<{ status: number; payload: unknown }>('/twins/gw-a/modules/mod1/methods', {
      method: 'POST', body: { methodName: 'slow', payload: null, responseTimeoutInSeconds: 20, connectTimeoutInSeconds: 0 },
    });
    await waitUntil(() => release, 'the slow call at the gateway');
    l.setMethodsWanted({ deviceId: 'gw-a', moduleId: 'mod1' }, false);
    expect(l.identityStatus({ deviceId: 'gw-a', moduleId: 'mod1' })?.methods).toBe(false);
    const off = await runCli(['method', 'invoke', 'gw-a', 'again', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
    release?.();
    expect(await slow).toEqual({ status: 200, payload: { who: 'gw-a/mod1', method: 'slow' } });
    expect(rec.methods.filter((m) => m.key === 'gw-a/mod1').map((m) => m.call.methodName)).toEqual(['fail', 'slow']);
    // Only the method links went: the identity stayed online and its telemetry and twin work.
    expect(rec.offline).toEqual([]);
    expect(l.isOnline({ deviceId: 'gw-a', moduleId: 'mod1' })).toBe(true);
    await l.sendTelemetry({ deviceId: 'gw-a', moduleId: 'mod1' }, { body: body('after the method links went'), system: {}, properties: {} });
    expect((await l.getTwin({ deviceId: 'gw-a', moduleId: 'mod1' })).reported.$version).toEqual(expect.any(Number));
    // The device keeps its method links.
    expect(l.identityStatus({ deviceId: 'gw-a' })?.methods).toBe(true);
  });

  it('hands C2D messages over unsettled; complete, reject and abandon reach the hub as IoT Hub settles them', async () => {
    const feedback = await openFeedbackReceiver(up);
    try {
      const send = (id: string, text: string) => up.service().request(`/fieldhub/v1/devices/${enc('gw-c')}/messages/devicebound`, {
        method: 'POST', body: body(text),
        headers: { 'iothub-messageid': id, 'iothub-ack': 'full', 'iothub-correlationid': `c-${id}`, 'iothub-app-color': 'blue', 'iothub-contenttype': 'text/plain' },
      });
      await send('m-ok', 'first');
      const first = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'm-ok'), 'first C2D message');
      expect(first.key).toBe('gw-c');
      expect(Buffer.from(first.c2d.message.body).toString()).toBe('first');
      expect(first.c2d.message.properties).toEqual({ color: 'blue' });
      expect(first.c2d.message.system).toMatchObject({ correlationId: 'c-m-ok', ack: 'full', contentType: 'text/plain', to: '/devices/gw-c/messages/devicebound' });
      first.c2d.complete();
      first.c2d.reject(); // a second settlement is ignored

      await send('m-no', 'second');
      const second = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'm-no'), 'second C2D message');
      second.c2d.reject();

      await send('m-later', 'third');
      const third = await waitUntil(() => rec.c2d.find((c) => c.c2d.message.system.messageId === 'm-later'), 'third C2D message');
      third.c2d.abandon();
      const again = await waitUntil(() => rec.c2d.filter((c) => c.c2d.message.system.messageId === 'm-later')[1], 'the abandoned message again');
      again.c2d.complete();

      await waitUntil(() => feedback.records.length >= 3, 'three feedback records');
      const byId = Object.fromEntries(feedback.records.map((r) => [r.originalMessageId, r.statusCode]));
      expect(byId).toEqual({ 'm-ok': 'Success', 'm-no': 'Rejected', 'm-later': 'Success' });
      expect(feedback.records.every((r) => r.deviceId === 'gw-c')).toBe(true);
    } finally {
      await feedback.close();
    }
  });

  it('reads the twin, reports properties upstream and receives desired patches made upstream', async () => {
    const ref = { deviceId: 'gw-b' };
    const twin = await l.getTwin(ref);
    expect(twin.desired.$version).toEqual(expect.any(Number));
    expect(twin.reported.$version).toEqual(expect.any(Number));
    const version = await l.updateReported(ref, { firmware: '1.2.3', nested: { a: 1 } });
    expect(version).toBe(Number(twin.reported.$version) + 1);
    const upstreamTwin = await up.service().json<{ properties: { reported: Record<string, unknown> } }>('/twins/gw-b');
    expect(upstreamTwin.properties.reported).toMatchObject({ firmware: '1.2.3', nested: { a: 1 }, $version: version });

    await up.service().json('/twins/gw-b', { method: 'PATCH', body: { properties: { desired: { interval: 5 } } } });
    const got = await waitUntil(() => rec.desired.find((d) => d.key === 'gw-b'), 'desired patch');
    expect(got.patch).toMatchObject({ interval: 5, $version: Number(twin.desired.$version) + 1 });
    expect((await l.getTwin(ref)).desired).toMatchObject({ interval: 5 });

    const modRef = { deviceId: 'gw-a', moduleId: 'mod1' };
    await l.updateReported(modRef, { mode: 'eco' });
    const modTwin = await up.service().json<{ properties: { reported: Record<string, unknown> } }>('/twins/gw-a/modules/mod1');
    expect(modTwin.properties.reported).toMatchObject({ mode: 'eco' });
  });

  it('reconnects by itself when the hub restarts: identities come back online and telemetry flows again', async () => {
    await up.restart(async () => {
      // The hub is gone: the link noticed from the connection's own events and backs off.
      await waitUntil(() => l.status().state !== 'connected' && rec.offline.length >= ids.length, 'the link to notice the loss');
      expect(l.status()).toMatchObject({ identitiesOnline: 0, identitiesTotal: 4, connections: 0, lastError: { code: expect.stringMatching(/^FH_UPSTREAM_/) } });
      expect(new Set(rec.offline.map((o) => o.key))).toEqual(new Set(ids.map(keyOf)));
      expect(rec.offline.every((o) => o.code === 'FH_UPSTREAM_OFFLINE')).toBe(true);
      const refused = await l.sendTelemetry({ deviceId: 'gw-a' }, { body: body('while down'), system: {}, properties: {} }).catch((e: unknown) => e);
      expect(isRuntimeError(refused, 'FH_UPSTREAM_OFFLINE') && refused.retryable).toBe(true);
      await waitUntil(() => l.status().state === 'backoff', 'a backoff between attempts');
      expect(l.status().retryInMs).toBeLessThanOrEqual(2000);
    });
    await waitUntil(() => ids.every((r) => rec.online.get(keyOf(r)) === 2), 'every identity online again', 30_000);
    expect(l.status()).toMatchObject({ state: 'connected', connections: 1, identitiesOnline: 4 });
    expect(tcpConnectionsTo(up.amqpPort)).toBe(1);
    const after = await up.lastSeq();
    await Promise.all(ids.map((r) => l.sendTelemetry(r, { body: body(`back ${keyOf(r)}`), system: {}, properties: {} })));
    const lines = await waitUntil(async () => {
      const got = await up.telemetry(after);
      return got.length >= ids.length ? got : undefined;
    }, 'telemetry after the restart');
    expect(lines.map((x) => x.body).sort()).toEqual(ids.map((r) => `back ${keyOf(r)}`).sort());
    // What was wanted comes back: gw-a takes methods again, its module (no longer wanted) does not.
    await waitUntil(() => l.identityStatus({ deviceId: 'gw-a' })?.methods, 'gw-a\u2019s method links after the restart');
    expect(l.identityStatus({ deviceId: 'gw-a', moduleId: 'mod1' })?.methods).toBe(false);
    rec.answer = async (ref, call) => ({ status: 200, payload: { who: keyOf(ref), method: call.methodName } });
    const ok = await runCli(['method', 'invoke', 'gw-a', 'hello', '--timeout', '10', '--data-dir', up.hub.dataDir]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual({ status: 200, payload: { who: 'gw-a', method: 'hello' } });
    const off = await runCli(['method', 'invoke', 'gw-a', 'hello', '--module', 'mod1', '--timeout', '5', '--data-dir', up.hub.dataDir]);
    expect(off.code).toBe(1);
    expect(off.stderr).toMatch(/FH_CLI_DEVICE_OFFLINE/);
  }, 90_000);

  afterAll(async () => {
    await l.close();
  });
});

describe('per-device keys', () => {
  it('refuses only the identity with a wrong key (FH_UPSTREAM_AUTH), retries it on its own, the others work', async () => {
    const keys = await up.createDevices(['dk-1', 'dk-2', 'dk-bad']);
    let badKey = newKey();
    const rec = recorder();
    const l = link({
      credentials: { kind: 'deviceKeys', keyFor: async (ref) => (ref.deviceId === 'dk-bad' ? badKey : keys.get(ref.deviceId) ?? '') },
      identityRetry: { minDelayMs: 300, maxDelayMs: 1000 },
    });
    l.start(rec.handlers);
    // Wanted before the identity is mirrored: its links come up with the method links.
    l.setMethodsWanted({ deviceId: 'dk-1' }, true);
    for (const id of ['dk-1', 'dk-bad', 'dk-2']) l.addIdentity({ deviceId: id });
    await waitUntil(() => l.isOnline({ deviceId: 'dk-1' }) && l.isOnline({ deviceId: 'dk-2' }) && rec.offline.some((o) => o.key === 'dk-bad'), 'two online, one refused');
    expect(rec.offline.filter((o) => o.key === 'dk-bad').every((o) => o.code === 'FH_UPSTREAM_AUTH')).toBe(true);
    expect(rec.offline.filter((o) => o.key !== 'dk-bad')).toEqual([]);
    expect(l.identityStatus({ deviceId: 'dk-1' })?.methods).toBe(true);
    expect(l.identityStatus({ deviceId: 'dk-2' })?.methods).toBe(false);
    expect(l.identityStatus({ deviceId: 'dk-bad' })?.lastError?.code).toBe('FH_UPSTREAM_AUTH');
    expect(l.isOnline({ deviceId: 'dk-bad' })).toBe(false);
    const refused = await l.sendTelemetry({ deviceId: 'dk-bad' }, { body: body('x'), system: {}, properties: {} }).catch((e: unknown) => e);
    expect(isRuntimeError(refused, 'FH_UPSTREAM_AUTH')).toBe(true);

    const after = await up.lastSeq();
    await l.sendTelemetry({ deviceId: 'dk-1' }, { body: body('one'), system: {}, properties: {} });
    await l.sendTelemetry({ deviceId: 'dk-2' }, { body: body('two'), system: {}, properties: {} });
    expect((await up.telemetry(after)).map((x) => [x.deviceId, x.body])).toEqual([['dk-1', 'one'], ['dk-2', 'two']]);

    // The key is fixed (rotated in the gateway): the identity's own retry brings it online.
    badKey = keys.get('dk-bad') ?? '';
    await waitUntil(() => l.isOnline({ deviceId: 'dk-bad' }), 'the refused identity online after its retry', 15_000);
    expect(rec.online.get('dk-bad')).toBe(1);
    expect(rec.online.get('dk-1')).toBe(1);
    await l.close();
  });

  it('renews each token before it runs out (the hub cuts an identity whose token expired), and lets an identity go', async () => {
    const keys = await up.createDevices(['ttl-1', 'ttl-2']);
    const rec = recorder();
    const l = link({ credentials: { kind: 'deviceKeys', keyFor: async (ref) => keys.get(ref.deviceId) ?? '' }, tokenTtlS: 3 });
    l.start(rec.handlers);
    l.addIdentity({ deviceId: 'ttl-1' });
    l.addIdentity({ deviceId: 'ttl-2' });
    await waitUntil(() => l.isOnline({ deviceId: 'ttl-1' }) && l.isOnline({ deviceId: 'ttl-2' }), 'both online');
    // Past two lifetimes of the first token: only renewals keep the identities attached.
    await new Promise((r) => setTimeout(r, 6500));
    expect(rec.offline.map((o) => `${o.key} ${o.code}`)).toEqual([]);
    expect(rec.online.get('ttl-1')).toBe(1);
    await l.sendTelemetry({ deviceId: 'ttl-1' }, { body: body('still here'), system: {}, properties: {} });

    l.removeIdentity({ deviceId: 'ttl-2' });
    expect(l.isOnline({ deviceId: 'ttl-2' })).toBe(false);
    expect(l.status()).toMatchObject({ identitiesTotal: 1, identitiesOnline: 1 });
    const refused = await l.sendTelemetry({ deviceId: 'ttl-2' }, { body: body('x'), system: {}, properties: {} }).catch((e: unknown) => e);
    expect(isRuntimeError(refused, 'FH_UPSTREAM_OFFLINE')).toBe(true);
    await l.close();
    expect(l.status()).toMatchObject({ state: 'stopped', connections: 0 });
  }, 30_000);

  it('carries 1,000 identities over one connection; each sends a message and each arrives', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `k-${String(i).padStart(4, '0')}`);
    const keys = await up.createDevices(ids);
    expect(tcpConnectionsTo(up.amqpPort)).toBe(0);
    const rec = recorder();
    const l = link({ credentials: { kind: 'deviceKeys', keyFor: async (ref) => keys.get(ref.deviceId) ?? '' }, identitiesPerSecond: 1000 });
    l.start(rec.handlers);
    for (const id of ids) l.addIdentity({ deviceId: id });
    await waitUntil(() => rec.online.size === ids.length, 'all 1,000 identities online', 60_000);
    expect(l.status()).toMatchObject({ state: 'connected', connections: 1, identitiesOnline: 1000, identitiesTotal: 1000 });
    expect(tcpConnectionsTo(up.amqpPort)).toBe(1);

    const after = await up.lastSeq();
    await Promise.all(ids.map((id) => l.sendTelemetry({ deviceId: id }, { body: body(`hello from ${id}`), system: { messageId: `m-${id}` }, properties: { n: id } })));
    const lines = await waitUntil(async () => {
      const got = await up.telemetry(after);
      return got.length >= ids.length ? got : undefined;
    }, 'all 1,000 messages stored upstream', 30_000);
    expect(lines).toHaveLength(1000);
    expect(new Set(lines.map((x) => x.deviceId))).toEqual(new Set(ids));
    for (const x of lines) expect([x.body, x.system.messageId, x.properties.n]).toEqual([`hello from ${x.deviceId}`, `m-${x.deviceId}`, x.deviceId]);
    expect(rec.offline).toEqual([]);
    expect(tcpConnectionsTo(up.amqpPort)).toBe(1);
    await l.close();
    await waitUntil(() => tcpConnectionsTo(up.amqpPort) === 0, 'the connection closed');
  }, 120_000);
});
