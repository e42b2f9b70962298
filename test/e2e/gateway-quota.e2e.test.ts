/**
 * The gateway's disk quota for the upstream outbox, end to end: a real upstream `fieldhub hub`,
 * two real gateways (`fieldhub start`) with the smallest outbox the schema allows (64 KiB), one
 * with policy `reject` and one with `dropOldest`, the upstream taken away by cutting the proxy.
 *
 * - reject: leaf devices keep sending until the gateway refuses them with a retryable error on
 *   each head (MQTT: the connection closes without PUBACK; HTTPS: 503; AMQP: rejected with
 *   amqp:resource-limit-exceeded); health shows the outbox full with refusals counted, the log
 *   names FH_OUTBOX_FULL and FH_BACKLOG_FULL, and every message the gateway acknowledged reaches
 *   the upstream once it returns.
 * - dropOldest: the sender is never refused; health counts the drops; what reaches the upstream
 *   is the newest messages, in order, and arrived + dropped = sent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, waitForUpstreamIdentity, type E2eGateway, type GatewayHealthDoc } from './support/gateway.js';
import { checkStored, SeqPublisher, type PublisherTarget } from './support/publisher.js';
import { sendDeviceHttps } from './support/device-https.js';
import { AmqpLeaves } from './support/amqp-leaves.js';
import { bodyText, readTelemetry } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const QUOTA = 65_536;
type LogLine = Record<string, unknown>;

let upstream: E2eHub;
let rejecting: E2eGateway;
let dropping: E2eGateway;
const cleanups: (() => Promise<void>)[] = [];

/** A gateway with a 64 KiB outbox and no modules (so only the test's leaves send upstream). */
async function quotaGateway(deviceId: string, fullPolicy: 'reject' | 'dropOldest'): Promise<E2eGateway> {
  const gw = await startE2eGateway(upstream, {
    deviceId, upstreamConfig: { outbox: { maxBytes: QUOTA, fullPolicy } }, config: { modules: {} },
  });
  cleanups.push(() => gw.stop());
  return gw;
}

beforeAll(async () => {
  upstream = await startE2eHub();
  [rejecting, dropping] = await Promise.all([quotaGateway('gw-q-reject', 'reject'), quotaGateway('gw-q-drop', 'dropOldest')]);
}, 120_000);

afterAll(async () => {
  for (const c of cleanups.reverse()) await c().catch(() => undefined);
  await upstream?.stop();
});

function mqttTarget(gw: E2eGateway): PublisherTarget {
  return { host: gw.ip, port: gw.hub.ports.mqtt, ca: gw.caPem, hostName: gw.ip };
}

/** The gateway's JSON log lines (pino) that match every field of `fields`. */
function logLines(gw: E2eGateway, fields: LogLine): LogLine[] {
  const out: LogLine[] = [];
  for (const line of gw.hub.stderr().split('\n')) {
    if (!line.startsWith('{')) continue;
    let parsed: LogLine;
    try {
      parsed = JSON.parse(line) as LogLine;
    } catch {
      continue;
    }
    if (Object.entries(fields).every(([k, v]) => parsed[k] === v)) out.push(parsed);
  }
  return out;
}

/** Leaf devices created on the gateway, mirrored upstream, with the link up for all of them. */
async function leaves(gw: E2eGateway, ids: string[]): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for (const id of ids) keys.set(id, (await gw.createDevice(id)).key);
  for (const id of ids) await waitForUpstreamIdentity(upstream, id);
  await waitFor(async () => {
    const link = (await gw.health()).upstream?.link;
    return link?.state === 'connected' && link.identitiesOnline >= ids.length + 1;
  }, 20_000, () => 'the leaves never came online upstream');
  return keys;
}

async function cut(gw: E2eGateway): Promise<void> {
  gw.proxy.cut();
  await waitFor(async () => (await gw.health()).upstream?.link.state !== 'connected', 20_000, () => 'the link never noticed the cut');
}

