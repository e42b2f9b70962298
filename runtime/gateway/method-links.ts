/**
 * Keeps each identity's upstream method links (AMQP links, MQTT subscription) in line with the
 * local hub: wanted exactly while the local device or module accepts direct methods, as IoT Edge
 * subscribes upstream only while the device is subscribed locally. So the upstream answers a call
 * to a leaf that is not connected with 404 DeviceNotOnline itself, as IoT Hub does; dispatch.ts's
 * 404 answer stays for the race where the leaf drops between the attach and the call.
 */
import type { HubCoreApi } from '../../hub-core/core/api.js';
import type { IdentityRef } from '../../hub-core/core/types.js';
import type { UpstreamLink } from '../upstream/link.js';

/**
 * Follows `methodsEnabledChanged` into `link.setMethodsWanted`, and sets every registered
 * identity (and each one created later) from `core.methods.isEnabled`. Resolves once the initial
 * pass is done; the returned function stops following.
 */
export async function followMethodLinks(core: HubCoreApi, link: Pick<UpstreamLink, 'setMethodsWanted'>): Promise<() => void> {
  const changed = (ref: IdentityRef, enabled: boolean): void => link.setMethodsWanted(ref, enabled);
  const created = (ref: IdentityRef): void => link.setMethodsWanted(ref, core.methods.isEnabled(ref));
  // Listen first: a change during the pass below is then applied after (or read by) it.
  core.on('methodsEnabledChanged', changed);
  core.on('identityCreated', created);
  const stop = (): void => {
    core.off('methodsEnabledChanged', changed);
    core.off('identityCreated', created);
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
