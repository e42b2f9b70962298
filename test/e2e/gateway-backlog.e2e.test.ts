/**
 * Store-and-forward at scale (issue 4): a real `fieldhub hub` upstream on a fixed AMQP port, a real
 * `fieldhub start` gateway synced to it, and raw-MQTT leaf publishers whose message bodies are
 * per-device sequence numbers (support/publisher.ts), so what the upstream stored can be checked
 * against exactly what the gateway acknowledged (PUBACK).
 *
 * 1. The upstream process is stopped, 100,000 messages (10 devices x 10,000) are acknowledged by
 *    the gateway, the upstream is restarted on its data folder: every acknowledged message
 *    arrives, in order per device, and the duplicates are counted.
 * 2. The link is cut, 50,000 more are acknowledged, the link returns, and the gateway is killed
 *    with SIGKILL once part (not all) of the backlog arrived, then restarted on its data folder:
 *    nothing acknowledged is lost, first arrivals keep the per-device order, duplicates bounded.
 *
 * The order property (checkStored): at-least-once delivery may store a message again (a resend
 * after a released lease, or records the upstream accepted whose removal from the outbox the
 * kill cut short), so a device's sequence upstream may contain repeats. What must hold is that
 * the sequence of *first* occurrences per device is strictly increasing, every acknowledged
 * number occurs at least once, and no number occurs that was never sent. Repeats are counted.
 * Drain rates and the delay from the upstream's return to the first arrival are logged as one
 * JSON line per test: information, never assertions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, waitForUpstreamIdentity, type E2eGateway, type GatewayHealthDoc } from './support/gateway.js';
import { checkStored, type SeqPublisher } from './support/publisher.js';
import { firstLogTime, logEventTime, outboxOpenMs, publishBacklog, UpstreamTally } from './support/backlog.js';
import { waitFor } from './support/observe.js';

/** The drain window (upstream.outbox.maxInFlight): what bounds the duplicates of a crash. */
const MAX_IN_FLIGHT = 256;

let upstream: E2eHub;
let gw: E2eGateway;

beforeAll(async () => {
  upstream = await startE2eHub({ amqpPort: 5671 });
  gw = await startE2eGateway(upstream, { upstreamConfig: { outbox: { maxInFlight: MAX_IN_FLIGHT } } });
}, 60_000);

afterAll(async () => {
  await gw?.stop();
  await upstream?.stop();
});

/** Leaf devices on the gateway, mirrored upstream, every identity's links online. */
async function leaves(prefix: string, count: number): Promise<{ deviceId: string; key: string }[]> {
  const out: { deviceId: string; key: string }[] = [];
  for (let i = 0; i < count; i++) {
    const deviceId = `${prefix}-${i}`;
    out.push({ deviceId, key: (await gw.createDevice(deviceId)).key });
  }
  for (const d of out) await waitForUpstreamIdentity(upstream, d.deviceId);
  await waitFor(async () => {
    const link = (await gw.health()).upstream?.link;
    // The gateway device, its system module, earlier leaves and these.
    return link !== undefined && link.identitiesOnline === link.identitiesTotal && link.identitiesTotal >= count + 2;
  }, 30_000, () => 'the leaf identities never came online upstream');
  return out;
}

async function linkDown(): Promise<void> {
  await waitFor(async () => (await gw.health()).upstream?.link.state !== 'connected', 20_000, () => 'the link never noticed the upstream going');
}

/** Waits until the route pipeline moved every acknowledged message into the outbox. */
async function backlogInOutbox(expected: number): Promise<void> {
  let health: GatewayHealthDoc | undefined;
  await waitFor(async () => {
    health = await gw.health();
    return health.outbox.messages >= expected;
  }, 60_000, () => `outbox ${JSON.stringify(health?.outbox)}`);
}

async function outboxEmpty(): Promise<GatewayHealthDoc> {
  let health: GatewayHealthDoc | undefined;
  await waitFor(async () => {
    health = await gw.health();
    return health.outbox.messages === 0;
  }, 20_000, () => `the outbox never emptied: ${JSON.stringify(health?.outbox)}`);
  return health!;
}

