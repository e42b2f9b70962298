/**
 * The module host's surface for the gateway (runtime/gateway, `fieldhub start`, `fieldhub config
 * check`). Modules themselves import only ./api.js.
 */
export type * from './api.js';
export { fieldhubVersion } from './api.js';
export { ModuleHost, type ModuleHostOptions } from './module-host.js';
export type { ModuleState, ModuleStatus } from './module-instance.js';
export {
  validateModuleConfigs, resolveModuleConfigs, dependencyOrder,
  type ModuleConfigInput, type ModuleConfigs, type ModuleConfigError, type ResolvedModule, type ResolvedModules,
} from './module-configs.js';
