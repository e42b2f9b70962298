/**
 * 1,000 leaf identities over multiplexed upstream AMQP connections, end to end: a real upstream
 * `fieldhub hub`, a real gateway (`fieldhub start`). The devices are created on the gateway with
 * the registry's bulk import (azure-iothub `Registry.addDevices`, 100 per call); the gateway
 * mirrors them upstream and attaches them at the default `identitiesPerConnection` (1,000, IoT
 * Hub's multiplexing limit): the gateway's own identity and the 1,000 leaves are 1,001, so one
 * connection carries 1,000 and a second one the last. The test
 * counts the upstream's established TCP connections on its AMQP port (what the upstream sees),
 * then makes every identity send one message through the gateway (one AMQP connection to the
 * gateway's own head carrying all 1,000 identities, each with its own device token) and checks
 * each arrives upstream from its own device id. How long mirroring and attaching took is printed
 * for information, never asserted.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2eHub, type E2eHub } from './support/hub.js';
import { startE2eGateway, type E2eGateway } from './support/gateway.js';
import { AmqpLeaves, type AmqpOutcome } from './support/amqp-leaves.js';
import { bodyText, readTelemetry, serviceRequest } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const N = 1000;
const ids = Array.from({ length: N }, (_, i) => `scale-${String(i).padStart(4, '0')}`);
const key = randomBytes(32).toString('base64');

let upstream: E2eHub;
let gw: E2eGateway;
let leaves: AmqpLeaves | undefined;

beforeAll(async () => {
  upstream = await startE2eHub();
  gw = await startE2eGateway(upstream, { deviceId: 'gw-scale', upstreamConfig: { identitiesPerSecond: 500 }, config: { modules: {} } });
}, 120_000);

afterAll(async () => {
  await leaves?.close();
  await gw?.stop();
  await upstream?.stop();
});

/** Established TCP connections whose local end is the upstream's AMQP listener (`ss`, iproute2). */
function upstreamAmqpConnections(): number {
  let out: string;
  try {
    out = execFileSync('ss', ['-Htn', 'state', 'established', `( sport = :${upstream.hub.ports.amqp} )`], { encoding: 'utf8' });
  } catch (err) {
    throw new Error(`counting connections needs ss (install: apt-get install iproute2): ${(err as Error).message}`);
  }
  return out.split('\n').filter((line) => line.includes(`${upstream.ip}:${upstream.hub.ports.amqp}`)).length;
}

/** Runs `fn` over `items` with at most `lanes` at a time. */
async function inLanes<T, R>(items: readonly T[], lanes: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array<R>(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  }));
  return out;
}

describe('1,000 leaf identities', () => {
  it('are mirrored upstream and attached over two AMQP connections (1,000 identities on one), and each one\u2019s telemetry arrives from its own id', async () => {
    const started = Date.now();
    for (let i = 0; i < N; i += 100) {
      const batch = ids.slice(i, i + 100).map((deviceId) => ({
        deviceId, status: 'enabled' as const, authentication: { symmetricKey: { primaryKey: key, secondaryKey: key } },
      }));
      const { responseBody } = await gw.registry.addDevices(batch);
      expect(responseBody).toMatchObject({ isSuccessful: true, errors: [] });
    }
    const imported = Date.now();

    // Mirrored (created upstream) and attached: the gateway's own identity plus the 1,000 leaves.
    let last: Awaited<ReturnType<E2eGateway['health']>> | undefined;
    const stalled = (what: string) => (): string => `${what} stalled: ${JSON.stringify(last?.upstream)}\ngateway log:\n${gw.hub.stderr().slice(-4000)}`;
    const deadline = Date.now() + 55_000; // one budget for both (a failure guard, not a speed assertion)
    await waitFor(async () => ((last = await gw.health()).upstream?.mirror.createdUpstream ?? 0) >= N + 1, deadline - Date.now(), stalled('mirroring'));
    const mirrored = Date.now();
    await waitFor(async () => ((last = await gw.health()).upstream?.link.identitiesOnline ?? 0) >= N + 1, Math.max(1, deadline - Date.now()), stalled('attaching'));
    const attached = Date.now();

    const listed = await serviceRequest(upstream, 'GET', '/devices?top=5000&api-version=2021-04-12');
    expect(listed.status).toBe(200);
    const upstreamIds = new Set((JSON.parse(listed.text) as { deviceId: string }[]).map((d) => d.deviceId));
    expect(ids.filter((id) => !upstreamIds.has(id))).toEqual([]);
    const upHealth = await serviceRequest(upstream, 'GET', '/fieldhub/v1/health');
    expect((JSON.parse(upHealth.text) as { connectedDevices: number }).connectedDevices).toBeGreaterThanOrEqual(N + 1);

    // What the upstream sees: 1,001 identities on two AMQP connections, neither of them reopened.
    expect(upstreamAmqpConnections()).toBe(2);
    expect(gw.proxy.open).toBe(2);
    expect(gw.proxy.accepted).toBe(2);
    expect((await gw.health()).upstream?.link).toMatchObject({ state: 'connected', connections: 2 });

    // Every identity sends once, all over one AMQP connection to the gateway's own head.
    leaves = await AmqpLeaves.connect({ host: gw.ip, port: gw.hub.ports.amqp, ca: gw.caPem, hostName: gw.ip });
    const amqp = leaves;
    await inLanes(ids, 50, (id) => amqp.attach(id, key));
    const outcomes = await inLanes(ids, 100, (id) => amqp.send(id, `from-${id}`));
    const refused = outcomes.map((o, i) => [ids[i], o] as [string, AmqpOutcome]).filter(([, o]) => o !== 'accepted');
    expect(refused).toEqual([]);

    let bodies = new Map<string, string[]>();
    await waitFor(async () => {
      bodies = new Map();
      for (const r of await readTelemetry(upstream)) {
        if (!r.deviceId.startsWith('scale-')) continue;
        bodies.set(r.deviceId, [...(bodies.get(r.deviceId) ?? []), bodyText(r)]);
      }
      return bodies.size >= N;
    }, 40_000, () => `only ${bodies.size} of ${N} identities' messages arrived upstream`);
    const wrong = ids.filter((id) => JSON.stringify(bodies.get(id)) !== JSON.stringify([`from-${id}`]));
    expect(wrong).toEqual([]);
    const delivered = Date.now();
    expect(upstreamAmqpConnections()).toBe(2);
    expect(gw.proxy.accepted).toBe(2);

    console.log(JSON.stringify({
      test: 'gateway-scale', identities: N, bulkImportMs: imported - started, mirrorMs: mirrored - imported,
      attachMs: attached - imported, oneMessageEachMs: delivered - attached,
    }));
  }, 85_000);
});
