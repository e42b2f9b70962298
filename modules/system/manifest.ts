/**
 * The system module's manifest and config: how often the board's health is sampled and sent as
 * telemetry, and how often a health summary is written to the module twin's reported properties.
 */
import type { ModuleManifest } from '../../runtime/modules/api.js';

/** The system module's settings, defaults filled. */
export interface SystemConfig {
  /** Seconds between samples (each one a telemetry message on output `metrics`). Default 60. */
  readonly intervalS: number;
  /** Seconds between health summaries in the module twin's reported properties. Default 3600. */
  readonly reportedIntervalS: number;
}

export const systemManifest: ModuleManifest = {
  type: 'system',
  version: '1.0.0',
  description: 'Board health (CPU load and temperature, memory, disk, network, uptime, Raspberry Pi throttling) as telemetry and twin reported properties',
  configSchema: {
    type: 'object',
    additionalProperties: false,
    properties: {
      intervalS: { type: 'integer', minimum: 1, maximum: 86_400, default: 60 },
      reportedIntervalS: { type: 'integer', minimum: 1, maximum: 604_800, default: 3600 },
    },
  },
};
