/**
 * leaf <-> gateway <-> upstream, end to end: a real `fieldhub hub` as the upstream, a real
 * `fieldhub start` gateway synced to it over AMQP, and a leaf device using the unmodified Azure
 * device SDK (MQTT) through the gateway. The cloud side is azure-iothub against the upstream.
 * The upstream is taken away by cutting the proxy between the two, not by stopping it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, waitForUpstreamIdentity, type E2eGateway } from './support/gateway.js';
import { deviceSdk, openDevice, type OpenDevice } from './support/device.js';
import { runCli } from './support/cli.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Message } = deviceSdk;
type JsonMap = Record<string, unknown>;

let upstream: E2eHub;
let archiveDir: string | undefined;
let gw: E2eGateway;
const opened: OpenDevice[] = [];

beforeAll(async () => {
  upstream = await startE2eHub({ amqpPort: 5671 });
  archiveDir = mkdtempSync(join(tmpdir(), 'fh-gw-archive-'));
  gw = await startE2eGateway(upstream, {
    env: { FIELDHUB_LOG_LEVEL: process.env.E2E_GATEWAY_LOG ?? 'info' },
    config: {
      sinks: { archive: { type: 'file', path: join(archiveDir, 'hot.jsonl') } },
      routes: {
        toUpstream: 'FROM /messages/* INTO $upstream',
        hot: 'FROM /messages/devices/* WHERE $body.temp > 30 INTO Sink("archive")',
      },
    },
  });
}, 120_000);

afterAll(async () => {
  for (const dev of opened) await dev.close();
  await gw?.stop();
  await upstream?.stop();
  if (archiveDir) rmSync(archiveDir, { recursive: true, force: true });
});

/** A leaf device registered on the gateway, mirrored upstream, connected through the gateway. */
async function leaf(deviceId: string): Promise<OpenDevice> {
  const { connectionString } = await gw.createDevice(deviceId);
  await waitForUpstreamIdentity(upstream, deviceId);
  const dev = await openDevice(connectionString, { ca: gw.caPem });
  opened.push(dev);
  return dev;
}

async function upstreamBodies(deviceId: string): Promise<string[]> {
  return (await readTelemetry(upstream, { deviceId })).map(bodyText);
}

describe('gateway identity and mirroring', () => {
  it('the gateway device and its system module exist upstream, and the link is up', async () => {
    await waitForUpstreamIdentity(upstream, gw.deviceId);
    await waitFor(async () => (await gw.health()).upstream?.link.state === 'connected', 20_000, () => 'link never connected');
    const health = await gw.health();
    expect(health.gatewayDeviceId).toBe(gw.deviceId);
    expect(health.modules.system?.state).toBe('running');
    // The module is created once the modules start, then mirrored: it may arrive a little later.
    await waitFor(async () => (await upstream.registry.getModulesOnDevice(gw.deviceId)).responseBody.some((m) => m.moduleId === 'system'),
      20_000, () => `the system module never reached the upstream; gateway log:\n${gw.hub.stderr().slice(-6000)}`);
  });
});

describe('leaf telemetry', () => {
  it('reaches the upstream with its properties, in order', async () => {
    const dev = await leaf('leaf-t1');
    for (let i = 1; i <= 5; i++) {
      const m = new Message(JSON.stringify({ n: i }));
      m.properties.add('kind', 'reading');
      await dev.client.sendEvent(m);
    }
    await waitFor(async () => (await upstreamBodies('leaf-t1')).length >= 5, 20_000, () => `telemetry never reached the upstream; gateway log:\n${gw.hub.stderr().slice(-6000)}`);
    const records = await readTelemetry(upstream, { deviceId: 'leaf-t1' });
    expect(records.map(bodyText)).toEqual([1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })));
    expect(records[0]?.properties).toMatchObject({ kind: 'reading' });
  });
});

describe('routes', () => {
  it('a WHERE route copies hot readings to a local file sink while everything still goes upstream', async () => {
    const dev = await leaf('leaf-r1');
    for (const temp of [20, 35, 25, 41]) {
      const m = new Message(JSON.stringify({ temp }));
      m.contentType = 'application/json';
      m.contentEncoding = 'utf-8';
      await dev.client.sendEvent(m);
    }
    const file = join(archiveDir!, 'hot.jsonl');
    await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').trim().split('\n').length >= 2, 20_000, () => 'the file sink got nothing');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { deviceId: string; body: unknown });
    // The sink writes a JSON body as its text (see runtime/routes/file-sink.ts).
    const text = (body: unknown): string => (typeof body === 'string' ? body : JSON.stringify(body));
    expect(lines.map((l) => [l.deviceId, text(l.body)])).toEqual([['leaf-r1', '{"temp":35}'], ['leaf-r1', '{"temp":41}']]);
    await waitFor(async () => (await upstreamBodies('leaf-r1')).length >= 4, 20_000, () => 'not everything reached the upstream');
  });
});

