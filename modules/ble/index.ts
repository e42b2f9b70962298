/**
 * The ble module's factory: Bluetooth Low Energy GATT devices through BlueZ (node-ble over D-Bus),
 * described by device profiles, as hub identities (telemetry, reported properties, writes from
 * direct method `write` and desired properties), served by a fair scheduler over a bounded number
 * of connections.
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { bleManifest } from './manifest.js';

export const bleFactory: ModuleFactory = {
  manifest: bleManifest,
  // The implementation (node-ble, dbus-next, the profile loader) loads when an instance starts.
  create: async () => new (await import('./module.js')).BleModule(),
};

export type { BleConfig, BleDeviceConfig, BleAllowList } from './manifest.js';
