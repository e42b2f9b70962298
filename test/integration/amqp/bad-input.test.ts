/**
 * Bad input against the AMQP head: bytes that are not AMQP, broken frame sizes, links to
 * another identity's address, expired tokens, oversized messages, and a receiver that never
 * grants credit. Each gets its AMQP error; other clients keep working and nothing the hub
 * acknowledged is lost.
 */
import { connect, type TLSSocket } from 'node:tls';
import type { EventContext } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, logsWith, startAmqpHub, storedTelemetry, waitFor, type AmqpTestHub } from './harness.js';
import { connectPeer, detachError, type RheaPeer } from './rhea-peer.js';

let hub: AmqpTestHub;
const keys = new Map<string, string>();

beforeAll(async () => {
  hub = await startAmqpHub({ limits: { maxC2dQueueDepth: 20 } });
  for (const id of ['good', 'other', 'victim', 'short', 'renewed', 'big', 'stingy']) keys.set(id, await addSasIdentity(hub, id));
});

afterAll(async () => {
  await hub?.close();
});

/** A device connection with its token put and a telemetry sender attached. */
async function device(id: string, seconds = 3600): Promise<{ peer: RheaPeer; send(body: string | Buffer): Promise<unknown> }> {
  const peer = await connectPeer(hub);
  expect(await peer.putToken(deviceToken(hub, id, keys.get(id)!, seconds))).toBe(200);
  const events = await peer.sender(`/devices/${id}/messages/events`);
  return { peer, send: (body) => peer.send(events, { body: typeof body === 'string' ? body : body }) };
}

/** The 'good' device still sends and its message is stored: the hub kept serving others. */
async function goodStillWorks(marker: string): Promise<void> {
  const good = await device('good');
  expect(await good.send(marker)).toBe('accepted');
  const stored = await storedTelemetry(hub, 'good');
  expect(stored.some((s) => Buffer.from(s.message.body).toString() === marker)).toBe(true);
  await good.peer.close();
}

function rawTls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: hub.port, ca: hub.ca, servername: 'localhost' }, () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the server sends until it closes the socket. */
function readUntilClosed(socket: TLSSocket): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', () => undefined);
    socket.once('close', () => resolve(Buffer.concat(chunks)));
    socket.once('end', () => socket.end());
  });
}

/** Resolves with the condition the hub closed the peer's connection with. */
function closedWith(peer: RheaPeer): Promise<string | undefined> {
  return new Promise((resolve) => {
    peer.connection.once('connection_error', (c: EventContext) => resolve((c.connection.error as { condition?: string } | undefined)?.condition));
    peer.connection.once('disconnected', () => resolve(undefined));
  });
}

