/**
 * The other ways in (wire contract C "Connection"): SASL ANONYMOUS followed by CBS, SASL PLAIN
 * for a device and for a DeviceConnect policy, the connection properties the hub advertises, and
 * `handle()` serving a byte stream the head did not accept itself (what the WebSocket adapter
 * on the HTTPS port will hand it).
 */
import { createServer, type Server } from 'node:net';
import type { EventContext } from 'rhea';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addSasIdentity, deviceToken, policyToken, startAmqpHub, storedTelemetry, type AmqpTestHub } from './harness.js';
import { connectPeer } from './rhea-peer.js';

let hub: AmqpTestHub;
const keys = new Map<string, string>();

beforeAll(async () => {
  hub = await startAmqpHub();
  for (const id of ['anon', 'plain', 'gw-a', 'gw-b', 'stream', 'pipe-1', 'pipe-2']) keys.set(id, await addSasIdentity(hub, id));
});

afterAll(async () => {
  await hub?.close();
});

async function bodies(deviceId: string): Promise<string[]> {
  return (await storedTelemetry(hub, deviceId)).map((s) => Buffer.from(s.message.body).toString());
}

describe('AMQP head connection setup', () => {
  it('advertises idle-time-out 240000 ms and its max frame size, with no SASL layer', async () => {
    const peer = await connectPeer(hub);
    const open = (peer.connection as unknown as { remote: { open: { idle_time_out?: number; max_frame_size?: number } } }).remote.open;
    expect(open.idle_time_out).toBe(240_000);
    expect(open.max_frame_size).toBe(65_536);
    await peer.close();
  });

  it('accepts SASL ANONYMOUS followed by a CBS put-token', async () => {
    const peer = await connectPeer(hub, { username: 'anonymous' });
    expect(await peer.putToken(deviceToken(hub, 'anon', keys.get('anon')!))).toBe(200);
    const events = await peer.sender('/devices/anon/messages/events');
    expect(await peer.send(events, { body: 'via anonymous' })).toBe('accepted');
    expect(await bodies('anon')).toEqual(['via anonymous']);
    await peer.close();
  });

  it('accepts SASL PLAIN {d}@sas.{hub} with the device token as password; one identity only', async () => {
    const peer = await connectPeer(hub, { username: `plain@sas.${hub.hostName}`, password: deviceToken(hub, 'plain', keys.get('plain')!) });
    const events = await peer.sender('/devices/plain/messages/events');
    expect(await peer.send(events, { body: 'via plain' })).toBe('accepted');
    expect(await bodies('plain')).toEqual(['via plain']);
    expect(await peer.refused('/devices/anon/messages/events', 'sender')).toMatchObject({ condition: 'amqp:unauthorized-access' });
    await peer.close();
  });

  it('accepts SASL PLAIN {policy}@sas.root.{hub} with a DeviceConnect policy token for many devices', async () => {
    const hubName = hub.hostName.split('.')[0]!;
    const peer = await connectPeer(hub, { username: `device@sas.root.${hubName}`, password: policyToken(hub, 'device') });
    for (const id of ['gw-a', 'gw-b']) {
      const events = await peer.sender(`/devices/${id}/messages/events`);
      expect(await peer.send(events, { body: `gateway ${id}` })).toBe('accepted');
    }
    expect(await bodies('gw-a')).toEqual(['gateway gw-a']);
    expect(await bodies('gw-b')).toEqual(['gateway gw-b']);
    await peer.close();
  });

  it('refuses SASL PLAIN with a bad token or a user that does not match it', async () => {
    for (const [username, password] of [
      [`plain@sas.${hub.hostName}`, 'SharedAccessSignature sr=x&sig=y&se=1'],
      [`anon@sas.${hub.hostName}`, deviceToken(hub, 'plain', keys.get('plain')!)],
      ['plain', deviceToken(hub, 'plain', keys.get('plain')!)],
    ]) {
      const err = await connectPeer(hub, { username, password }).then(() => undefined, (e: { condition?: string }) => e);
      expect(err?.condition).toBe('amqp:unauthorized-access');
    }
  });

  it('judges a link attach pipelined right behind its put-token after that token', async () => {
    const peer = await connectPeer(hub);
    expect(await peer.putToken(deviceToken(hub, 'pipe-1', keys.get('pipe-1')!))).toBe(200);
    // Put-token and attach leave in one write: the attach must not be refused for lack of it.
    const status = peer.putTokenNow(deviceToken(hub, 'pipe-2', keys.get('pipe-2')!));
    const events = peer.sender('/devices/pipe-2/messages/events');
    expect(await status).toBe(200);
    expect(await peer.send(await events, { body: 'pipelined' })).toBe('accepted');
    expect(await bodies('pipe-2')).toEqual(['pipelined']);
    await peer.close();
  });

  it('serves AMQP on a stream handed to handle() (here plain TCP, as a WebSocket adapter would)', async () => {
    const server: Server = createServer((socket) => hub.head.handle(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as { port: number }).port;
    try {
      const peer = await connectPeer({ ...hub, port }, { transport: 'tcp' });
      expect(await peer.putToken(deviceToken(hub, 'stream', keys.get('stream')!))).toBe(200);
      const events = await peer.sender('/devices/stream/messages/events');
      expect(await peer.send(events, { body: 'over a stream' })).toBe('accepted');
      const c2d = await peer.receiver('/devices/stream/messages/devicebound', { credit_window: 10, autoaccept: true });
      const got = new Promise<string>((resolve) => c2d.once('message', (c: EventContext) => resolve(String(c.message?.message_id))));
      await hub.core.c2d.send('stream', { body: Buffer.from('down'), system: { messageId: 'down-1' }, properties: {} });
      expect(await got).toBe('down-1');
      expect(await bodies('stream')).toEqual(['over a stream']);
      await peer.close();
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