/** checkStored for every publisher: the problems by device (empty when all holds) and the duplicates summed. */
function checkAll(tally: UpstreamTally, pubs: SeqPublisher[]): { problems: Record<string, string[]>; duplicates: number } {
  const problems: Record<string, string[]> = {};
  let duplicates = 0;
  for (const pub of pubs) {
    const found = [...pub.protocolErrors];
    const checked = checkStored(tally.stored.get(pub.deviceId) ?? [], pub.acked, pub.lastSent);
    found.push(...checked.problems);
    if (found.length > 0) problems[pub.deviceId] = found;
    duplicates += checked.duplicates;
  }
  if (tally.total !== tally.distinct + duplicates) problems.tally = [`${tally.total} records, ${tally.distinct} distinct, ${duplicates} duplicates`];
  return { problems, duplicates };
}

const ms = (to: number | undefined, from: number): number | null => (to === undefined ? null : to - from);
const perS = (n: number, fromMs: number, toMs: number): number => Math.round(n / ((toMs - fromMs) / 1000));

describe('store-and-forward backlog', () => {
  it('upstream stopped, 100,000 messages acknowledged, upstream restarted: all arrive in order per device, duplicates counted', async () => {
    const DEVICES = 10;
    const PER_DEVICE = 10_000;
    const devices = await leaves('bl', DEVICES);
    const tally = new UpstreamTally(upstream, devices.map((d) => d.deviceId));
    await tally.skipExisting();

    await upstream.hub.stop();
    await linkDown();
    const publishFrom = Date.now();
    const pubs = await publishBacklog(gw, devices, PER_DEVICE);
    const acked = pubs.reduce((n, p) => n + p.acked.length, 0);
    expect(acked).toBe(DEVICES * PER_DEVICE);
    const publishedAt = Date.now();
    await backlogInOutbox(acked);

    const restartFrom = Date.now();
    await upstream.restart();
    // The upstream is back when its process reported ready (restart() resolves on that line).
    const returnedAt = Date.now();
    await tally.pollUntil(() => tally.firstSeenAt !== undefined, 60_000, () => 'nothing arrived after the upstream returned', 20);
    await tally.pollUntil(() => tally.distinct >= acked, 120_000, () => `the upstream has ${tally.distinct} of ${acked}`);
    const drainedAt = Date.now();
    const after = await outboxEmpty();

    const { problems, duplicates } = checkAll(tally, pubs);
    console.log(JSON.stringify({
      test: 'backlog-100k-upstream-restart', messages: acked, duplicates, duplicatesResent: after.outbox.duplicatesResent,
      publishRatePerS: perS(acked, publishFrom, publishedAt),
      // Negative when the gateway reconnected before the helper had read the new process's state.
      returnToReconnectMs: ms(logEventTime(gw.hub.stderr(), 'connected', restartFrom, 'fieldhub:upstream'), returnedAt),
      upstreamRestartMs: returnedAt - restartFrom,
      returnToFirstArrivalMs: ms(tally.firstSeenAt, returnedAt),
      gatewayReconnectToFirstAckMs: after.upstream?.drain.lastReconnectToFirstAckMs,
      drainMs: drainedAt - returnedAt, drainRatePerS: perS(acked, returnedAt, drainedAt),
      drain: after.upstream?.drain,
    }));
    expect(problems).toEqual({});
    // Without a crash the upstream can have a message twice only if the drain sent it again
    // after releasing its lease (timeout, lost link); the outbox counts every such resend.
    expect(duplicates).toBeLessThanOrEqual(after.outbox.duplicatesResent);
  }, 150_000);

  it('kill -9 of the gateway during the drain, restart: nothing acknowledged is lost, first arrivals in order per device', async () => {
    const DEVICES = 10;
    const PER_DEVICE = 5_000;
    const devices = await leaves('kd', DEVICES);
    const tally = new UpstreamTally(upstream, devices.map((d) => d.deviceId));
    await tally.skipExisting();

    // This time the upstream stays up and the network between the two goes.
    gw.proxy.cut();
    await linkDown();
    const publishFrom = Date.now();
    const pubs = await publishBacklog(gw, devices, PER_DEVICE);
    const acked = pubs.reduce((n, p) => n + p.acked.length, 0);
    expect(acked).toBe(DEVICES * PER_DEVICE);
    const publishedAt = Date.now();
    await backlogInOutbox(acked);

    // The upstream returns; once a quarter of the backlog has arrived, SIGKILL.
    const pidBefore = gw.hub.pid;
    gw.proxy.restore();
    const returnedAt = Date.now();
    await tally.pollUntil(() => tally.distinct >= acked / 4, 60_000, () => `the upstream has ${tally.distinct} of ${acked} before the kill`, 20);
    const atKill = await gw.health();
    const logBeforeKill = gw.hub.stderr();
    await gw.hub.kill9();
    const killedAt = Date.now();
    // What was on the wire has landed by now; the kill must have been in the middle of the drain.
    await new Promise((r) => setTimeout(r, 300));
    await tally.poll();
    const distinctAtKill = tally.distinct;
    expect(distinctAtKill).toBeLessThan(acked);

    await gw.restart();
    expect(gw.hub.pid).not.toBe(pidBefore);
    const restartedAt = Date.now();
    await tally.pollUntil(() => tally.distinct >= acked, 90_000,
      () => `the upstream has ${tally.distinct} of ${acked} after the restart; gateway log:\n${gw.hub.stderr().slice(-4000)}`);
    const drainedAt = Date.now();
    const after = await outboxEmpty();

    const { problems, duplicates } = checkAll(tally, pubs);
    // A crash duplicates what the upstream accepted but the outbox had not yet removed: records
    // leased and not yet settled, at most the drain window (maxInFlight). Resends after a released
    // lease add to that; each process counts its own (the killed one up to its last health read).
    const bound = MAX_IN_FLIGHT + atKill.outbox.duplicatesResent + after.outbox.duplicatesResent;
    console.log(JSON.stringify({
      test: 'backlog-kill9-during-drain', messages: acked, duplicates, duplicateBound: bound, distinctAtKill,
      publishRatePerS: perS(acked, publishFrom, publishedAt),
      atKill: { gatewayReconnectToFirstAckMs: atKill.upstream?.drain.lastReconnectToFirstAckMs, drainInFlight: atKill.upstream?.drain.inFlight, outboxLeased: atKill.outbox.leased, outboxMessages: atKill.outbox.messages },
      recoveredAtRestart: after.outbox.recovered,
      duplicatesResent: { beforeKill: atKill.outbox.duplicatesResent, afterRestart: after.outbox.duplicatesResent },
      returnToReconnectMs: ms(logEventTime(logBeforeKill, 'connected', returnedAt, 'fieldhub:upstream'), returnedAt),
      returnToFirstArrivalMs: ms(tally.firstSeenAt, returnedAt),
      drainRateBeforeKillPerS: perS(distinctAtKill, returnedAt, killedAt),
      // restart() includes the test helper's dist rebuild when sources changed meanwhile.
      killToRestartedMs: restartedAt - killedAt,
      killToProcessFirstLogMs: ms(firstLogTime(gw.hub.stderr()), killedAt),
      outboxOpenMs: outboxOpenMs(gw.hub.stderr()),
      killToReconnectMs: ms(logEventTime(gw.hub.stderr(), 'connected', killedAt, 'fieldhub:upstream'), killedAt),
      drainRateAfterRestartPerS: perS(acked - distinctAtKill, restartedAt, drainedAt),
    }));
    expect(problems).toEqual({});
    expect(duplicates, `duplicates beyond the drain window; at the kill the drain had ${atKill.upstream?.drain.inFlight} in flight, ${atKill.outbox.leased} leased`)
      .toBeLessThanOrEqual(bound);
  }, 150_000);
});