describe('twins', () => {
  it('reported properties reach the upstream twin; desired set upstream reaches the leaf', async () => {
    const dev = await leaf('leaf-tw1');
    const twin = await dev.client.getTwin();
    const desired: JsonMap[] = [];
    twin.on('properties.desired', (patch: JsonMap) => desired.push(patch));
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ firmware: '1.2.3' }, (err?: Error) => (err ? reject(err) : resolve())));
    await waitFor(async () => (await upstream.registry.getTwin('leaf-tw1')).responseBody.properties.reported.firmware === '1.2.3',
      20_000, () => 'reported never reached the upstream twin');

    // Desired notifications are not queued: patch until one arrives (the SDK subscribes in the background).
    let arrived = false;
    for (let attempt = 1; attempt <= 10 && !arrived; attempt++) {
      await upstream.registry.updateTwin('leaf-tw1', { properties: { desired: { interval: attempt } } }, '*');
      arrived = await waitFor(() => desired.some((p) => p.interval === attempt), 3000).then(() => true, () => false);
    }
    expect(arrived).toBe(true);
  });
});

describe('direct methods', () => {
  it('a method invoked upstream reaches the leaf and its answer returns', async () => {
    const dev = await leaf('leaf-m1');
    dev.client.onDeviceMethod('reboot', (request, response) => {
      void response.send(200, { rebooting: true, delay: (request.payload as JsonMap).delay });
    });
    let result: { status: number; payload: unknown } | undefined;
    await waitFor(async () => {
      try {
        const r = await upstream.service.invokeDeviceMethod('leaf-m1', { methodName: 'reboot', payload: { delay: 5 }, responseTimeoutInSeconds: 10 });
        result = r.result as { status: number; payload: unknown };
        return true;
      } catch {
        return false; // the SDK subscribes to methods in the background
      }
    }, 20_000, () => 'the method never reached the leaf');
    expect(result).toEqual({ status: 200, payload: { rebooting: true, delay: 5 } });
  });

  it('an unknown leaf method answers as IoT Hub does, through the gateway', async () => {
    await gw.createDevice('leaf-m2');
    await waitForUpstreamIdentity(upstream, 'leaf-m2');
    // The leaf is mirrored and online upstream, but not connected to the gateway: the gateway holds
    // no method link for it, so the upstream itself answers DeviceNotOnline, as IoT Hub does.
    await waitFor(async () => {
      const link = (await gw.health()).upstream?.link;
      const upstreamView = (await upstream.registry.get('leaf-m2')).responseBody;
      // The hub says `Connected` (IoT Hub's REST casing); the SDK's type says lower case.
      return link !== undefined && link.identitiesOnline === link.identitiesTotal && String(upstreamView.connectionState).toLowerCase() === 'connected';
    }, 20_000, () => `leaf-m2 never came online upstream; gateway log:\n${gw.hub.stderr().slice(-6000)}`);
    const askedBefore = (await gw.health()).upstream?.dispatch.methods ?? 0;
    const outcome = await upstream.service.invokeDeviceMethod('leaf-m2', { methodName: 'x', payload: null, responseTimeoutInSeconds: 5 })
      .then((r) => ({ resolved: r.result }), (e: Error & { responseBody?: string; response?: { statusCode?: number } }) => ({ rejected: e }));
    expect(outcome, 'the call must be rejected (HTTP 404), not answered by the gateway on the device\u2019s behalf').not.toHaveProperty('resolved');
    const err = (outcome as { rejected: Error & { responseBody?: string; response?: { statusCode?: number } } }).rejected;
    expect(err.response?.statusCode).toBe(404);
    expect(String(err.responseBody)).toMatch(/404103/);
    expect(String(err.responseBody)).toMatch(/DeviceNotOnline/);
    // The gateway was never asked.
    expect((await gw.health()).upstream?.dispatch.methods ?? 0).toBe(askedBefore);
  });
});

