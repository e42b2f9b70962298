/**
 * The gateway wants an identity's upstream method links exactly while the local identity accepts
 * methods: from the state at start, then from every change, for devices and modules.
 */
import { identityKey } from '../../hub-core/core/ids.js';
import { describe, expect, it } from 'vitest';
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
    const stop = await followMethodLinks(hub, link);
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
});
