/**
 * Connection lifecycle: a connection that never presents a token is closed with
 * unauthorized-access, a socket that never reaches the AMQP open is cut, and closing the head
 * ends live connections with `amqp:connection:forced` and their identities' sessions.
 */
import { connect } from 'node:tls';
import type { EventContext } from 'rhea';
import { afterEach, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, logsWith, startAmqpHub, waitFor, type AmqpTestHub } from './harness.js';
import { connectPeer, type RheaPeer } from './rhea-peer.js';

let hub: AmqpTestHub | undefined;

afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

function closedWith(peer: RheaPeer): Promise<string | undefined> {
  return new Promise((resolve) => {
    peer.connection.once('connection_error', (c: EventContext) => resolve((c.connection.error as { condition?: string } | undefined)?.condition));
    peer.connection.once('disconnected', () => resolve(undefined));
  });
}

describe('AMQP connection lifecycle', () => {
  it('closes a connection that presents no token in time with unauthorized-access', async () => {
    hub = await startAmqpHub({ head: { authTimeoutMs: 300 } });
    const peer = await connectPeer(hub);
    expect(await closedWith(peer)).toBe('amqp:unauthorized-access');
    expect(logsWith(hub, { event: 'connection-timeout' }).map((l) => l.phase)).toContain('auth');
  });

  it('cuts a socket that never gets to the AMQP open', async () => {
    hub = await startAmqpHub({ head: { openTimeoutMs: 300 } });
    const port = hub.port;
    const ca = hub.ca;
    const closed = await new Promise<boolean>((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, ca, servername: 'localhost' }, () => undefined);
      socket.on('error', reject);
      socket.once('close', () => resolve(true));
    });
    expect(closed).toBe(true);
    expect(logsWith(hub, { event: 'connection-timeout' }).map((l) => l.phase)).toContain('open');
  });

  it('ends live connections with connection:forced when the head closes, and their sessions', async () => {
    hub = await startAmqpHub();
    const key = await addSasIdentity(hub, 'live');
    const peer = await connectPeer(hub);
    expect(await peer.putToken(deviceToken(hub, 'live', key))).toBe(200);
    await peer.sender('/devices/live/messages/events');
    await waitFor(() => hub!.core.registry.connectedCount() === 1, 'session open');
    const closed = closedWith(peer);
    await hub.head.close();
    expect(await closed).toBe('amqp:connection:forced');
    expect(hub.core.registry.connectedCount()).toBe(0);
  });
});
