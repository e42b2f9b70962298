/**
 * The modbus module's factory: Modbus RTU and TCP devices, described by device profiles, as hub
 * identities (telemetry, reported properties, writes from desired properties and method `write`).
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { checkModbusConfig } from './config-check.js';
import { modbusManifest } from './manifest.js';
import type { ModbusConfig } from './manifest.js';

export const modbusFactory: ModuleFactory = {
  manifest: modbusManifest,
  check: (config) => checkModbusConfig(config as ModbusConfig),
  // The implementation (modbus-serial, serialport and its native binding) loads when an instance starts.
  create: async () => new (await import('./module.js')).ModbusModule(),
};

export type { ModbusConfig, DeviceConfig, PortConfig } from './manifest.js';
