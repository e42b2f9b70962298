/**
 * The plain MQTT bridge upstream, end to end: a real `fieldhub start` gateway whose upstream is
 * `protocol: mqtt-bridge` to a real mosquitto the test runs (persistence on, so the broker keeps
 * sessions across its restart), and a leaf device using the unmodified Azure device SDK (MQTT)
 * through the gateway. mosquitto_sub and mosquitto_pub are the independent peers on the broker
 * side: telemetry appears on the mapped topic; the broker stopped, messages sent meanwhile are
 * acknowledged by the gateway and all arrive, in order, once the broker is back on the same port;
 * a command published on the command topic reaches the leaf as a cloud-to-device message.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Mosquitto } from '../integration/mqtt-bridge/mosquitto.js';
import { startE2eHub, type E2eHub } from './support/hub.js';
import type { GatewayHealthDoc } from './support/gateway.js';
import { deviceSdk, openDevice, type OpenDevice } from './support/device.js';
import { durableSubscriber, type DurableSubscriber } from './support/durable-sub.js';
import { serviceRequest } from './support/service-http.js';
import { waitFor } from './support/observe.js';

const { Message } = deviceSdk;

let broker: Mosquitto;
let gw: E2eHub;
let observer: DurableSubscriber | undefined;
const bridgeClientId = `fh-e2e-bridge-${randomBytes(3).toString('hex')}`;
const opened: OpenDevice[] = [];

beforeAll(async () => {
  broker = await Mosquitto.start('gateway-e2e', { persistence: true });
  gw = await startE2eHub({
    command: 'start',
    config: {
      gateway: { deviceId: 'gw-bridge' },
      upstream: {
        protocol: 'mqtt-bridge',
        bridge: {
          url: `mqtt://127.0.0.1:${broker.port}`,
          clientId: bridgeClientId,
          telemetryTopic: 'plant/{deviceId}/up',
          commandTopic: 'plant/{deviceId}/down',
        },
      },
    },
  });
}, 120_000);

afterAll(async () => {
  for (const dev of opened) await dev.close();
  observer?.close();
  await gw?.stop();
  await broker?.close();
});

async function health(): Promise<GatewayHealthDoc> {
  const res = await serviceRequest(gw, 'GET', '/fieldhub/v1/gateway');
  if (res.status !== 200) throw new Error(`GET /fieldhub/v1/gateway: HTTP ${res.status}: ${res.text}`);
  return JSON.parse(res.text) as GatewayHealthDoc;
}

function logs(): string {
  return `--- gateway ---\n${gw.hub.stderr().slice(-4000)}\n--- mosquitto ---\n${broker.log.slice(-3000)}`;
}

/** A leaf device registered on the gateway and connected through it. */
async function leaf(deviceId: string): Promise<OpenDevice> {
  const { connectionString } = await gw.createDevice(deviceId);
  const dev = await openDevice(connectionString, { ca: gw.caPem });
  opened.push(dev);
  return dev;
}

/** With the broker stopped: n messages acked by the gateway, the broker restarted, all arrive in order. */
async function awayAndBack(dev: OpenDevice, obs: DurableSubscriber): Promise<void> {
  await waitFor(async () => (await health()).upstream?.link.state !== 'connected', 20_000, () => `the gateway never noticed the broker left\n${logs()}`);
  const n = 100;
  // Each sendEvent resolves on the gateway's PUBACK: the gateway has acknowledged all of them.
  for (let i = 1; i <= n; i++) await dev.client.sendEvent(new Message(`away-${i}`));
  // Stored by the gateway's hub, then moved into the upstream outbox by the route (not at once).
  await waitFor(async () => (await health()).outbox.messages >= n, 20_000, () => 'the messages never reached the outbox');

  await broker.restart();
  // The broker kept the observer's session: the live messages and what the gateway drains now
  // are queued for it.
  const after = await obs.attach(5 + n);
  const lines = await Promise.race([
    after.lines,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`the backlog never arrived\n${logs()}`)), 30_000).unref()),
  ]);
  expect(lines).toEqual([
    ...Array.from({ length: 5 }, (_, i) => `plant/leaf-b1/up live-${i + 1}`),
    ...Array.from({ length: n }, (_, i) => `plant/leaf-b1/up away-${i + 1}`),
  ]);
  await waitFor(async () => (await health()).outbox.messages === 0, 20_000, () => 'the outbox never emptied');
  const h = await health();
  expect(h.upstream?.link.state).toBe('connected');
  expect(h.upstream?.drain.lastReconnectToFirstAckMs).toBeTypeOf('number');
}

