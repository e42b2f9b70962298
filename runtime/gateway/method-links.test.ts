/**
 * The gateway wants an identity's upstream method links exactly while the local identity accepts
 * methods: from the state at start, then from every change, for devices and modules.
 */
import { identityKey } from '../../hub-core/core/ids.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createTestHub, RecordingProxy } from '../../hub-core/core/test-kit.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import { followMethodLinks } from './method-links.js';


/** What a link was told, and what it wants now. */
function recordingLink() {
  const calls: [string, boolean][] = [];
  const wanted = new Map<string, boolean>();
  return {
    calls, wanted,
    setMethodsWanted(ref: IdentityRef, on: boolean): void {
      calls.push([identityKey(ref), on]);
      wanted.set(identityKey(ref), on);
    },
  };
}

describe('followMethodLinks', () => {
  it('starts from each identity\u2019s state, follows changes, and stops following when told', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'leaf' });
    await hub.registry.createDevice({ deviceId: 'quiet' });
    await hub.registry.createModule({ deviceId: 'leaf', moduleId: 'mod' });
    // Connected and subscribed before the gateway follows.
    const mod = await hub.connect({ deviceId: 'leaf', moduleId: 'mod' }, { kind: 'device', deviceId: 'leaf', moduleId: 'mod', authType: 'sas' }, new RecordingProxy());
    mod.setMethodsEnabled(true);

    const link = recordingLink();
    const stop = await followMethodLinks(hub, link, { detachGraceMs: 0 });
    expect(Object.fromEntries(link.wanted)).toEqual({ leaf: false, 'leaf/mod': true, quiet: false });

    const leaf = await hub.connect({ deviceId: 'leaf' }, { kind: 'device', deviceId: 'leaf', authType: 'sas' }, new RecordingProxy());
    expect(link.wanted.get('leaf')).toBe(false); // connected, not subscribed
    leaf.setMethodsEnabled(true);
    expect(link.wanted.get('leaf')).toBe(true);
    leaf.disconnect();
    mod.setMethodsEnabled(false);
    expect(Object.fromEntries(link.wanted)).toEqual({ leaf: false, 'leaf/mod': false, quiet: false });

    // An identity created later is set too (no session yet: not wanted).
    await hub.registry.createDevice({ deviceId: 'late' });
    expect(link.wanted.get('late')).toBe(false);

    stop();
    const before = link.calls.length;
    const again = await hub.connect({ deviceId: 'quiet' }, { kind: 'device', deviceId: 'quiet', authType: 'sas' }, new RecordingProxy());
    again.setMethodsEnabled(true);
    expect(link.calls.length).toBe(before);
    await hub.close();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('keeps the links of a leaf that comes back within detachGraceMs, and detaches once the grace has passed', async () => {
    const { hub } = await createTestHub();
    await hub.registry.createDevice({ deviceId: 'leaf' });
    const link = recordingLink();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const stop = await followMethodLinks(hub, link, { detachGraceMs: 5000 });
    const connect = async () => {
      const s = await hub.connect({ deviceId: 'leaf' }, { kind: 'device', deviceId: 'leaf', authType: 'sas' }, new RecordingProxy());
      s.setMethodsEnabled(true);
      return s;
    };
    const first = await connect();
    expect(link.calls).toEqual([['leaf', false], ['leaf', true]]);
    first.disconnect();
    vi.advanceTimersByTime(4000);
    // Back within the grace: the upstream never saw it go.
    const second = await connect();
    vi.advanceTimersByTime(10_000);
    expect(link.calls).toEqual([['leaf', false], ['leaf', true]]);
    second.disconnect();
    vi.advanceTimersByTime(4999);
    expect(link.wanted.get('leaf')).toBe(true);
    vi.advanceTimersByTime(1);
    expect(link.calls).toEqual([['leaf', false], ['leaf', true], ['leaf', false]]);
    // A detach still waiting when the gateway stops following is dropped.
    const third = await connect();
    third.disconnect();
    stop();
    vi.advanceTimersByTime(10_000);
    expect(link.calls.at(-1)).toEqual(['leaf', true]);
    await hub.close();
  });
});
