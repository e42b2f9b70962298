/**
 * The built-in module types, by type name: what `fieldhub start` hands the module host and what
 * `fieldhub config check` validates against.
 */
import type { ModuleFactory } from '../runtime/modules/api.js';
import { bleFactory } from './ble/index.js';
import { modbusFactory } from './modbus/index.js';
import { serialFactory } from './serial/index.js';
import { systemFactory } from './system/index.js';

export const factories: ReadonlyMap<string, ModuleFactory> = new Map<string, ModuleFactory>([
  [systemFactory.manifest.type, systemFactory],
  [modbusFactory.manifest.type, modbusFactory],
  [serialFactory.manifest.type, serialFactory],
  [bleFactory.manifest.type, bleFactory],
]);
