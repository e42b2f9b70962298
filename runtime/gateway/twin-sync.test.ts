/**
 * Twin sync rules against a real hub core and a scripted upstream twin: reported properties
 * flow up as the difference from what the upstream last acknowledged; the upstream's desired
 * document wins when its version changed, local edits stay when it did not.
 */
import { describe, expect, it } from 'vitest';
import { createTestHub } from '../../hub-core/core/test-kit.js';
import type { IdentityRef, JsonObject } from '../../hub-core/core/types.js';
import { createRootLogger } from '../../hub-core/log.js';
import { MemoryStore } from '../../hub-core/store/memory.js';
import type { UpstreamLink } from '../upstream/link.js';
import { diffPatch, stripMeta, TwinSync } from './twin-sync.js';

describe('diffPatch', () => {
  it('gives changed values, nested differences, and null for removed keys', () => {
    expect(diffPatch({ a: 1, b: { c: 2, d: 3 }, e: 'x' }, { a: 1, b: { c: 5, d: 3 }, f: [1] })).toEqual({ b: { c: 5 }, e: null, f: [1] });
    expect(diffPatch({ a: { b: 1 } }, { a: 2 })).toEqual({ a: 2 });
    expect(diffPatch({ a: 1 }, { a: 1 })).toEqual({});
  });

  it('stripMeta drops $version and $metadata only', () => {
    expect(stripMeta({ $version: 3, $metadata: {}, a: 1 })).toEqual({ a: 1 });
  });
});

/** The upstream's twin of one identity, as a link shows it. */
class UpstreamTwin {
  desired: JsonObject = { $version: 1 };
  reported: JsonObject = { $version: 1 };
  readonly patches: JsonObject[] = [];
  online = true;
  link(): UpstreamLink {
    return {
      kind: 'amqp', capabilities: { twins: true, methods: true, c2d: true },
      start: () => undefined, addIdentity: () => undefined, removeIdentity: () => undefined,
      isOnline: () => this.online, setMethodsWanted: () => undefined,
      sendTelemetry: async () => undefined,
      getTwin: async () => ({ desired: structuredClone(this.desired), reported: structuredClone(this.reported) }),
      updateReported: async (_ref: IdentityRef, patch: JsonObject) => {
        this.patches.push(patch);
        return ((this.reported.$version as number) += 1);
      },
      status: () => ({ state: 'connected', identitiesOnline: 1, identitiesTotal: 1, connections: 1 }),
      close: async () => undefined,
    };
  }
}

async function setup() {
  const { hub } = await createTestHub();
  await hub.registry.createDevice({ deviceId: 'leaf' });
  const upstream = new UpstreamTwin();
  const store = new MemoryStore();
  await store.open();
  const sync = new TwinSync({ core: hub, link: upstream.link(), store, logger: createRootLogger('silent') });
  const session = await hub.connect({ deviceId: 'leaf' }, { kind: 'device', deviceId: 'leaf', authType: 'sas' }, {
    protocol: 'mqtt', sendC2d: () => undefined, sendMethodRequest: () => undefined, sendDesiredPatch: () => undefined, close: () => undefined,
  });
  return { hub, upstream, sync, session, ref: { deviceId: 'leaf' } };
}

describe('TwinSync', () => {
  it('pushes reported made offline as one difference patch on reconnect, deletions included', async () => {
    const { hub, upstream, sync, session, ref } = await setup();
    await session.updateReported({ fw: '1.0', temp: 20 });
    sync.identityOnline(ref);
    await sync.idle();
    expect(upstream.patches).toEqual([{ fw: '1.0', temp: 20 }]);
    // Offline: two changes and a deletion; the reconnect sends only the difference.
    upstream.online = false;
    await session.updateReported({ temp: 21 });
    await session.updateReported({ fw: null, mode: 'eco' });
    sync.reportedChanged(ref); // offline: nothing goes out
    await sync.idle();
    expect(upstream.patches).toHaveLength(1);
    upstream.online = true;
    sync.identityOnline(ref);
    await sync.idle();
    expect(upstream.patches[1]).toEqual({ fw: null, temp: 21, mode: 'eco' });
    await hub.close();
  });

  it('replaces local desired with the upstream desired when its version changed, and keeps local edits when not', async () => {
    const { hub, upstream, sync, ref } = await setup();
    upstream.desired = { $version: 5, interval: 10, mode: 'fast' };
    sync.identityOnline(ref);
    await sync.idle();
    expect(stripMeta((await hub.twins.get(ref)).properties.desired)).toEqual({ interval: 10, mode: 'fast' });

    // A local edit while the upstream stays at version 5: kept on reconnect.
    await hub.twins.patch(ref, { properties: { desired: { local: true } } });
    sync.identityOnline(ref);
    await sync.idle();
    expect(stripMeta((await hub.twins.get(ref)).properties.desired)).toEqual({ interval: 10, mode: 'fast', local: true });

    // The upstream changed (version 6): its document wins, local-only keys go.
    upstream.desired = { $version: 6, interval: 30 };
    sync.identityOnline(ref);
    await sync.idle();
    expect(stripMeta((await hub.twins.get(ref)).properties.desired)).toEqual({ interval: 30 });
    await hub.close();
  });

  it('applies desired patches from the upstream while online', async () => {
    const { hub, sync, ref } = await setup();
    sync.desiredFromUpstream(ref, { $version: 2, setpoint: 21.5 });
    await sync.idle();
    expect((await hub.twins.get(ref)).properties.desired.setpoint).toBe(21.5);
    expect(sync.stats.desiredApplied).toBe(1);
    await hub.close();
  });
});
