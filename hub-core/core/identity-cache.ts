/**
 * The registry's in-memory view of every device and module. Auth runs on every connect and
 * telemetry checks the sender on every message, so lookups must never touch the store: the
 * registry loads everything at start and writes through (store first, then this cache).
 */
import { HubError } from '../errors.js';
import { decodeJson, type Store } from '../store/store.js';
import { describe } from './ids.js';
import type { DeviceRecord, ModuleRecord } from './registry-records.js';
import type { Authentication, IdentityRef } from './types.js';

/** A resolved identity, for auth and sessions. Modules inherit their device's status. */
export interface IdentityInfo {
  ref: IdentityRef;
  enabled: boolean;
  generationId: string;
  authentication: Authentication;
}

/** Synchronous identity lookups; the base of {@link Registry}, which adds the writes. */
export class IdentityCache {
  protected readonly devices = new Map<string, DeviceRecord>();
  protected readonly modules = new Map<string, Map<string, ModuleRecord>>();

  /** Fills the cache from the `devices` and `modules` sublevels. */
  protected async loadFrom(devices: Store, modules: Store): Promise<void> {
    for await (const [, value] of devices.iterate()) {
      const record = decodeJson<DeviceRecord>(value);
      this.devices.set(record.deviceId, record);
    }
    for await (const [, value] of modules.iterate()) {
      const record = decodeJson<ModuleRecord>(value);
      this.moduleMap(record.deviceId).set(record.moduleId, record);
    }
  }

  /** The identity, or undefined when it does not exist. */
  identity(ref: IdentityRef): IdentityInfo | undefined {
    const device = this.devices.get(ref.deviceId);
    if (device === undefined) return undefined;
    const enabled = device.status === 'enabled';
    if (ref.moduleId === undefined) return { ref, enabled, generationId: device.generationId, authentication: device.authentication };
    const module = this.modules.get(ref.deviceId)?.get(ref.moduleId);
    return module && { ref, enabled, generationId: module.generationId, authentication: module.authentication };
  }

  /** The identity, or FH_REGISTRY_NOT_FOUND. */
  require(ref: IdentityRef): IdentityInfo {
    const info = this.identity(ref);
    if (info === undefined) throw new HubError('FH_REGISTRY_NOT_FOUND', `${describe(ref)} is not registered`);
    return info;
  }

  /**
   * FH_REGISTRY_NOT_FOUND unless the identity exists: {@link require} without building the
   * IdentityInfo, for telemetry, which checks the sender of every message.
   */
  requireExists(ref: IdentityRef): void {
    if (this.devices.has(ref.deviceId) && (ref.moduleId === undefined || this.modules.get(ref.deviceId)?.has(ref.moduleId) === true)) return;
    throw new HubError('FH_REGISTRY_NOT_FOUND', `${describe(ref)} is not registered`);
  }

  deviceRecord(deviceId: string): DeviceRecord | undefined {
    return this.devices.get(deviceId);
  }

  moduleRecord(deviceId: string, moduleId: string): ModuleRecord | undefined {
    return this.modules.get(deviceId)?.get(moduleId);
  }

  /** Every identity: devices, each followed by its modules. */
  *allIdentities(): Iterable<IdentityRef> {
    for (const deviceId of this.devices.keys()) {
      yield { deviceId };
      for (const moduleId of this.modules.get(deviceId)?.keys() ?? []) yield { deviceId, moduleId };
    }
  }

  protected moduleMap(deviceId: string): Map<string, ModuleRecord> {
    let map = this.modules.get(deviceId);
    if (map === undefined) this.modules.set(deviceId, (map = new Map()));
    return map;
  }
}
