/**
 * The serial module's factory: devices on serial lines, framed and parsed into hub identities
 * (telemetry, reported properties, method `write` and named commands), ports reopened when lost.
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { serialManifest } from './manifest.js';

export const serialFactory: ModuleFactory = {
  manifest: serialManifest,
  // The implementation (serialport and its native binding, the profile loader) loads when an instance starts.
  create: async () => new (await import('./module.js')).SerialModule(),
};

export type { SerialConfig, PortConfig, DeviceConfig, FramingConfig, ParserConfig, CommandConfig } from './config.js';
