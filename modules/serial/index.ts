/**
 * The serial module's factory: devices on serial lines, framed and parsed into hub identities
 * (telemetry, reported properties, method `write` and named commands), ports reopened when lost.
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { serialManifest } from './manifest.js';
import { SerialModule } from './module.js';

export const serialFactory: ModuleFactory = {
  manifest: serialManifest,
  create: () => new SerialModule(),
};

export type { SerialConfig, PortConfig, DeviceConfig, FramingConfig, ParserConfig, CommandConfig } from './config.js';
