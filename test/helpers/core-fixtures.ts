/**
 * Small helpers every in-process head harness (mqtt, amqp, ws, https-device) needs against a
 * HubCore: waiting for an observable effect, reading what the core stored, creating identities.
 * Each harness re-exports them with its own hub type, so test files keep their imports.
 */
import type { HubCoreApi, StoredTelemetry } from '../../hub-core/core/index.js';

/** Polls `check` until it returns a value other than undefined/false; fails after `ms`. */
export async function waitFor<T>(check: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every stored telemetry message (optionally one device's, with its modules). */
export async function readStoredTelemetry(core: Pick<HubCoreApi, 'telemetry'>, deviceId?: string): Promise<StoredTelemetry[]> {
  const out: StoredTelemetry[] = [];
  for await (const m of core.telemetry.read(deviceId === undefined ? {} : { deviceId })) out.push(m);
  return out;
}

/** Creates a SAS device (if absent) or a module of it, and returns the identity's primary key. */
export async function createSasIdentity(core: Pick<HubCoreApi, 'registry'>, deviceId: string, moduleId?: string): Promise<string> {
  try {
    await core.registry.getDevice(deviceId);
  } catch {
    await core.registry.createDevice({ deviceId });
  }
  if (moduleId !== undefined) {
    const mod = await core.registry.createModule({ deviceId, moduleId });
    return mod.authentication.symmetricKey!.primaryKey!;
  }
  const dev = await core.registry.getDevice(deviceId);
  return dev.authentication.symmetricKey!.primaryKey!;
}
