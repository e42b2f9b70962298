/**
 * The AMQP upstream link spreads identities over connections (`identitiesPerConnection`, IoT
 * Hub's multiplexing limit): against a real `fieldhub hub` behind a TCP proxy that counts the
 * connections, 7 identities at 3 per connection take 3 connections, each identity's telemetry is
 * stored under its own id, a connection whose identities are all removed closes, and after a cut
 * every connection comes back with its identities.
 */
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import type { IdentityRef } from '../../../hub-core/core/types.js';
import { createAmqpUpstreamLink, type AmqpUpstreamLink } from '../../../runtime/upstream/amqp/index.js';
import { startCutProxy, type CutProxy } from '../../helpers/cut-proxy.js';
import { recorder, waitUntil } from '../../helpers/upstream-kit.js';
import { startUpstreamHub, type UpstreamHub } from './upstream-hub.js';

let link: AmqpUpstreamLink | undefined;
let up: UpstreamHub | undefined;
let proxy: CutProxy | undefined;
afterAll(async () => {
  await link?.close();
  await proxy?.close();
  await up?.cleanup();
});

const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('AMQP upstream link over several connections', () => {
  it('carries at most identitiesPerConnection identities per connection, and each connection recovers on its own', async () => {
    up = await startUpstreamHub();
    const ids = Array.from({ length: 8 }, (_, i) => `pool-${i}`);
    await up.createDevices(ids);
    proxy = await startCutProxy('127.0.0.1', up.amqpPort);
    link = createAmqpUpstreamLink({
      hostName: up.hostName, connectHost: '127.0.0.1', port: proxy.port, ca: up.ca, logger: pino({ level: 'silent' }),
      credentials: { kind: 'policy', keyName: up.owner.keyName, key: up.owner.key },
      identitiesPerConnection: 3, reconnect: { minDelayMs: 20, maxDelayMs: 100 },
    });
    const rec = recorder();
    link.start(rec.handlers);
    const refs: IdentityRef[] = ids.slice(0, 7).map((deviceId) => ({ deviceId }));
    for (const ref of refs) link.addIdentity(ref);
    const current = link;
    await waitUntil(() => refs.every((r) => current.isOnline(r)), 'all 7 identities online');
    expect(proxy.open).toBe(3);
    expect(link.status()).toMatchObject({ state: 'connected', connections: 3, identitiesTotal: 7, identitiesOnline: 7 });

    const before = await up.lastSeq();
    await Promise.all(refs.map((r) => current.sendTelemetry(r, { body: text(`from ${r.deviceId}`), system: {}, properties: {} })));
    const stored = await up.telemetry(before);
    expect(stored.map((l) => [l.deviceId, l.body]).sort()).toEqual(refs.map((r) => [r.deviceId, `from ${r.deviceId}`]).sort());

    // pool-6 is alone on the third connection: removing it closes that connection.
    link.removeIdentity({ deviceId: 'pool-6' });
    const counted = proxy;
    await waitUntil(() => counted.open === 2, 'the emptied connection closed');
    expect(link.status()).toMatchObject({ connections: 2, identitiesTotal: 6 });
    await expect(link.sendTelemetry({ deviceId: 'pool-6' }, { body: text('x'), system: {}, properties: {} })).rejects.toMatchObject({ code: 'FH_UPSTREAM_OFFLINE' });
    // The next identity finds no room on the first two and opens a new one.
    link.addIdentity({ deviceId: 'pool-7' });
    await waitUntil(() => current.isOnline({ deviceId: 'pool-7' }), 'pool-7 online');
    expect(proxy.open).toBe(3);

    // Every connection dropped: each reconnects and brings its identities back.
    const live = [...refs.slice(0, 6), { deviceId: 'pool-7' }];
    proxy.cut();
    await waitUntil(() => current.status().identitiesOnline === 0, 'all identities offline');
    expect(current.status().state).not.toBe('connected');
    proxy.restore();
    await waitUntil(() => live.every((r) => current.isOnline(r)), 'all back online');
    expect(proxy.open).toBe(3);
    const after = await up.lastSeq();
    await Promise.all(live.map((r) => current.sendTelemetry(r, { body: text('again'), system: {}, properties: {} })));
    expect((await up.telemetry(after)).map((l) => l.deviceId).sort()).toEqual(live.map((r) => r.deviceId).sort());
  }, 90_000);
});
