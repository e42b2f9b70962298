/**
 * The system module's factory: board health as telemetry and module twin reported properties.
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { systemManifest } from './manifest.js';
import { SystemModule } from './module.js';

export const systemFactory: ModuleFactory = {
  manifest: systemManifest,
  create: () => new SystemModule(),
};

export type { SystemConfig } from './manifest.js';
