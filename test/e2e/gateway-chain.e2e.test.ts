/**
 * Nested gateways, end to end: leaf -> gateway B -> gateway A -> hub. A real `fieldhub hub` is the
 * top; gateway A (`fieldhub start`) is synced to it over AMQP; gateway B is synced to gateway A
 * the same way (A's owner connection string from A's hub.json, A's AMQP port through a proxy,
 * HTTPS 443 on A's address for identity creation). A leaf device registered on B uses the
 * unmodified Azure device SDK over MQTT through B; the cloud side is azure-iothub against the top.
 * A's AMQP head listens on a fixed port (5671 on its own address) so the chain survives its restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, waitForUpstreamIdentity, type E2eGateway } from './support/gateway.js';
import { deviceSdk, openDevice, type OpenDevice } from './support/device.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Message } = deviceSdk;
type JsonMap = Record<string, unknown>;

let top: E2eHub;
let gwA: E2eGateway;
let gwB: E2eGateway;
const opened: OpenDevice[] = [];

beforeAll(async () => {
  top = await startE2eHub({ amqpPort: 5671 });
  gwA = await startE2eGateway(top, { deviceId: 'gw-chain-a', amqpPort: 5671 });
  gwB = await startE2eGateway(gwA, { deviceId: 'gw-chain-b' });
}, 120_000);

afterAll(async () => {
  for (const dev of opened) await dev.close();
  await gwB?.stop();
  await gwA?.stop();
  await top?.stop();
});

/** The last lines of every process's log, for failure messages. */
function logs(): string {
  return `--- gateway B ---\n${gwB.hub.stderr().slice(-4000)}\n--- gateway A ---\n${gwA.hub.stderr().slice(-4000)}`;
}

/** A leaf device registered on B, mirrored through A to the top, connected through B. */
async function leaf(deviceId: string): Promise<OpenDevice> {
  const { connectionString } = await gwB.createDevice(deviceId);
  await waitForUpstreamIdentity(gwA, deviceId);
  await waitForUpstreamIdentity(top, deviceId);
  const dev = await openDevice(connectionString, { ca: gwB.caPem });
  opened.push(dev);
  return dev;
}

/** The top's answer to a method call: the device's result, or the service error's body. */
async function callFromTop(deviceId: string, methodName: string, payload: unknown, timeoutS = 10): Promise<{ status: number; payload: unknown } | { error: string }> {
  try {
    const r = await top.service.invokeDeviceMethod(deviceId, { methodName, payload, responseTimeoutInSeconds: timeoutS });
    return r.result as { status: number; payload: unknown };
  } catch (err) {
    return { error: String((err as { responseBody?: string }).responseBody ?? (err as Error).message) };
  }
}

/**
 * Calls until the leaf answers: the SDK subscribes to methods in the background, and the method
 * links then come up B -> A -> top; until then the top answers DeviceNotOnline (an error), or, in
 * the race where the leaf drops between an attach and the call, B answers a 404 result.
 */
async function invokeFromTop(deviceId: string, methodName: string, payload: unknown): Promise<{ status: number; payload: unknown }> {
  let answer: Awaited<ReturnType<typeof callFromTop>> | undefined;
  await waitFor(async () => {
    answer = await callFromTop(deviceId, methodName, payload);
    return 'status' in answer && !/404103/.test(JSON.stringify(answer.payload));
  }, 30_000, () => `the method never reached the leaf (last answer: ${JSON.stringify(answer)})\n${logs()}`);
  return answer as { status: number; payload: unknown };
}

