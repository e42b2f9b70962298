/**
 * The system module's factory: board health as telemetry and module twin reported properties.
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { systemManifest } from './manifest.js';

export const systemFactory: ModuleFactory = {
  manifest: systemManifest,
  // The implementation (and systeminformation) loads when an instance starts.
  create: async () => new (await import('./module.js')).SystemModule(),
};

export type { SystemConfig } from './manifest.js';