async function upstreamNumbers(deviceId: string): Promise<number[]> {
  return (await readTelemetry(upstream, { deviceId })).map((r) => Number(bodyText(r)));
}

function describeState(gw: E2eGateway, health?: GatewayHealthDoc): string {
  return `health: ${JSON.stringify(health)}\ngateway log:\n${gw.hub.stderr().slice(-6000)}`;
}

describe('outbox full, policy reject', () => {
  it('refuses new messages with a retryable error on every head, shows it in health and log, and loses nothing it acknowledged', async () => {
    const gw = rejecting;
    const keys = await leaves(gw, ['qr-mqtt', 'qr-https', 'qr-amqp']);
    await cut(gw);

    // MQTT: a QoS 1 publisher keeps sending until the gateway stops acknowledging and hangs up.
    const pub = await SeqPublisher.connect(mqttTarget(gw), 'qr-mqtt', keys.get('qr-mqtt')!, 16);
    pub.start();
    const closed = await Promise.race([pub.client.closed.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 15_000))]);
    pub.stop();
    if (!closed) pub.client.destroy();
    let health = await gw.health();
    expect(closed, `the MQTT sender was never refused (${pub.acked.length} acknowledged); ${describeState(gw, health)}`).toBe(true);
    expect(pub.inflightCount).toBeGreaterThan(0); // hung up with PUBLISHes left unacknowledged
    expect(pub.protocolErrors).toEqual([]);
    await waitFor(() => logLines(gw, { event: 'telemetry-failed', code: 'FH_BACKLOG_FULL' }).length > 0, 5000,
      () => `no telemetry-failed FH_BACKLOG_FULL in the log; ${describeState(gw)}`);

    // A reconnecting MQTT sender is refused the same way while the outbox stays full.
    const again = await SeqPublisher.connect(mqttTarget(gw), 'qr-mqtt', keys.get('qr-mqtt')!, 1);
    again.start();
    await again.client.closed;
    expect(again.acked).toEqual([]);

    // HTTPS device telemetry: 503 ServiceUnavailable (retryable), IoT Hub's body.
    const http = await sendDeviceHttps(gw, 'qr-https', keys.get('qr-https')!, 'https-1');
    expect(http.status).toBe(503);
    expect(JSON.parse(http.text)).toMatchObject({ errorCode: 503001, Message: expect.stringMatching(/^ErrorCode:ServiceUnavailable;/) });

    // AMQP device telemetry: rejected with amqp:resource-limit-exceeded.
    const amqp = await AmqpLeaves.connect({ host: gw.ip, port: gw.hub.ports.amqp, ca: gw.caPem, hostName: gw.ip });
    cleanups.push(() => amqp.close());
    await amqp.attach('qr-amqp', keys.get('qr-amqp')!);
    expect(await amqp.send('qr-amqp', 'amqp-1')).toMatchObject({ condition: 'amqp:resource-limit-exceeded' });

    health = await gw.health();
    // Full: a batch the outbox refused waits for room, or (live traffic, batches of a message or
    // two) the door refused first; either way health says so.
    expect(health.outbox, describeState(gw, health)).toMatchObject({ full: true, fullPolicy: 'reject' });
    expect(health.outbox.dropped).toBe(0);
    // MQTT, HTTPS and AMQP senders were each refused at least once at the door.
    expect(health.outbox.refusedAtDoor).toBeGreaterThanOrEqual(3);
    expect(health.outbox.bytes).toBeLessThanOrEqual(QUOTA);
    expect(logLines(gw, { code: 'FH_OUTBOX_FULL', policy: 'reject' }).length, describeState(gw, health)).toBeGreaterThan(0);

    // The upstream returns: every acknowledged message arrives, in order; the door opens again.
    gw.proxy.restore();
    await waitFor(async () => checkStored(await upstreamNumbers('qr-mqtt'), pub.acked, pub.lastSent).problems.length === 0, 30_000,
      () => `acknowledged messages missing upstream (${pub.acked.length} acknowledged); ${describeState(gw)}`);
    const check = checkStored(await upstreamNumbers('qr-mqtt'), pub.acked, pub.lastSent);
    expect(check.problems).toEqual([]);
    await waitFor(async () => (await gw.health()).outbox.full === false, 20_000, () => `the outbox never emptied; ${describeState(gw)}`);
    expect((await sendDeviceHttps(gw, 'qr-https', keys.get('qr-https')!, 'https-2')).status).toBe(204);
    expect(await amqp.send('qr-amqp', 'amqp-2')).toBe('accepted');
    await waitFor(async () => (await readTelemetry(upstream, { deviceId: 'qr-amqp' })).length === 1
      && (await readTelemetry(upstream, { deviceId: 'qr-https' })).length === 1, 20_000, () => `the messages sent after the drain never arrived; ${describeState(gw)}`);
    expect((await readTelemetry(upstream, { deviceId: 'qr-https' })).map(bodyText)).toEqual(['https-2']);
    expect((await readTelemetry(upstream, { deviceId: 'qr-amqp' })).map(bodyText)).toEqual(['amqp-2']);
    console.log(JSON.stringify({ test: 'quota-reject', acknowledged: pub.acked.length, duplicatesUpstream: check.duplicates, rejected: health.outbox.rejected }));
  }, 60_000);
});

