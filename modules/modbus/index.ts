/**
 * The modbus module's factory: Modbus RTU and TCP devices, described by device profiles, as hub
 * identities (telemetry, reported properties, writes from desired properties and method `write`).
 */
import type { ModuleFactory } from '../../runtime/modules/api.js';
import { modbusManifest } from './manifest.js';
import type { ModbusConfig } from './manifest.js';
import { checkModbusConfig, ModbusModule } from './module.js';

export const modbusFactory: ModuleFactory = {
  manifest: modbusManifest,
  check: (config) => checkModbusConfig(config as ModbusConfig),
  create: () => new ModbusModule(),
};

export type { ModbusConfig, DeviceConfig, PortConfig } from './manifest.js';
