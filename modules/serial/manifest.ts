/**
 * The serial module's manifest: type `serial`, its version and its config schema (config.ts).
 */
import type { ModuleManifest } from '../../runtime/modules/api.js';
import { serialConfigSchema } from './config.js';

export const serialManifest: ModuleManifest = {
  type: 'serial',
  version: '1.0.0',
  description: 'Devices on serial lines (RS-232/485, USB serial, NMEA GPS): framed and parsed by profile into hub identities with telemetry, reported properties, raw writes and named commands',
  configSchema: serialConfigSchema,
};