describe('outbox full, policy dropOldest', () => {
  it('never refuses the sender, counts the drops, and delivers the newest messages in order', async () => {
    const gw = dropping;
    const keys = await leaves(gw, ['qd-mqtt']);
    await cut(gw);

    const SENT = 3000; // about five times what 64 KiB holds
    const pub = await SeqPublisher.connect(mqttTarget(gw), 'qd-mqtt', keys.get('qd-mqtt')!, 16);
    pub.onAck(() => {
      if (pub.lastSent >= SENT) pub.stop();
    });
    pub.start();
    await waitFor(() => pub.acked.length === SENT || pub.client.isClosed, 30_000, () => `only ${pub.acked.length} acknowledged`);
    expect(pub.client.isClosed).toBe(false);
    expect(pub.acked.length).toBe(SENT);
    expect(pub.lastSent).toBe(SENT);

    // Wait until the route pipeline has handed everything to the outbox.
    await waitFor(async () => {
      const h = (await gw.health()) as GatewayHealthDoc & { routes: Record<string, { lag: number }> };
      return h.routes.$upstream?.lag === 0;
    }, 20_000, () => `the route pipeline never caught up; ${describeState(gw)}`);
    const health = await gw.health();
    expect(health.outbox).toMatchObject({ fullPolicy: 'dropOldest', rejected: 0 });
    expect(health.outbox.dropped, describeState(gw, health)).toBeGreaterThan(0);
    expect(health.outbox.bytes).toBeLessThanOrEqual(QUOTA);
    expect(health.outbox.messages + health.outbox.dropped).toBe(SENT);
    expect(logLines(gw, { code: 'FH_OUTBOX_FULL', policy: 'dropOldest' }).length, describeState(gw, health)).toBeGreaterThan(0);
    const kept = health.outbox.messages;

    gw.proxy.restore();
    await waitFor(async () => (await gw.health()).outbox.messages === 0, 30_000, () => `the backlog never drained; ${describeState(gw)}`);
    const arrived = await upstreamNumbers('qd-mqtt');
    const newest = Array.from({ length: kept }, (_, i) => SENT - kept + 1 + i);
    expect(arrived).toEqual(newest);
    expect(arrived.length + health.outbox.dropped).toBe(SENT);
    console.log(JSON.stringify({ test: 'quota-dropOldest', sent: SENT, arrived: arrived.length, dropped: health.outbox.dropped }));
  }, 45_000);
});