describe('cloud-to-device', () => {
  it('a message sent upstream reaches the leaf; its completion is feedback Success upstream', async () => {
    const dev = await leaf('leaf-c1');
    const got: string[] = [];
    dev.client.on('message', (msg: InstanceType<typeof Message>) => {
      got.push(msg.getData().toString());
      void dev.client.complete(msg);
    });
    const { result: feedback } = await upstream.service.getFeedbackReceiver();
    const records: { originalMessageId: string; statusCode: string; deviceId: string }[] = [];
    feedback.on('message', (msg: InstanceType<typeof Message>) => {
      records.push(...(JSON.parse(msg.getData().toString()) as typeof records));
      void feedback.complete(msg as never);
    });
    const m = new Message('open the valve');
    m.messageId = 'c2d-gw-1';
    m.ack = 'full';
    await upstream.service.send('leaf-c1', m);
    await waitFor(() => got.includes('open the valve'), 20_000, () => 'C2D never reached the leaf');
    await waitFor(() => records.some((r) => r.originalMessageId === 'c2d-gw-1'), 20_000, () => `no feedback upstream: ${JSON.stringify(records)}`);
    expect(records.find((r) => r.originalMessageId === 'c2d-gw-1')).toMatchObject({ statusCode: 'Success', deviceId: 'leaf-c1' });
  });
});

describe('upstream away', () => {
  it('telemetry and reported properties made offline reach the upstream, in order, when it returns; local methods keep working', async () => {
    const dev = await leaf('leaf-o1');
    dev.client.onDeviceMethod('ping', (_req, res) => { void res.send(200, 'pong'); });
    await waitFor(async () => ((await gw.health()).upstream?.link.identitiesOnline ?? 0) > 0, 20_000);
    gw.proxy.cut();
    await waitFor(async () => (await gw.health()).upstream?.link.state !== 'connected', 20_000, () => 'the link never noticed the cut');

    for (let i = 1; i <= 30; i++) await dev.client.sendEvent(new Message(`offline-${i}`));
    const twin = await dev.client.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ mode: 'offline-set' }, (err?: Error) => (err ? reject(err) : resolve())));
    expect((await gw.health()).outbox.messages).toBeGreaterThanOrEqual(30);
    expect(await upstreamBodies('leaf-o1')).toEqual([]);
    // Local callers reach the leaf with the upstream away.
    const local = await waitFor(async () => {
      try {
        const { stdout } = await runCli(['method', 'invoke', 'leaf-o1', 'ping', '--data-dir', gw.hub.dataDir]);
        return stdout.includes('pong');
      } catch {
        return false;
      }
    }, 20_000, () => 'local method invoke failed').then(() => true);
    expect(local).toBe(true);

    gw.proxy.restore();
    await waitFor(async () => (await upstreamBodies('leaf-o1')).length >= 30, 30_000, () => 'the backlog never drained');
    expect(await upstreamBodies('leaf-o1')).toEqual(Array.from({ length: 30 }, (_, i) => `offline-${i + 1}`));
    await waitFor(async () => (await upstream.registry.getTwin('leaf-o1')).responseBody.properties.reported.mode === 'offline-set',
      20_000, () => 'the offline reported property never reached the upstream');
    // Acknowledged upstream, then removed from the outbox (a moment later).
    await waitFor(async () => (await gw.health()).outbox.messages === 0, 20_000, () => 'the outbox never emptied');
    expect((await gw.health()).upstream?.drain.lastReconnectToFirstAckMs).toBeTypeOf('number');
  });

  it('desired properties changed upstream while the gateway was away are pulled and delivered', async () => {
    const dev = await leaf('leaf-o2');
    const twin = await dev.client.getTwin();
    const desired: JsonMap[] = [];
    twin.on('properties.desired', (patch: JsonMap) => desired.push(patch));
    await waitFor(async () => ((await gw.health()).upstream?.link.identitiesOnline ?? 0) > 0, 20_000);
    gw.proxy.cut();
    await waitFor(async () => (await gw.health()).upstream?.link.state !== 'connected', 20_000);
    await upstream.registry.updateTwin('leaf-o2', { properties: { desired: { setpoint: 21.5 } } }, '*');
    gw.proxy.restore();
    await waitFor(() => desired.some((p) => p.setpoint === 21.5), 30_000, () => `desired never arrived: ${JSON.stringify(desired)}`);
    const local = await gw.registry.getTwin('leaf-o2');
    expect(local.responseBody.properties.desired.setpoint).toBe(21.5);
  });
});

describe('fieldhub config check', () => {
  it('accepts the shipped example and lists every problem of a bad file with its path', async () => {
    const ok = await runCli(['config', 'check', 'deploy/config/gateway.example.yaml']);
    expect(ok.stdout).toMatch(/^ok: /);
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'fh-cfg-')), 'bad.yaml');
    writeFileSync(file, 'routes:\n  r1: FROM /messages/* WHERE $body.t >> 1 INTO $upstream\nmodules:\n  m1: {type: nosuch}\n');
    const err = await runCli(['config', 'check', file]).then(() => undefined, (e: Error) => e.message);
    expect(err).toMatch(/FH_CONFIG_INVALID/);
    expect(err).toMatch(/\/modules\/m1\/type: unknown module type/);
    expect(err).toMatch(/\/routes\/r1: .*column \d+/);
  });
});