describe('plain MQTT bridge to a real mosquitto', () => {
  it('the bridge connects with its own client id and subscribes to the command topic', async () => {
    await waitFor(async () => (await health()).upstream?.link.state === 'connected', 20_000, () => `the bridge never connected\n${logs()}`);
    await broker.waitForLog(new RegExp(`New client connected .* as ${bridgeClientId}\\b`));
    await broker.waitForLog(new RegExp(`${bridgeClientId} 1 plant/\\+/down`), 1, 20_000);
    const h = await health();
    expect(h.gatewayDeviceId).toBe('gw-bridge');
    expect(h.upstream?.link.connections).toBe(1);
  }, 40_000);

  it('leaf telemetry appears on the mapped topic, in order; the broker stopped, messages acked meanwhile all arrive in order after its restart', async () => {
    const dev = await leaf('leaf-b1');
    // Live: seen as it happens by a plain observer, and queued for a durable one that watches the
    // whole story (its session survives the broker's restart: persistence is on).
    observer = durableSubscriber(broker, 'plant/+/up');
    await observer.register();
    const live = await broker.subscribe('plant/+/up', 5);
    for (let i = 1; i <= 5; i++) await dev.client.sendEvent(new Message(`live-${i}`));
    expect(await live.lines).toEqual([1, 2, 3, 4, 5].map((i) => `plant/leaf-b1/up live-${i}`));

    await broker.stop();
    try {
      await awayAndBack(dev, observer);
    } finally {
      // Whatever failed, the next test gets its broker back.
      if (broker.pid === undefined) await broker.restart();
    }
  }, 80_000);

  it('a command published on the command topic reaches the leaf as a cloud-to-device message', async () => {
    const dev = await leaf('leaf-b2');
    const got: { body: string; messageId?: string }[] = [];
    dev.client.on('message', (msg: InstanceType<typeof Message>) => {
      got.push({ body: msg.getData().toString(), messageId: msg.messageId });
      void dev.client.complete(msg);
    });
    // The bridge subscribed to plant/+/down at connect (test 1); the leaf's identity is mirrored
    // once it exists, and the C2D waits in the gateway's queue until the SDK has subscribed.
    await waitFor(async () => {
      const link = (await health()).upstream?.link;
      return link !== undefined && link.state === 'connected' && link.identitiesOnline === link.identitiesTotal;
    }, 20_000, () => `the bridge is not up with every identity\n${logs()}`);
    await broker.publish('plant/leaf-b2/down', 'open the valve');
    await waitFor(() => got.length > 0, 20_000, () => `the command never reached the leaf\n${logs()}`);
    expect(got.map((g) => g.body)).toEqual(['open the valve']);
    // Not for a device this gateway has: dropped by the gateway, nothing reaches our leaf.
    await broker.publish('plant/nosuch/down', 'nobody');
    await broker.publish('plant/leaf-b2/down', 'close the valve');
    await waitFor(() => got.length > 1, 20_000, () => `the second command never reached the leaf\n${logs()}`);
    expect(got.map((g) => g.body)).toEqual(['open the valve', 'close the valve']);
    // Plain MQTT 3.1.1 carries no message id: the gateway gives each command its own.
    expect(new Set(got.map((g) => g.messageId)).size).toBe(2);
  }, 60_000);
});