describe('two-level chain: leaf -> gateway B -> gateway A -> hub', () => {
  it('both gateways and their system modules exist at the top, both links are up', async () => {
    await waitForUpstreamIdentity(top, gwA.deviceId);
    await waitForUpstreamIdentity(gwA, gwB.deviceId);
    await waitForUpstreamIdentity(top, gwB.deviceId);
    await waitFor(async () => (await gwA.health()).upstream?.link.state === 'connected', 20_000, () => `A's link never connected\n${logs()}`);
    await waitFor(async () => (await gwB.health()).upstream?.link.state === 'connected', 20_000, () => `B's link never connected\n${logs()}`);
    // B's system module, created on B, mirrored to A by B and to the top by A.
    await waitFor(async () => (await top.registry.getModulesOnDevice(gwB.deviceId)).responseBody.some((m) => m.moduleId === 'system'),
      20_000, () => `B's system module never reached the top\n${logs()}`);
    // B is one AMQP connection into A, whatever the number of identities it carries.
    expect((await gwB.health()).upstream?.link.connections).toBe(1);
  }, 60_000);

  it('leaf telemetry reaches the top hub in order, with its properties, under the leaf\u2019s identity', async () => {
    const dev = await leaf('chain-t1');
    for (let i = 1; i <= 5; i++) {
      const m = new Message(JSON.stringify({ n: i }));
      m.properties.add('kind', 'reading');
      await dev.client.sendEvent(m);
    }
    await waitFor(async () => (await readTelemetry(top, { deviceId: 'chain-t1' })).length >= 5, 30_000,
      () => `telemetry never reached the top\n${logs()}`);
    const records = await readTelemetry(top, { deviceId: 'chain-t1' });
    expect(records.map(bodyText)).toEqual([1, 2, 3, 4, 5].map((n) => JSON.stringify({ n })));
    expect(records[0]?.properties).toMatchObject({ kind: 'reading' });
    expect(records.every((r) => r.deviceId === 'chain-t1')).toBe(true);
    // The middle gateway stored them too, under the same identity.
    expect((await readTelemetry(gwA, { deviceId: 'chain-t1' })).map(bodyText)).toEqual(records.map(bodyText));
  }, 60_000);

  it('a reported property reaches the top twin; a desired property set at the top reaches the leaf', async () => {
    const dev = await leaf('chain-tw1');
    const twin = await dev.client.getTwin();
    const desired: JsonMap[] = [];
    twin.on('properties.desired', (patch: JsonMap) => desired.push(patch));
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ firmware: '4.5.6' }, (err?: Error) => (err ? reject(err) : resolve())));
    await waitFor(async () => (await top.registry.getTwin('chain-tw1')).responseBody.properties.reported.firmware === '4.5.6',
      30_000, () => `the reported property never reached the top twin\n${logs()}`);
    expect((await gwA.registry.getTwin('chain-tw1')).responseBody.properties.reported.firmware).toBe('4.5.6');

    // Desired notifications are not queued: patch until one arrives (the SDK subscribes in the background).
    let arrived = false;
    for (let attempt = 1; attempt <= 10 && !arrived; attempt++) {
      await top.registry.updateTwin('chain-tw1', { properties: { desired: { interval: attempt } } }, '*');
      arrived = await waitFor(() => desired.some((p) => p.interval === attempt), 3000).then(() => true, () => false);
    }
    expect(arrived, `desired never reached the leaf: ${JSON.stringify(desired)}\n${logs()}`).toBe(true);
    const atB = await gwB.registry.getTwin('chain-tw1');
    expect(atB.responseBody.properties.desired.interval).toBeTypeOf('number');
  }, 60_000);

  it('a method invoked at the top reaches the leaf and its answer comes back', async () => {
    const dev = await leaf('chain-m1');
    const calls: unknown[] = [];
    dev.client.onDeviceMethod('setValve', (request, response) => {
      calls.push(request.payload);
      void response.send(200, { valve: (request.payload as JsonMap).position, via: 'leaf' });
    });
    const result = await invokeFromTop('chain-m1', 'setValve', { position: 'open' });
    expect(result).toEqual({ status: 200, payload: { valve: 'open', via: 'leaf' } });
    expect(calls).toContainEqual({ position: 'open' });
  }, 60_000);

  it('a method for a leaf that is not connected to B answers 404103 at the top', async () => {
    await gwB.createDevice('chain-m2');
    await waitForUpstreamIdentity(gwA, 'chain-m2');
    await waitForUpstreamIdentity(top, 'chain-m2');
    // Online on both links, yet neither gateway holds a method link for it (the leaf accepts no
    // methods at B): the top answers DeviceNotOnline itself (HTTP 404), as IoT Hub does.
    const allOnline = async (gw: E2eGateway): Promise<boolean> => {
      const link = (await gw.health()).upstream?.link;
      return link !== undefined && link.identitiesOnline === link.identitiesTotal;
    };
    await waitFor(async () => await allOnline(gwB) && await allOnline(gwA)
      && String((await top.registry.get('chain-m2')).responseBody.connectionState).toLowerCase() === 'connected',
    20_000, () => `chain-m2 never came online on both links\n${logs()}`);
    const answer = await callFromTop('chain-m2', 'x', null, 5);
    expect(answer, `the top must reject the call, not relay an answer: ${JSON.stringify(answer)}`).toHaveProperty('error');
    expect((answer as { error: string }).error).toMatch(/404103/);
    expect((answer as { error: string }).error).toMatch(/DeviceNotOnline/);
  }, 40_000);

  it('a cloud-to-device message sent at the top reaches the leaf; its completion is feedback Success at the top', async () => {
    const dev = await leaf('chain-c1');
    const got: string[] = [];
    dev.client.on('message', (msg: InstanceType<typeof Message>) => {
      got.push(msg.getData().toString());
      void dev.client.complete(msg);
    });
    const { result: feedback } = await top.service.getFeedbackReceiver();
    const records: { originalMessageId: string; statusCode: string; deviceId: string }[] = [];
    feedback.on('message', (msg: InstanceType<typeof Message>) => {
      records.push(...(JSON.parse(msg.getData().toString()) as typeof records));
      void feedback.complete(msg as never);
    });
    const m = new Message('close the valve');
    m.messageId = 'c2d-chain-1';
    m.ack = 'full';
    await top.service.send('chain-c1', m);
    await waitFor(() => got.includes('close the valve'), 30_000, () => `C2D never reached the leaf\n${logs()}`);
    await waitFor(() => records.some((r) => r.originalMessageId === 'c2d-chain-1'), 30_000,
      () => `no feedback at the top: ${JSON.stringify(records)}\n${logs()}`);
    expect(records.find((r) => r.originalMessageId === 'c2d-chain-1')).toMatchObject({ statusCode: 'Success', deviceId: 'chain-c1' });
    expect(got.filter((g) => g === 'close the valve')).toHaveLength(1);
  }, 60_000);

  it('the middle gateway restarted: what the leaf sent and reported meanwhile reaches the top, in order; methods work again', async () => {
    const dev = await leaf('chain-r1');
    dev.client.onDeviceMethod('ping', (_req, res) => { void res.send(200, 'pong'); });
    expect(await invokeFromTop('chain-r1', 'ping', null)).toEqual({ status: 200, payload: 'pong' });

    // A goes away (SIGTERM): B keeps acknowledging its leaf and holds the messages in its outbox.
    await gwA.hub.stop();
    await waitFor(async () => (await gwB.health()).upstream?.link.state !== 'connected', 20_000, () => `B never noticed A left\n${logs()}`);
    const n = 30;
    for (let i = 1; i <= n; i++) await dev.client.sendEvent(new Message(`during-${i}`));
    const twin = await dev.client.getTwin();
    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ mode: 'set-while-a-was-away' }, (err?: Error) => (err ? reject(err) : resolve())));
    await waitFor(async () => (await gwB.health()).outbox.messages >= n, 20_000, () => 'the messages never reached B\u2019s outbox');

    // A comes back on the same address and AMQP port: B reconnects by itself and drains.
    await gwA.restart();
    await waitFor(async () => (await readTelemetry(top, { deviceId: 'chain-r1' })).length >= n, 40_000,
      () => `the backlog never reached the top\n${logs()}`);
    expect((await readTelemetry(top, { deviceId: 'chain-r1' })).map(bodyText)).toEqual(Array.from({ length: n }, (_, i) => `during-${i + 1}`));
    await waitFor(async () => (await top.registry.getTwin('chain-r1')).responseBody.properties.reported.mode === 'set-while-a-was-away',
      30_000, () => `the reported property never reached the top\n${logs()}`);
    expect(await invokeFromTop('chain-r1', 'ping', null)).toEqual({ status: 200, payload: 'pong' });
    expect((await gwB.health()).outbox.messages).toBe(0);
  }, 90_000);
});