describe('AMQP head bad input', () => {
  it('answers garbage after TLS with its AMQP header and closes; others keep working', async () => {
    const socket = await rawTls();
    const closed = readUntilClosed(socket);
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    const reply = await closed;
    expect([...reply]).toEqual([0x41, 0x4d, 0x51, 0x50, 0, 1, 0, 0]);
    expect(logsWith(hub, { event: 'frame-violation' }).some((l) => l.kind === 'protocol-header')).toBe(true);
    await goodStillWorks('after garbage');
  });

  it('closes a connection that sends a frame with a broken size (framing-error)', async () => {
    for (const frame of [
      Buffer.from([0, 0, 0, 2, 2, 0, 0, 0]), // shorter than a frame header
      Buffer.from([0x7f, 0xff, 0xff, 0xff, 2, 0, 0, 0]), // 2 GiB announced
      Buffer.from([0, 0, 0, 16, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), // data offset 1 word
    ]) {
      const peer = await connectPeer(hub);
      const condition = closedWith(peer);
      (peer.connection as unknown as { socket: { write(b: Buffer): void } }).socket.write(frame);
      expect(await condition).toBe('amqp:connection:framing-error');
    }
    expect(logsWith(hub, { event: 'frame-violation', code: 'FH_MSG_INVALID' }).length).toBeGreaterThanOrEqual(3);
    await goodStillWorks('after broken frames');
  });

  it('refuses a link to another device\u2019s address with unauthorized-access, keeps the own links', async () => {
    const own = await device('other');
    expect(await own.peer.refused('/devices/victim/messages/events', 'sender')).toMatchObject({ condition: 'amqp:unauthorized-access' });
    expect(await own.peer.refused('/devices/victim/messages/devicebound', 'receiver')).toMatchObject({ condition: 'amqp:unauthorized-access' });
    // Unknown nodes and wrong directions are refused too, with their own conditions.
    expect(await own.peer.refused('/nowhere', 'sender')).toMatchObject({ condition: 'amqp:not-found' });
    expect(await own.peer.refused('/devices/other/messages/devicebound', 'sender')).toMatchObject({ condition: 'amqp:not-allowed' });
    expect(await own.send('mine')).toBe('accepted');
    expect(await storedTelemetry(hub, 'victim')).toEqual([]);
    await own.peer.close();
  });

  it('answers an expired or forged token with CBS 401 and detaches links when a token runs out', async () => {
    const peer = await connectPeer(hub);
    expect(await peer.putToken(deviceToken(hub, 'short', keys.get('short')!, -60))).toBe(401);
    expect(await peer.putToken(deviceToken(hub, 'short', 'AAAA' + keys.get('short')!.slice(4)))).toBe(401);
    expect(await peer.putToken('not a token')).toBe(401);
    expect(await peer.refused('/devices/short/messages/events', 'sender')).toMatchObject({ condition: 'amqp:unauthorized-access' });

    // Two identities with 2-second tokens; one renews, the other runs out.
    expect(await peer.putToken(deviceToken(hub, 'short', keys.get('short')!, 2))).toBe(200);
    expect(await peer.putToken(deviceToken(hub, 'renewed', keys.get('renewed')!, 2))).toBe(200);
    const expiring = await peer.sender('/devices/short/messages/events');
    const renewed = await peer.sender('/devices/renewed/messages/events');
    const detached = detachError(expiring);
    expect(await peer.putToken(deviceToken(hub, 'renewed', keys.get('renewed')!, 3600))).toBe(200);
    expect(await detached).toMatchObject({ condition: 'amqp:unauthorized-access' });
    expect(await peer.send(renewed, { body: 'still here' })).toBe('accepted');
    await peer.close();
  });

  it('rejects an oversized message with message-size-exceeded and keeps the link', async () => {
    const big = await device('big');
    const tooLarge = await big.send(Buffer.alloc(hub.core.limits.maxMessageBytes + 1024, 0x62));
    expect(tooLarge).toMatchObject({ condition: 'amqp:link:message-size-exceeded' });
    expect(await big.send('small one')).toBe('accepted');
    expect((await storedTelemetry(hub, 'big')).map((s) => Buffer.from(s.message.body).toString())).toEqual(['small one']);

    // Far beyond anything the hub reassembles: the connection goes, the hub stays.
    const closed = closedWith(big.peer);
    void big.send(Buffer.alloc(16 * hub.core.limits.maxMessageBytes, 0x63));
    expect(await closed).toBe('amqp:connection:framing-error');
    await goodStillWorks('after an oversized message');
  });

  it('never pushes past the credit of a receiver, and loses nothing it queued', async () => {
    const stingy = await device('stingy');
    const c2d = await stingy.peer.receiver('/devices/stingy/messages/devicebound');
    const got: string[] = [];
    c2d.on('message', (c: EventContext) => got.push(String(c.message?.message_id)));
    for (let i = 0; i < 20; i++) await hub.core.c2d.send('stingy', { body: Buffer.from(`m${i}`), system: { messageId: `s${i}` }, properties: {} });
    // The queue is full (20 here), the hub refuses more instead of buffering them.
    await expect(hub.core.c2d.send('stingy', { body: Buffer.from('x'), system: {}, properties: {} })).rejects.toMatchObject({ code: 'FH_C2D_QUEUE_FULL' });
    await goodStillWorks('while a receiver grants no credit');
    expect(got).toEqual([]);

    // Three credits: exactly three messages, in order; unsettled here.
    c2d.add_credit(3);
    await waitFor(() => got.length === 3, 'three messages');
    expect(got).toEqual(['s0', 's1', 's2']);
    await goodStillWorks('after some credit');
    expect(got).toHaveLength(3);

    // The connection goes without settling: every message is still there for the next receiver.
    await stingy.peer.close();
    const again = await device('stingy');
    const all: string[] = [];
    const rx = await again.peer.receiver('/devices/stingy/messages/devicebound', { credit_window: 100, autoaccept: true });
    rx.on('message', (c: EventContext) => all.push(String(c.message?.message_id)));
    await waitFor(() => all.length === 20, 'all 20 messages', 20_000);
    expect(all).toEqual(Array.from({ length: 20 }, (_, i) => `s${i}`));
    await waitFor(async () => (await hub.core.c2d.queueDepth('stingy')) === 0, 'completed');
    await again.peer.close();
  });
});
