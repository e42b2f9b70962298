/**
 * One AMQP connection carrying many identities (wire contract C "Multiplexing"): 1,000 devices
 * each authorised by its own CBS put-token, each sending telemetry and receiving a C2D message;
 * and the gateway pattern, one DeviceConnect policy token covering many devices.
 */
import type { EventContext, Receiver } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, policyToken, startAmqpHub, storedTelemetry, waitFor, type AmqpTestHub } from './harness.js';
import { connectPeer } from './rhea-peer.js';

const COUNT = 1000;
let hub: AmqpTestHub;

beforeAll(async () => {
  hub = await startAmqpHub();
});

afterAll(async () => {
  await hub?.close();
});

/** Collects C2D messages on a receiver, accepting each, with credit for `credit`. */
function collect(receiver: Receiver, credit: number): string[] {
  const bodies: string[] = [];
  receiver.on('message', (c: EventContext) => {
    const body = c.message?.body as { content?: Buffer } | undefined;
    bodies.push(Buffer.from(body?.content ?? Buffer.alloc(0)).toString());
    c.delivery?.accept();
  });
  receiver.add_credit(credit);
  return bodies;
}

describe('many identities on one AMQP connection', () => {
  it(`carries ${COUNT} devices, each with its own put-token, sending and receiving`, async () => {
    const ids = Array.from({ length: COUNT }, (_, i) => `mx-${String(i).padStart(4, '0')}`);
    const keys = new Map<string, string>();
    for (const id of ids) keys.set(id, await addSasIdentity(hub, id));
    const before = hub.head.stats().connectionsAccepted;
    const peer = await connectPeer(hub);

    const statuses = await Promise.all(ids.map((id) => peer.putToken(deviceToken(hub, id, keys.get(id)!), `${hub.hostName}/devices/${id}`)));
    expect(statuses.every((s) => s === 200)).toBe(true);

    const links = await Promise.all(ids.map(async (id) => {
      const [events, c2d] = await Promise.all([peer.sender(`/devices/${id}/messages/events`), peer.receiver(`/devices/${id}/messages/devicebound`)]);
      return { id, events, bodies: collect(c2d, 1) };
    }));
    const outcomes = await Promise.all(links.map((l) => peer.send(l.events, { body: `telemetry from ${l.id}`, message_id: `t-${l.id}` })));
    expect(outcomes.filter((o) => o !== 'accepted')).toEqual([]);

    const stored = (await storedTelemetry(hub)).filter((s) => s.deviceId.startsWith('mx-'));
    expect(stored).toHaveLength(COUNT);
    expect(new Set(stored.map((s) => s.deviceId)).size).toBe(COUNT);
    for (const s of stored) expect(Buffer.from(s.message.body).toString()).toBe(`telemetry from ${s.deviceId}`);

    for (const id of ids) await hub.core.c2d.send(id, { body: Buffer.from(`c2d for ${id}`), system: { messageId: `c-${id}` }, properties: {} });
    await waitFor(() => links.every((l) => l.bodies.length === 1), 'every C2D message', 60_000);
    for (const l of links) expect(l.bodies).toEqual([`c2d for ${l.id}`]);
    // Accepted = completed: every queue drains.
    await waitFor(async () => (await Promise.all(ids.map((id) => hub.core.c2d.queueDepth(id)))).every((d) => d === 0), 'queues drained', 30_000);

    // All of it went over one connection.
    expect(hub.head.stats().connectionsAccepted - before).toBe(1);
    expect(hub.head.stats().identities).toBe(COUNT);
    expect(hub.core.registry.connectedCount()).toBeGreaterThanOrEqual(COUNT);
    await peer.close();
    await waitFor(() => hub.core.registry.connectedCount() === 0, 'sessions closed with the connection');
  }, 120_000);

  it('lets one DeviceConnect policy token (sr {host}/devices) cover many devices', async () => {
    const ids = Array.from({ length: 50 }, (_, i) => `gw-${i}`);
    for (const id of ids) await addSasIdentity(hub, id);
    const peer = await connectPeer(hub);
    expect(await peer.putToken(policyToken(hub, 'device', '/devices'))).toBe(200);
    const senders = await Promise.all(ids.map((id) => peer.sender(`/devices/${id}/messages/events`)));
    const outcomes = await Promise.all(senders.map((s, i) => peer.send(s, { body: `gw ${ids[i]}` })));
    expect(outcomes.every((o) => o === 'accepted')).toBe(true);
    const stored = (await storedTelemetry(hub)).filter((s) => s.deviceId.startsWith('gw-'));
    expect(stored.map((s) => s.deviceId).sort()).toEqual([...ids].sort());

    // A policy without DeviceConnect does not cover device links.
    const other = await connectPeer(hub);
    expect(await other.putToken(policyToken(hub, 'service'))).toBe(200);
    const refused = await other.refused('/devices/gw-0/messages/events', 'sender');
    expect(refused?.condition).toBe('amqp:unauthorized-access');
    await other.close();
    await peer.close();
  });
});
