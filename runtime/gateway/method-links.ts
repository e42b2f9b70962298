/**
 * Keeps each identity's upstream method links (AMQP links, MQTT subscription) in line with the
 * local hub: wanted exactly while the local device or module accepts direct methods, as IoT Edge
 * subscribes upstream only while the device is subscribed locally. So the upstream answers a call
 * to a leaf that is not connected with 404 DeviceNotOnline itself, as IoT Hub does; dispatch.ts's
 * 404 answer stays for the race where the leaf drops between the attach and the call, and for
 * the grace below.
 *
 * Detaching waits `detachGraceMs`: a leaf that drops and comes back (a flaky radio, a token
 * renewal) keeps its upstream links instead of detaching and attaching them each time.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import { identityKey } from '../../hub-core/core/ids.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import type { UpstreamLink } from '../upstream/link.js';

/**
 * Follows `methodsEnabledChanged` into `link.setMethodsWanted`, and sets every registered
 * identity (and each one created later) from `core.methods.isEnabled`; a detach waits
 * `detachGraceMs` (default 5000, 0: at once). Resolves once the initial pass is done; the
 * returned function stops following (and drops the detaches still waiting).
 */
export async function followMethodLinks(
  core: HubCoreApi, link: Pick<UpstreamLink, 'setMethodsWanted'>, options: { detachGraceMs?: number } = {},
): Promise<() => void> {
  const graceMs = options.detachGraceMs ?? 5000;
  /** What the link was last told per identity, and the detaches waiting out the grace. */
  const told = new Map<string, boolean>();
  const detaching = new Map<string, NodeJS.Timeout>();
  const tell = (key: string, ref: IdentityRef, wanted: boolean): void => {
    told.set(key, wanted);
    link.setMethodsWanted(ref, wanted);
  };
  const changed = (ref: IdentityRef, enabled: boolean): void => {
    const key = identityKey(ref);
    const waiting = detaching.get(key);
    if (waiting !== undefined) {
      clearTimeout(waiting);
      detaching.delete(key);
    }
    // Attached already (a detach was waiting): nothing to tell.
    if (enabled && told.get(key) === true) return;
    if (enabled || graceMs <= 0 || told.get(key) !== true) {
      tell(key, ref, enabled);
      return;
    }
    const timer = setTimeout(() => {
      detaching.delete(key);
      tell(key, ref, false);
    }, graceMs);
    timer.unref();
    detaching.set(key, timer);
  };
  const created = (ref: IdentityRef): void => changed(ref, core.methods.isEnabled(ref));
  // Listen first: a change during the pass below is then applied after (or read by) it.
  core.on('methodsEnabledChanged', changed);
  core.on('identityCreated', created);
  const stop = (): void => {
    core.off('methodsEnabledChanged', changed);
    core.off('identityCreated', created);
    for (const timer of detaching.values()) clearTimeout(timer);
    detaching.clear();
  };
  try {
    for (const device of await core.registry.listDevices()) {
      created({ deviceId: device.deviceId });
      // A device deleted meanwhile has no modules left to follow.
      const modules = await core.registry.listModules(device.deviceId).catch(() => []);
      for (const m of modules) created({ deviceId: device.deviceId, moduleId: m.moduleId });
    }
  } catch (err) {
    stop();
    throw err;
  }
  return stop;
}
