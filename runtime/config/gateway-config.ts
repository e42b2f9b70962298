/**
 * Loads `fieldhub start`'s configuration: the hub keys and the gateway sections, checked first
 * against the JSON schema (hub-config.ts) and then for what a schema cannot say, each error with
 * its JSON path: the upstream has what its protocol needs, every route parses (with the column of
 * the error) and names sinks, modules and the upstream that exist, and every module's own config
 * passes its type's schema with dependencies that resolve. `fieldhub config check` runs exactly
 * this, so a file it accepts starts.
 */
import { RuntimeError } from '../errors.js';
import type { ModuleFactory } from '../modules/api.js';
import { validateModuleConfigs } from '../modules/module-configs.js';
import { checkRoutes, compileRoutes, type Router } from '../routes/router.js';
import { loadHubConfig, type GatewayConfig, type LoadHubConfigOptions } from './hub-config.js';

export interface LoadGatewayConfigOptions extends Omit<LoadHubConfigOptions, 'role'> {
  /** The module types this build has (modules/index.ts). */
  factories: ReadonlyMap<string, ModuleFactory>;
}

/** `path: problem` lines for what the schema cannot check. */
export function checkGatewaySections(config: GatewayConfig, factories: ReadonlyMap<string, ModuleFactory>): { errors: string[]; router?: Router } {
  const errors: string[] = [];
  const up = config.upstream;
  if (up !== undefined) {
    const hubProtocol = up.protocol === 'amqp' || up.protocol === 'mqtt';
    if (hubProtocol && up.connectionString === undefined) {
      errors.push(`/upstream/connectionString: required for protocol ${up.protocol} (the upstream hub\u2019s policy connection string)`);
    }
    if (hubProtocol && up.connectionString !== undefined && up.auth === 'policy' && !/SharedAccessKeyName=[^;]+/.test(up.connectionString)) {
      errors.push('/upstream/connectionString: auth policy needs SharedAccessKeyName and SharedAccessKey');
    }
    if (hubProtocol && up.connectionString !== undefined && up.auth === 'parent') {
      if (!/DeviceId=[^;]+/.test(up.connectionString) || !/SharedAccessKey=[^;]+/.test(up.connectionString)) {
        errors.push('/upstream/connectionString: auth parent needs the gateway device\u2019s connection string (DeviceId and SharedAccessKey)');
      } else if (!up.connectionString.includes(`DeviceId=${config.gateway.deviceId};`) && !up.connectionString.endsWith(`DeviceId=${config.gateway.deviceId}`)) {
        errors.push(`/upstream/connectionString: auth parent: DeviceId must be the gateway\u2019s own (/gateway/deviceId is ${config.gateway.deviceId})`);
      }
    }
    if (up.protocol === 'mqtt-bridge' && up.bridge === undefined) errors.push('/upstream/bridge: required for protocol mqtt-bridge');
    if (up.reconnect.minDelayMs > up.reconnect.maxDelayMs) errors.push('/upstream/reconnect/minDelayMs: must be <= maxDelayMs');
  }
  for (const e of validateModuleConfigs(config.modules, factories)) errors.push(`${e.path}: ${e.message}`);

  const routeOptions = { sinkNames: Object.keys(config.sinks), moduleIds: Object.keys(config.modules) };
  const routeErrors = checkRoutes(config.routes, routeOptions);
  for (const e of routeErrors) errors.push(`/routes/${e.routeName}: ${e.message}`);
  const router: Router | undefined = routeErrors.length === 0 ? compileRoutes(config.routes, routeOptions) : undefined;
  for (const route of router?.routes ?? []) {
    if (route.sink.kind === 'upstream' && up === undefined) {
      errors.push(`/routes/${route.name}: column ${route.sinkColumn}: INTO $upstream, but there is no upstream section`);
    }
  }
  return router === undefined ? { errors } : { errors, router };
}

/** Loads, validates and checks the gateway configuration. FH_CONFIG_UNREADABLE, FH_CONFIG_INVALID. */
export function loadGatewayConfig(options: LoadGatewayConfigOptions): GatewayConfig {
  const config = loadHubConfig({ ...options, role: 'gateway' }) as GatewayConfig;
  const { errors } = checkGatewaySections(config, options.factories);
  if (errors.length > 0) {
    const where = options.file === undefined ? 'invalid configuration' : `invalid config ${options.file}`;
    throw new RuntimeError('FH_CONFIG_INVALID', `${where}: ${errors.join('; ')}`, { problems: errors });
  }
  return config;
}
